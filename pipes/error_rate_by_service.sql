-- Which services answered with the highest share of server errors recently, and how slow were they?
SELECT
    service,
    count() AS requests,
    countIf(status_code >= 500) AS errors,
    round(errors / requests, 4) AS error_rate,
    quantile(0.99)(duration_ms) AS p99_ms
FROM events
WHERE event_type = 'http_request'
  AND timestamp >= now() - INTERVAL {{hours:1}} HOUR
GROUP BY service
HAVING requests >= {{min_requests:100}}
ORDER BY error_rate DESC, requests DESC
LIMIT {{limit:20}}
