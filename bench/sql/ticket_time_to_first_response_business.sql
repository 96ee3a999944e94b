-- ticket-time-to-first-response --hours business (weekly): as ticket_time_to_first_response.sql,
-- but counting only the working time of the ticket owner's schedule (working_hours rows of the
-- owner, else those of rep "*"), each schedule in its own time zone (DST-correct: a 09:00 start is
-- 09:00 local), without its holidays (holidays of its zone, or of no zone). Windows whose end is at
-- or before their start run past midnight; overlapping windows merge.
-- Business time between two instants = W(end) - W(start), where W(t) is the working time of the
-- schedule from the start of the laid-out days up to t (an ASOF join on the interval starts).
-- Days are laid out over the data's span only. Limitation: a window starting inside a
-- spring-forward gap follows DuckDB's rule, not svcstats' (none in the demo data).
WITH replies AS (
    SELECT m.ticket_id, min(m.sent_at) AS first_reply_at
    FROM messages m JOIN tickets t ON m.ticket_id = t.ticket_id
    WHERE m.sender_type = 'agent' AND coalesce(m.is_public, true) AND m.sent_at >= t.created_at
    GROUP BY m.ticket_id
),
wh AS (
    SELECT
        rep,
        list_position(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], lower(trim(weekday))) AS isodow,
        trim(start)::TIME AS s,
        CASE WHEN trim("end") = '24:00' THEN TIME '00:00' ELSE trim("end")::TIME END AS e,
        coalesce(timezone, 'UTC') AS tz
    FROM working_hours
    WHERE rep IS NOT NULL AND weekday IS NOT NULL AND start IS NOT NULL AND "end" IS NOT NULL
),
t AS (
    SELECT
        t.created_at,
        r.first_reply_at,
        CASE WHEN t.owner IN (SELECT rep FROM wh WHERE rep <> '*') THEN t.owner ELSE '*' END AS schedule
    FROM tickets t LEFT JOIN replies r USING (ticket_id)
    WHERE t.created_at IS NOT NULL
),
days AS (
    SELECT unnest(generate_series(min(created_at)::DATE - 2, max(first_reply_at)::DATE + 2, INTERVAL 1 DAY))::DATE AS day FROM t
),
windows AS (  -- each window on each local day, in UTC, with its local day and, past midnight, the next day's part
    SELECT
        w.rep, w.tz, d.day, w.s, w.e,
        timezone(w.tz, d.day + w.s) AS start_utc,
        timezone(w.tz, d.day + INTERVAL 1 DAY) AS midnight_utc,
        timezone(w.tz, (d.day + CASE WHEN w.e <= w.s THEN 1 ELSE 0 END) + w.e) AS end_utc
    FROM days d JOIN wh w ON isodow(d.day) = w.isodow
),
pieces AS (  -- cut at local midnight, so that a holiday removes exactly its own local day
    SELECT rep, tz, day, start_utc AS a, least(end_utc, midnight_utc) AS b FROM windows
    UNION ALL
    SELECT rep, tz, day + 1, midnight_utc, end_utc FROM windows WHERE end_utc > midnight_utc
),
working AS (
    SELECT rep, epoch_us(a) AS a, epoch_us(b) AS b
    FROM pieces p
    WHERE b > a AND NOT EXISTS (
        SELECT 1 FROM holidays h WHERE h.date = p.day AND (h.timezone IS NULL OR h.timezone = p.tz)
    )
),
reach AS (  -- how far the earlier pieces of the schedule reach
    SELECT rep, a, b, max(b) OVER (PARTITION BY rep ORDER BY a, b ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS reached
    FROM working
),
islands AS (  -- merge overlapping or touching pieces: a new island starts where no earlier piece reaches
    SELECT rep, a, b, sum(CASE WHEN reached IS NULL OR a > reached THEN 1 ELSE 0 END) OVER (PARTITION BY rep ORDER BY a, b) AS island
    FROM reach
),
intervals AS (
    SELECT rep, a, b - a AS len, coalesce(sum(b - a) OVER (PARTITION BY rep ORDER BY a ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS before
    FROM (SELECT rep, min(a) AS a, max(b) AS b FROM islands GROUP BY rep, island)
),
measured AS (
    SELECT
        date_trunc('week', t.created_at AT TIME ZONE 'UTC')::DATE AS period_start,
        t.first_reply_at IS NOT NULL AS replied,
        epoch_us(t.created_at) AS c,
        epoch_us(t.first_reply_at) AS r,
        t.schedule
    FROM t
),
at_start AS (
    SELECT m.*, coalesce(i.before + least(m.c - i.a, i.len), 0) AS w_start
    FROM measured m ASOF LEFT JOIN intervals i ON i.rep = m.schedule AND m.c >= i.a
),
at_end AS (
    SELECT s.*, CASE WHEN s.replied THEN coalesce(i.before + least(s.r - i.a, i.len), 0) END AS w_end
    FROM at_start s ASOF LEFT JOIN intervals i ON i.rep = s.schedule AND s.r >= i.a
),
stats AS (
    SELECT
        period_start,
        count(hours) AS replied_tickets,
        avg(hours) AS mean_hours,
        quantile_cont(hours, 0.5) AS median_hours,
        quantile_cont(hours, 0.9) AS p90_hours,
        count(*) - count(hours) AS unreplied_tickets
    FROM (SELECT period_start, (w_end - w_start) * (1 / 3.6e9) AS hours FROM at_end)
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
