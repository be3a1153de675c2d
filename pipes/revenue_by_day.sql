-- What were paid revenue, order count and average order value per day in one currency?
SELECT
    toDate(created_at) AS day,
    count() AS orders,
    uniqExact(customer_id) AS customers,
    round(sum(total), 2) AS revenue,
    round(avg(total), 2) AS avg_order_value
FROM orders
WHERE status = 'paid'
  AND currency = {{currency:EUR}}
  AND created_at >= today() - {{days:30}}
GROUP BY day
ORDER BY day
