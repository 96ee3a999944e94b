-- customer-wait-time (weekly): every customer wait, from the first customer message of a run not
-- yet answered to the next public human-agent reply in the same ticket (order: sent_at, message_id,
-- customer before reply). A wait whose reply is missing or after now is open, unless its ticket is
-- closed by now (is_closed, else a close date at or before now, as support_volume.sql): then it was
-- ended by the close and counts in closed_unanswered. Placed by start week.
-- `svcstats about customer-wait-time`.
WITH roles AS (
    SELECT
        ticket_id,
        sent_at,
        coalesce(message_id, '') AS order_id,
        CASE WHEN sender_type = 'customer' THEN 0 ELSE 1 END AS role_rank
    FROM messages
    WHERE sender_type = 'customer' OR (sender_type = 'agent' AND coalesce(is_public, true))
),
marked AS (
    SELECT
        ticket_id,
        sent_at,
        role_rank = 0 AND coalesce(lag(role_rank) OVER w <> 0, true) AS starts,
        min(CASE WHEN role_rank = 1 THEN sent_at END) OVER (w ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) AS answer_at
    FROM roles
    WINDOW w AS (PARTITION BY ticket_id ORDER BY sent_at, order_id, role_rank)
),
closes AS (
    SELECT
        ticket_id,
        closed_at IS NOT NULL AND closed_at <= now() AS closed_by_now,
        coalesce(is_closed, closed_by_now) AND (closed_by_now OR closed_at IS NULL) AS closed
    FROM tickets
),
waits AS (
    SELECT
        date_trunc('week', sent_at AT TIME ZONE 'UTC')::DATE AS period_start,
        CASE WHEN answer_at <= now() THEN (epoch_us(answer_at) - epoch_us(sent_at)) * (1 / 3.6e9) END AS hours,
        coalesce(closes.closed, false) AS ticket_closed
    FROM marked LEFT JOIN closes USING (ticket_id)
    WHERE starts AND sent_at <= now()
),
stats AS (
    SELECT
        period_start,
        count(hours) AS waits,
        avg(hours) AS mean_hours,
        quantile_cont(hours, 0.5) AS median_hours,
        quantile_cont(hours, 0.9) AS p90_hours,
        count(*) FILTER (hours IS NULL AND NOT ticket_closed) AS open_waits,
        count(*) FILTER (hours IS NULL AND ticket_closed) AS closed_unanswered
    FROM waits
    GROUP BY period_start
),
calendar AS (
    SELECT unnest(generate_series(min(period_start), max(period_start), INTERVAL 1 WEEK))::DATE AS period_start FROM stats
)
SELECT
    period_start,
    coalesce(waits, 0) AS waits,
    mean_hours,
    median_hours,
    p90_hours,
    coalesce(open_waits, 0) AS open_waits,
    coalesce(closed_unanswered, 0) AS closed_unanswered
FROM calendar LEFT JOIN stats USING (period_start)
ORDER BY period_start
