-- ticket-time-to-first-response (weekly, calendar hours): hours from creation to the first public
-- human-agent message sent at or after creation; tickets without one counted as unreplied.
-- Placed by creation week. `svcstats about ticket-time-to-first-response`.
WITH replies AS (
    SELECT m.ticket_id, min(m.sent_at) AS first_reply_at
    FROM messages m JOIN tickets t ON m.ticket_id = t.ticket_id
    WHERE m.sender_type = 'agent' AND coalesce(m.is_public, true) AND m.sent_at >= t.created_at
    GROUP BY m.ticket_id
),
t AS (
    SELECT
        date_trunc('week', t.created_at AT TIME ZONE 'UTC')::DATE AS period_start,
        (epoch_us(r.first_reply_at) - epoch_us(t.created_at)) * (1 / 3.6e9) AS hours
    FROM tickets t LEFT JOIN replies r USING (ticket_id)
    WHERE t.created_at IS NOT NULL
),
stats AS (
    SELECT
        period_start,
        count(hours) AS replied_tickets,
        avg(hours) AS mean_hours,
        quantile_cont(hours, 0.5) AS median_hours,
        quantile_cont(hours, 0.9) AS p90_hours,
        count(*) - count(hours) AS unreplied_tickets
    FROM t
    GROUP BY period_start
),
calendar AS (
    SELECT unnest(generate_series(min(period_start), max(period_start), INTERVAL 1 WEEK))::DATE AS period_start FROM stats
)
SELECT
    period_start,
    coalesce(replied_tickets, 0) AS replied_tickets,
    mean_hours,
    median_hours,
    p90_hours,
    coalesce(unreplied_tickets, 0) AS unreplied_tickets
FROM calendar LEFT JOIN stats USING (period_start)
ORDER BY period_start
