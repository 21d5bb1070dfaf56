"""One row of a bench/run.sh table: the medians of two timed commands.

    python3 bench/medians.py ROWS SIZE FLOOR FIRST SECOND RATIO

FIRST and SECOND are /usr/bin/time logs ("%e %U %S %M" per run). Prints
rows, size, floor, then wall, CPU and peak of each, and RATIO of their
wall times: `second/first` or `first/second`.
"""
import statistics as st
import sys

rows, size, floor, first, second, ratio = sys.argv[1:]


def med(path):
    r = [list(map(float, line.split())) for line in open(path) if line.strip() and line[0].isdigit()]
    return st.median(x[0] for x in r), st.median(x[1] + x[2] for x in r), st.median(x[3] for x in r) / 1024


a, b = med(first), med(second)
q = b[0] / a[0] if ratio == "second/first" else a[0] / b[0]
print(f"| {int(rows):,} | {size} | {float(floor):.2f} s | {a[0]:.2f} s | {a[1]:.1f} s | {a[2]:.0f} MB | {b[0]:.2f} s | {b[1]:.1f} s | {b[2]:.0f} MB | {q:.2f} |")
