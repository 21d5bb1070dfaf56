#!/usr/bin/env bash
# Benchmark: jiko against DuckDB computing the same tables from the same
# CSV (bench/duckdb_tables.py), on about 1 M and 10 M records (8 and 80
# copies of the shipped data). Runs alternate (jiko, DuckDB, jiko, …),
# RUNS of each (default 3); prints the median wall time, CPU time and peak
# memory of each, their ratio, and the floor: `wc -l` reading the file.
#   bash bench/run.sh [RUNS]
# Needs python3 (duckdb is installed from PyPI if missing).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
work=${BENCH_DIR:-/tmp/jiko-bench}
mkdir -p "$work"
cargo build --release --quiet
python3 -c "import duckdb" 2>/dev/null || pip install --quiet duckdb
jiko=./target/release/jiko
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -sr)"
printf '| rows | file | wc -l | jiko wall | jiko CPU | jiko peak | DuckDB wall | DuckDB CPU | DuckDB peak | DuckDB / jiko |\n|---|---|---|---|---|---|---|---|---|---|\n'
for copies in 8 80; do
  big="$work/incidents-x$copies.csv"
  [ -f "$big" ] || python3 bench/make_big.py "$copies" "$big"
  rows=$(( $(wc -l < "$big") - 1 ))
  floor=$( { /usr/bin/time -f "%e" wc -l "$big" > /dev/null; } 2>&1 )
  : > "$work/times-jiko" ; : > "$work/times-duckdb"
  for i in $(seq "$runs"); do
    # incidents.csv is left out: DuckDB writes no per-report list either.
    /usr/bin/time -a -o "$work/times-jiko" -f "%e %U %S %M" \
      $jiko aggregate --year 2020 --no-charts --no-incidents --input "$big" --out "$work/out" > /dev/null 2>&1
    /usr/bin/time -a -o "$work/times-duckdb" -f "%e %U %S %M" \
      python3 bench/duckdb_tables.py "$big" 2020 > "$work/duckdb.out" 2>&1
  done
  python3 bench/medians.py "$rows" "$(du -h "$big" | cut -f1)" "$floor" "$work/times-jiko" "$work/times-duckdb" second/first
done
echo "(medians of $runs alternating runs; jiko: aggregate --no-charts --no-incidents)"

# The per-report list (issue 23): the default run, which writes
# incidents.csv, against the run without it, alternating; and the floor of
# writing a file that size on this machine (`cp` of the list, page cache).
echo
printf '| rows | list | cp of the list | with the list: wall | CPU | peak | without: wall | CPU | peak | ratio |\n|---|---|---|---|---|---|---|---|---|---|\n'
for copies in 8 80; do
  big="$work/incidents-x$copies.csv"
  rows=$(( $(wc -l < "$big") - 1 ))
  : > "$work/times-list" ; : > "$work/times-nolist"
  for i in $(seq "$runs"); do
    /usr/bin/time -a -o "$work/times-list" -f "%e %U %S %M" \
      $jiko aggregate --year 2020 --no-charts --input "$big" --out "$work/out-list" > /dev/null 2>&1
    /usr/bin/time -a -o "$work/times-nolist" -f "%e %U %S %M" \
      $jiko aggregate --year 2020 --no-charts --no-incidents --input "$big" --out "$work/out" > /dev/null 2>&1
  done
  list="$work/out-list/incidents.csv"
  floor=$( { /usr/bin/time -f "%e" cp "$list" "$work/list-copy" > /dev/null; } 2>&1 ); rm -f "$work/list-copy"
  python3 bench/medians.py "$rows" "$(du -h "$list" | cut -f1)" "$floor" "$work/times-list" "$work/times-nolist" first/second
done
echo "(medians of $runs alternating runs; jiko aggregate --no-charts, with and without --no-incidents)"
