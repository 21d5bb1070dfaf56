#!/usr/bin/env bash
# Benchmark: jiko against DuckDB on the same large CSV (default 80 copies of
# the shipped data, about 10 million records). Prints wall time and peak
# memory of each. Needs python3; installs duckdb from PyPI if missing.
#   bash bench/run.sh [COPIES]
set -euo pipefail
cd "$(dirname "$0")/.."
copies=${1:-80}
work=${BENCH_DIR:-/tmp/jiko-bench}
mkdir -p "$work"
big="$work/incidents-x$copies.csv"
[ -f "$big" ] || python3 bench/make_big.py "$copies" "$big"
echo "input: $big ($(wc -l < "$big") lines, $(du -h "$big" | cut -f1))"
cargo build --release --quiet
python3 -c "import duckdb" 2>/dev/null || pip install --quiet duckdb

measure() { /usr/bin/time -f "  wall %e s, peak memory %M KB" "$@"; }

echo "jiko aggregate --year 2020 (validate every row, all tables):"
measure ./target/release/jiko aggregate --year 2020 --input "$big" --out "$work/out" 2>&1 | grep -E "wall|total:"

echo "duckdb (read the CSV, the matrix and carrier group-bys only):"
measure python3 - "$big" <<'PY' 2>&1 | grep -E "wall|rows"
import sys, duckdb
con = duckdb.connect()
con.execute(f"""create view r as select * from read_csv('{sys.argv[1]}', header=true, all_varchar=true, quote='"', delim=',')""")
q = """
with t as (
  select report_form, carrier, cast(duration_min as bigint) d, cast(affected_users as bigint) u, cause, equipment, services,
         case when cast(substr(started_at,6,2) as int) >= 4 then cast(substr(started_at,1,4) as int)
              else cast(substr(started_at,1,4) as int) - 1 end fy
  from r)
select fy, report_form, count(*), count(distinct carrier),
       sum(case when u < 500 then 1 else 0 end), sum(case when d >= 120 then 1 else 0 end)
from t where d >= 120 or u >= 30000 group by all
"""
rows = con.execute(q).fetchall()
con.execute("select cause, count(*) from r group by all").fetchall()
con.execute("select equipment, count(*) from r group by all").fetchall()
con.execute("select unnest(string_split(services, ';')) s, count(*) from r group by all").fetchall()
print("  rows", len(rows))
PY
