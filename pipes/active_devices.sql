-- Which devices reported a signal recently, per site and firmware, and how lively were they?
SELECT
    d.device_id,
    d.site,
    d.firmware_version,
    max(s.ts) AS last_seen,
    count() AS samples,
    uniqExact(s.signal) AS distinct_signals
FROM signals AS s
INNER JOIN devices AS d ON d.device_id = s.device_id
WHERE s.ts >= now() - INTERVAL {{minutes:15}} MINUTE
  AND ({{site:all}} = 'all' OR d.site = {{site:all}})
GROUP BY d.device_id, d.site, d.firmware_version
ORDER BY last_seen DESC
LIMIT {{limit:100}}
