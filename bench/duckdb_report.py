"""Run one benchmark report written in DuckDB SQL (bench/sql/NAME.sql) on a dataset folder.

    python bench/duckdb_report.py bench/sql/support_volume.sql bench/out/1000000-parquet parquet result.parquet

The SQL reads the tables by name (tickets, messages, working_hours, holidays); each is a view on
the folder's file, created only when the SQL names it (a CSV view is sniffed when created). The
result is written as Parquet, so the benchmark can compare it with svcstats' own. This is the
"hand-written SQL" side of bench/duckdb_compare.py: one process per run, like svcstats.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

# CSV column types for the columns the reports read; the rest are sniffed. Timestamps in the demo
# CSV are ISO 8601 with a Z, so TIMESTAMPTZ reads them exactly (UTC).
CSV_TYPES = {
    "tickets": {
        "ticket_id": "VARCHAR",
        "created_at": "TIMESTAMPTZ",
        "closed_at": "TIMESTAMPTZ",
        "first_closed_at": "TIMESTAMPTZ",
        "reopened_at": "TIMESTAMPTZ",
        "first_response_at": "TIMESTAMPTZ",
        "is_closed": "BOOLEAN",
        "owner": "VARCHAR",
        "team": "VARCHAR",
    },
    "messages": {
        "message_id": "VARCHAR",
        "ticket_id": "VARCHAR",
        "sent_at": "TIMESTAMPTZ",
        "sender_type": "VARCHAR",
        "sender": "VARCHAR",
        "is_public": "BOOLEAN",
    },
    "working_hours": {"rep": "VARCHAR", "weekday": "VARCHAR", "start": "VARCHAR", "end": "VARCHAR", "timezone": "VARCHAR"},
    "holidays": {"date": "DATE", "name": "VARCHAR", "timezone": "VARCHAR"},
}


def source(table: str, folder: Path, file_format: str) -> str:
    """The DuckDB table function reading `table` from `folder`."""
    path = str(folder / f"{table}.{file_format}").replace("'", "''")
    if file_format == "parquet":
        return f"read_parquet('{path}')"
    types = ", ".join(f"'{column}': '{kind}'" for column, kind in CSV_TYPES[table].items())
    return f"read_csv('{path}', header = true, types = {{{types}}})"


def main() -> None:
    """Create the views the SQL needs and write its result to the output Parquet file."""
    sql_file, folder, file_format, out = sys.argv[1:5]
    import duckdb

    sql = Path(sql_file).read_text()
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    for table in CSV_TYPES:
        if re.search(rf"\b{table}\b", sql):
            con.execute(f"CREATE VIEW {table} AS SELECT * FROM {source(table, Path(folder), file_format)}")
    target = out.replace("'", "''")
    con.execute(f"COPY ({sql.strip().rstrip(';')}) TO '{target}' (FORMAT parquet)")


if __name__ == "__main__":
    main()
