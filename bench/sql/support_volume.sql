-- support-volume (weekly, no group): tickets by creation week, split into closed and open at now.
-- Definitions: `svcstats about support-volume`. A ticket is closed when is_closed says so (else when
-- it has a close date at or before now), and never when its close date lies after now.
WITH t AS (
    SELECT
        date_trunc('week', created_at AT TIME ZONE 'UTC')::DATE AS period_start,
        closed_at IS NOT NULL AND closed_at <= now() AS closed_by_now,
        coalesce(is_closed, closed_by_now) AND (closed_by_now OR closed_at IS NULL) AS closed
    FROM tickets
    WHERE created_at IS NOT NULL
),
counts AS (
    SELECT period_start, count(*) AS tickets, count_if(closed) AS closed_tickets, count_if(NOT closed) AS open_tickets
    FROM t
    GROUP BY period_start
),
calendar AS (  -- every week from the first to the last observed, zero-filled
    SELECT unnest(generate_series(min(period_start), max(period_start), INTERVAL 1 WEEK))::DATE AS period_start FROM counts
)
SELECT
    period_start,
    coalesce(tickets, 0) AS tickets,
    coalesce(closed_tickets, 0) AS closed_tickets,
    coalesce(open_tickets, 0) AS open_tickets
FROM calendar LEFT JOIN counts USING (period_start)
ORDER BY period_start
