-- ticket-time-to-close --group-by team (weekly): hours from creation to (last) close of closed
-- tickets, placed by close week; open tickets counted by creation week. `svcstats about ticket-time-to-close`.
WITH t AS (
    SELECT
        created_at,
        closed_at,
        coalesce(team, 'Unassigned') AS team,
        reopened_at IS NOT NULL OR coalesce(first_closed_at < closed_at, false) AS reopened,
        closed_at IS NOT NULL AND closed_at <= now() AS closed_by_now,
        coalesce(is_closed, closed_by_now) AND (closed_by_now OR closed_at IS NULL) AS closed
    FROM tickets
),
durations AS (
    SELECT
        date_trunc('week', closed_at AT TIME ZONE 'UTC')::DATE AS period_start,
        team,
        count(*) AS closed_tickets,
        avg(hours) AS mean_hours,
        quantile_cont(hours, 0.5) AS median_hours,
        quantile_cont(hours, 0.9) AS p90_hours,
        count_if(reopened) AS reopened_tickets
    FROM (SELECT *, (epoch_us(closed_at) - epoch_us(created_at)) * (1 / 3.6e9) AS hours FROM t)
    WHERE closed AND closed_at >= created_at
    GROUP BY ALL
),
open_counts AS (
    SELECT date_trunc('week', created_at AT TIME ZONE 'UTC')::DATE AS period_start, team, count(*) AS open_tickets
    FROM t
    WHERE NOT closed AND created_at IS NOT NULL
    GROUP BY ALL
),
seen AS (SELECT period_start, team FROM durations UNION ALL SELECT period_start, team FROM open_counts),
grid AS (  -- every week from the first to the last observed, for every team seen
    SELECT period_start, team
    FROM (SELECT unnest(generate_series(min(period_start), max(period_start), INTERVAL 1 WEEK))::DATE AS period_start FROM seen)
    CROSS JOIN (SELECT DISTINCT team FROM seen)
)
SELECT
    period_start,
    team,
    coalesce(closed_tickets, 0) AS closed_tickets,
    mean_hours,
    median_hours,
    p90_hours,
    coalesce(reopened_tickets, 0) AS reopened_tickets,
    coalesce(open_tickets, 0) AS open_tickets
FROM grid
LEFT JOIN durations USING (period_start, team)
LEFT JOIN open_counts USING (period_start, team)
ORDER BY period_start, team
