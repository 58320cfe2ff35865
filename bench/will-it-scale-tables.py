#!/usr/bin/env python3
"""Prints the tables of docs/experiments/will-it-scale.md from docs/results/will-it-scale/.

For each testcase and box: per kernel, iterations per second at one task and at the most tasks,
and the per-task efficiency there, as processes and as threads.

    python3 bench/will-it-scale-tables.py > /tmp/tables.md
    python3 bench/will-it-scale-tables.py --update docs/experiments/will-it-scale.md

--update rewrites, in place, every table of FILE that follows a line "TESTCASE, BOX
(iterations per second):" with the table the results give now.
"""
import csv
import os
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "docs", "results", "will-it-scale")
BOXES = [("default", "2-socket x 8-core box"), ("opteron-48", "48-core Opteron (4 sockets x 2 dies x 6 cores)")]


def rate(r):
    return float(r["ops_per_sim_second"]) / 1e6


def table(path):
    rows = list(csv.DictReader(open(path)))
    most = max(int(r["tasks"]) for r in rows)
    kernels = []
    for r in rows:
        k = r["variant"].rsplit("-", 1)[0]
        if k not in kernels:
            kernels.append(k)
    out = ["| kernel | processes: 1 | %d | efficiency | threads: 1 | %d | efficiency |" % (most, most),
           "|---|---|---|---|---|---|---|"]
    for k in kernels:
        cells = ["`%s`" % k]
        for mode in ("processes", "threads"):
            one = next(r for r in rows if r["variant"] == k + "-" + mode and r["tasks"] == "1")
            top = next(r for r in rows if r["variant"] == k + "-" + mode and int(r["tasks"]) == most)
            cells += ["%.2f M" % rate(one), "%.2f M" % rate(top), top["per_task_efficiency"]]
        out.append("| " + " | ".join(cells) + " |")
    return "\n".join(out)


def update(path):
    lines = open(path).read().split("\n")
    titles = {"%s (iterations per second):" % title: box for box, title in BOXES}
    out = []
    i = 0
    while i < len(lines):
        line = lines[i]
        out.append(line)
        i += 1
        head = next((t for t in titles if line.endswith(", " + t)), None)
        if head is None:
            continue
        tc = line[: -len(", " + head)]
        # The blank line, then the table up to the next line that is not a table row.
        out.append(lines[i])
        i += 1
        while i < len(lines) and lines[i].startswith("|"):
            i += 1
        out.append(table(os.path.join(ROOT, titles[head], tc + ".csv")))
    open(path, "w").write("\n".join(out))


def main():
    if sys.argv[1:2] == ["--update"]:
        update(sys.argv[2])
        return
    testcases = sorted(f[:-4] for f in os.listdir(os.path.join(ROOT, "default")) if f.endswith(".csv"))
    for tc in (sys.argv[1:] or testcases):
        for box, title in BOXES:
            print("%s, %s (iterations per second):\n" % (tc, title))
            print(table(os.path.join(ROOT, box, tc + ".csv")))
            print()


if __name__ == "__main__":
    main()
