#!/usr/bin/env bash
# Usage: bench/cluster-jvms.sh [CONFIG] [END-TIME] [KEY=VALUE ...]  (from the project root; one line per cluster size)
# 1 vs 2 vs 3 JVMs: the same run with the actor engine in one JVM, then on clusters. "sim" is the
# run's wall time less the workers' joining (run.join_ms); "rounds/us" the epochs between JVMs per
# simulated microsecond.
set -e
cfg=${1:-conf/default.conf}; end=${2:-5ms}
shift $(( $# < 2 ? $# : 2 ))
defs=(-D "sim.end-time=$end")
for kv in "$@"; do defs+=(-D "$kv"); done
for n in 1 2 3; do
  out=/tmp/cbench-$n
  start=$(date +%s%N)
  if [ $n = 1 ]; then ./dfsim run --quiet "${defs[@]}" --force --out $out $cfg >/tmp/cbench.out 2>&1
  else ./dfsim cluster --nodes $n --quiet "${defs[@]}" --force --out $out $cfg >/tmp/cbench.out 2>&1; fi
  total=$(( ($(date +%s%N) - start) / 1000000 ))
  python3 - $n $total $out <<'PY'
import json,sys
n,total,out=sys.argv[1],int(sys.argv[2]),sys.argv[3]
r=json.load(open(out+'/metrics.json'))['run']
sim=r['wall_ms']-r.get('join_ms',0)
print(f"{n} JVM(s): process {total} ms, run {r['wall_ms']} ms, sim {sim} ms, {r['events']} events in {r['windows']} windows,"
      f" {r.get('rounds',0)} rounds ({r.get('rounds',0)*1000/r['simulated_ns']:.2f}/us), {r['events']*1000/max(1,sim):.0f} events/s,"
      f" digest {r['digest'][:12]}")
PY
done
