#!/usr/bin/env bash
# Usage: bench/cluster-jvms.sh [CONFIG] [END-TIME]  (from the project root; prints one line per cluster size)
# 1 vs 2 vs 3 JVMs: the same run with the actor engine in one JVM, then on clusters.
set -e
cfg=${1:-conf/default.conf}; end=${2:-5ms}
for n in 1 2 3; do
  out=/tmp/cbench-$n
  start=$(date +%s%N)
  if [ $n = 1 ]; then ./dfsim run --quiet -D sim.end-time=$end --force --out $out $cfg >/tmp/cbench.out 2>&1
  else ./dfsim cluster --nodes $n --quiet -D sim.end-time=$end --force --out $out $cfg >/tmp/cbench.out 2>&1; fi
  total=$(( ($(date +%s%N) - start) / 1000000 ))
  python3 - $n $total $out <<'PY'
import json,sys
n,total,out=sys.argv[1],int(sys.argv[2]),sys.argv[3]
r=json.load(open(out+'/metrics.json'))['run']
print(f"{n} JVM(s): process {total} ms, run {r['wall_ms']} ms, {r['events']} events in {r['windows']} windows, {r.get('rounds',0)} rounds between JVMs, {r['events']*1000/r['wall_ms']:.0f} events/s, digest {r['digest'][:12]}")
PY
done
