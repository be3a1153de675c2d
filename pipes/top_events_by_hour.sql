-- Which event types were most frequent in each hour of the recent past, and how many users sent them?
SELECT
    toStartOfHour(timestamp) AS hour,
    event_type,
    count() AS events,
    uniqExact(user_id) AS users
FROM events
WHERE timestamp >= now() - INTERVAL {{hours:24}} HOUR
GROUP BY hour, event_type
ORDER BY hour DESC, events DESC
LIMIT {{per_hour:10}} BY hour
