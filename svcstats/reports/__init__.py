"""Reports: one module per report, each defining its `REPORT` once (the ten customer agent
count/rate reports share agent_outcomes.py, one definition each).

A definition (reports/definition.py, Polars-free) holds the name, collection, title, summary,
about text, columns, typed options, chart facts, the partition key of its records, and the code,
in three stages, `stages=Stages(facts, aggregate, finish)`:

  (1) facts(ctx)               one row of facts per record (ticket, conversation, rep, response),
                               from the rows of its partition alone: loads and per-record logic
  (2) aggregate(ctx, facts)    those facts by period and group (counts, sums, means, quantiles);
                               reads only the facts and the settings, never the dataset
  (3) finish(ctx, aggregated)  calendar fill, rates, column order, sort

The runner builds the lazy query (`info.run(ctx)`) and collects it with every check in one
collect_all. A report module imports Polars only inside its functions, so the catalogue (and every
--help) loads without it. Helpers several reports share, not reports themselves: base.py
(ReportContext: records, placement, aggregation, assembly), rules.py (shared prose, options and
columns), definition.py, tickets.py, messages.py, waits.py, reply_waits.py, availability.py,
agent_flags.py.

Adding a report: write svcstats/reports/<name>.py ending with `REPORT = ReportInfo(...)`, add
`<name>.REPORT` to catalog.ORDER where `svcstats reports` should list it, add its hand-computed
test and its README entry; tests/test_catalog.py then checks its documented columns against
what it produces, and tests/test_partitions.py its stages, if it has them.
"""
