-- How far do sessions get through page view, add to cart, checkout and purchase, per day and channel?
SELECT
    day,
    countIf(level >= 1) AS viewed,
    countIf(level >= 2) AS added_to_cart,
    countIf(level >= 3) AS checked_out,
    countIf(level >= 4) AS purchased,
    if(viewed = 0, 0, round(purchased / viewed, 4)) AS conversion
FROM
(
    SELECT
        e.session_id,
        toDate(min(e.timestamp)) AS day,
        windowFunnel({{window_seconds:3600}})(
            e.timestamp,
            e.event_type = 'page_view',
            e.event_type = 'add_to_cart',
            e.event_type = 'checkout_start',
            e.event_type = 'purchase'
        ) AS level
    FROM events AS e
    INNER JOIN sessions AS s ON s.session_id = e.session_id
    WHERE e.timestamp >= today() - {{days:7}}
      AND ({{channel:all}} = 'all' OR s.channel = {{channel:all}})
    GROUP BY e.session_id
)
GROUP BY day
ORDER BY day
