#!/usr/bin/env bash
# Memory and time of `jiko validate` on a file of bad rows only (issue 8:
# proportional to the input; a 300 MB file in under 500 MB).
# Usage: bash bench/bad_rows.sh [MB]   (default 300)
set -euo pipefail
cd "$(dirname "$0")/.."
mb=${1:-300}
file=$(mktemp -d)/bad.csv
python3 - "$file" "$mb" <<'PY'
import sys
path, mb = sys.argv[1], int(sys.argv[2])
row = "r{},X社,detailed,2020/13/45 10:00,-5,約3万,ftth_acces;zz;" + "q" * 60 + ",natural_falure,wdm,こわれた概要\n"
with open(path, "w") as f:
    f.write("incident_id,carrier,report_form,started_at,duration_min,affected_users,services,cause,equipment,summary\n")
    i, size = 0, 0
    while size < mb * 1_000_000:
        line = row.format(i)
        f.write(line)
        size += len(line.encode())
        i += 1
PY
cargo build --release --quiet
echo "file: $(du -h "$file" | cut -f1) of bad rows"
/usr/bin/time -f "validate: %e s wall, %M KB peak" target/release/jiko validate "$file" 2>&1 | tail -3
rm -rf "$(dirname "$file")"
