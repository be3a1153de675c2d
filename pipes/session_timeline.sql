-- What did one session do, event by event? (session_id has no default: the caller must supply it)
SELECT
    e.timestamp,
    e.event_type,
    e.page,
    e.properties,
    s.user_id,
    s.channel,
    s.user_agent
FROM events AS e
INNER JOIN sessions AS s ON s.session_id = e.session_id
WHERE e.session_id = {{session_id}}
ORDER BY e.timestamp
LIMIT {{limit:500}}
