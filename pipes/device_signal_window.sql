-- How did one signal of one device behave over a recent window, in fixed-size buckets?
SELECT
    toStartOfInterval(ts, INTERVAL {{bucket_seconds:60}} SECOND) AS bucket,
    count() AS samples,
    min(value) AS min_value,
    round(avg(value), 3) AS avg_value,
    max(value) AS max_value,
    quantile(0.95)(value) AS p95_value
FROM signals
WHERE device_id = {{device_id:dev-0001}}
  AND signal = {{signal:temperature}}
  AND ts >= now() - INTERVAL {{window_minutes:60}} MINUTE
GROUP BY bucket
ORDER BY bucket
