#!/usr/bin/env python3
"""The tables jiko writes, computed by DuckDB from the same CSV, for the
benchmark: python3 bench/duckdb_tables.py FILE YEAR

Vocabulary and thresholds come from data/rules/mic.toml (the FY2019 set),
so both tools count by the same rules: the fiscal-year and duty filters,
the report forms with distinct carriers, the duration x users matrix, the
services exploded into groups and sub-groups, cause groups, equipment
groups and codes, and the major accidents by service class."""
import sys, tomllib, pathlib, duckdb

path, year = sys.argv[1], int(sys.argv[2])
rules = tomllib.loads((pathlib.Path(__file__).parent.parent / "data/rules/mic.toml").read_text())
tax = rules["taxonomy"]
duty = rules["duty"]
fy2019 = next(s for s in rules["major"] if s["id"] == "FY2019")

con = duckdb.connect()
def table(name, cols, rows):
    con.execute(f"create table {name} ({', '.join(c + ' varchar' for c in cols)})")
    con.executemany(f"insert into {name} values ({', '.join('?' for _ in cols)})", rows)

table("svc", ["code", "grp", "sub"], [(s["code"], s["group"], s["sub"]) for s in tax["services"]])
table("cause_map", ["code", "grp"], [(c["code"], c["group"]) for c in tax["causes"]])
table("eq_map", ["code", "grp"], [(c["code"], c["group"]) for c in tax["equipment"]])
named = {c for cl in fy2019["class"] for c in cl.get("services", [])}
cls = []
for i, cl in enumerate(fy2019["class"], 1):
    codes = [s["code"] for s in tax["services"] if s["code"] not in named] if cl.get("others") else cl["services"]
    cls += [(c, str(i)) for c in codes]
table("svc_class", ["code", "class"], cls)
thresholds = " or ".join(
    f"(c.class = '{i}' and d >= {t['min_duration']} and u >= {t['min_users']})"
    for i, cl in enumerate(fy2019["class"], 1) for t in cl["thresholds"])
dbins = [b["from"] for b in rules["bins"]["duration"]]
ubins = [b["from"] for b in rules["bins"]["users"]]
def bin_expr(col, bins):
    return "case " + " ".join(f"when {col} >= {b} then {len(bins) - 1 - i}" for i, b in enumerate(reversed(bins))) + " end"

con.execute(f"""create view r as select * from read_csv('{path}', header=true, all_varchar=true, quote='"', delim=',')""")
con.execute(f"""create table t as
  select incident_id, coalesce(nullif(accident_id, ''), incident_id) accident_id, report_form form, carrier,
         cast(duration_min as bigint) d, cast(affected_users as bigint) u, services, cause, equipment,
         case when cast(substr(started_at,6,2) as int) >= 4 then cast(substr(started_at,1,4) as int)
              else cast(substr(started_at,1,4) as int) - 1 end fy
  from r""")
con.execute(f"""create table y as select *, {bin_expr('d', dbins)} dbin, {bin_expr('u', ubins)} ubin from t
  where fy = {year} and (d >= {duty['min_duration']} or u >= {duty['min_users']})""")
out = {}
out["summary"] = con.execute("select form, count(*), count(distinct carrier) from y group by all").fetchall()
out["matrix"] = con.execute("select dbin, ubin, count(*) from y where form = 'detailed' group by all").fetchall()
con.execute("create table ys as select y.incident_id, y.accident_id, y.form, y.d, y.u, unnest(string_split(y.services, ';')) code from y")
out["service"] = con.execute("select s.grp, s.sub, count(*) from ys join svc s using (code) where form = 'detailed' group by rollup (s.grp, s.sub)").fetchall()
out["cause"] = con.execute("select m.grp, count(*) from y join cause_map m on y.cause = m.code where form = 'detailed' group by all").fetchall()
out["equipment"] = con.execute("select m.grp, m.code, count(*) from y left join eq_map m on y.equipment = m.code where form = 'detailed' group by rollup (m.grp, m.code)").fetchall()
out["major"] = con.execute(f"select count(distinct accident_id) from ys join svc_class c using (code) where {thresholds}").fetchall()
print("tables:", {k: len(v) for k, v in out.items()}, "majors:", out["major"][0][0])
