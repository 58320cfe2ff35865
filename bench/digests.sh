#!/usr/bin/env bash
# Pins the model's behaviour: runs conf/default.conf, every shipped topology, every run (every
# variant x sweep point x seed) of every shipped experiment and of the will-it-scale suite (every
# testcase's ./dfsim scale on two boxes), and compares each result digest with
# docs/results/digests.txt. Also checks that each experiment's results.csv digest column equals
# the one in docs/results/<experiment>.csv. A change that is meant to move no result (a
# restructure, a speed-up) must leave this script silent; one that moves results rewrites the
# pins with --write and says why in its commit.
#
#   bench/digests.sh            check; exit 1 and list every difference
#   bench/digests.sh --write    run everything, rewrite docs/results/digests.txt and each
#                               experiment's docs/results/<experiment>.csv
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"
mode=check
[ "${1:-}" = "--write" ] && mode=write
work=$(mktemp -d "${TMPDIR:-/tmp}/dfsim-digests.XXXXXX")
trap 'rm -rf "$work"' EXIT
pins=docs/results/digests.txt
got="$work/digests.txt"
: > "$got"

for conf in conf/default.conf conf/topologies/*.conf conf/workloads/*/*.conf; do
  name=${conf#conf/}
  ./dfsim run --quiet --engine sequential --out "$work/run/${name%.conf}" "$conf" > "$work/out.txt"
  echo "$name $(sed -n 's/^result digest: //p' "$work/out.txt")" >> "$got"
done

failed=0
col() { python3 -c 'import csv,sys; print("\n".join(r["variant"]+" "+r["digest"] for r in csv.DictReader(open(sys.argv[1]))))' "$1"; }
for conf in conf/experiments/*.conf; do
  name=$(basename "$conf" .conf)
  ./dfsim experiment --quiet --out "$work/exp/$name" "$conf"
  # Every run's digest, by its directory under runs/ (variant, sweep point, seed).
  (cd "$work/exp/$name" && find runs -name metrics.json | sort | while read -r m; do
    d=$(grep -o '"digest" *: *"[0-9a-f]*"' "$m" | grep -o '[0-9a-f]\{64\}')
    echo "experiments/$name/$(dirname "$m") $d"
  done) >> "$got"
  if [ "$mode" = write ]; then
    cp "$work/exp/$name/results.csv" "docs/results/$name.csv"
  else
    if ! diff <(col "docs/results/$name.csv") <(col "$work/exp/$name/results.csv") > "$work/diff.txt"; then
      echo "digests: docs/results/$name.csv differs from a fresh run:"; cat "$work/diff.txt"; failed=1
    fi
  fi
done

# The will-it-scale suite (docs/experiments/will-it-scale.md): every shipped testcase under every
# kernel of conf/kernels/, as processes and as threads, on the 2-socket box of conf/default.conf
# and on the 48-core Opteron (with memory for page_fault1's 48 x 128 MB, and twice that for the
# private-file testcases' files and their copies).
for box in default opteron-48; do
  for conf in conf/workloads/will-it-scale/*.conf; do
    tc=$(basename "$conf" .conf)
    args=()
    if [ "$box" = opteron-48 ]; then
      mem=1G
      grep -q 'kind = private-file' "$conf" && mem=2G
      args=(--topology conf/topologies/opteron-48.conf -D topology.memory-per-node=$mem)
    fi
    out="$work/scale/$box/$tc"
    ./dfsim scale --quiet --out "$out" "${args[@]}" "$tc"
    (cd "$out" && find runs -name metrics.json | sort | while read -r m; do
      d=$(grep -o '"digest" *: *"[0-9a-f]*"' "$m" | grep -o '[0-9a-f]\{64\}')
      echo "will-it-scale/$box/$tc/$(dirname "$m") $d"
    done) >> "$got"
    pinned="docs/results/will-it-scale/$box/$tc.csv"
    if [ "$mode" = write ]; then
      mkdir -p "$(dirname "$pinned")"
      cp "$out/results.csv" "$pinned"
    elif ! diff <(col "$pinned") <(col "$out/results.csv") > "$work/diff.txt"; then
      echo "digests: $pinned differs from a fresh run:"; cat "$work/diff.txt"; failed=1
    fi
  done
done

if [ "$mode" = write ]; then
  cp "$got" "$pins"
  echo "digests: wrote $(wc -l < "$pins") pins to $pins and the experiments' results to docs/results/"
  exit 0
fi
if ! diff "$pins" "$got" > "$work/diff.txt"; then
  echo "digests: results differ from $pins (< pinned, > now):"; cat "$work/diff.txt"; failed=1
fi
[ "$failed" = 0 ] && echo "digests: all $(wc -l < "$got") digests match $pins"
exit "$failed"
