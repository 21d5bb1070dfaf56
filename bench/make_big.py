#!/usr/bin/env python3
"""Write N copies of the shipped records as one large CSV (ids made unique),
for benchmarks: python3 bench/make_big.py COPIES OUT.csv"""
import sys

copies, out = int(sys.argv[1]), sys.argv[2]
with open(out, "w", encoding="utf-8", newline="") as w:
    header = None
    for k in range(copies):
        for name in ("data/incidents/fy2019.csv", "data/incidents/fy2020.csv"):
            with open(name, encoding="utf-8", newline="") as f:
                h = f.readline()
                if header is None:
                    header = h
                    w.write(h)
                for line in f:
                    # incident_id is the first field; accident links point to
                    # ids of the same copy, so suffix both.
                    w.write(line.replace("FY20", f"C{k}-FY20"))
