-- Which registered devices have sent no signal for too long (candidates for an offline alert)?
SELECT
    d.device_id,
    d.site,
    d.model,
    max(s.ts) AS last_seen,
    dateDiff('minute', last_seen, now()) AS minutes_silent
FROM devices AS d
LEFT JOIN signals AS s ON s.device_id = d.device_id AND s.ts >= now() - INTERVAL {{lookback_hours:24}} HOUR
WHERE d.decommissioned = 0
GROUP BY d.device_id, d.site, d.model
HAVING last_seen < now() - INTERVAL {{silent_minutes:30}} MINUTE
ORDER BY last_seen ASC
LIMIT {{limit:200}}
