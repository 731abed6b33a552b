#!/usr/bin/env bash
# Sidecar HTTP/2 probe (docs/benchmarks.md, "Sidecar HTTP" -> "What a young collection spends its 0.45-0.8 ms on").
#
# A quicker look at the HTTP/2 path than the whole benchmark: a backend (nginx, one worker, 1 KiB responses over h2c)
# and one sidecar with one h2 egress listener in front of it, all on 127.0.0.1. After WARM seconds of
# h2load -c10 -m10 through the sidecar, ROUNDS windows of h2load -t1 -c10 --rps 500 (5,000 req/s) for 9 s, each beside
# a second h2load that loads the backend directly at the same rate, under the benchmark's fixed-rate conditions
# (SCHED_FIFO and idle spinners as root, bench/lib.sh). Per window: p50/p99 of both (without the first second), the
# sidecar's added p50/p99, its CPU per request, and its young collections in the window with their median pause
# (from -Xlog:gc). Everything is killed by pid on exit. About 1.5 minutes with the defaults.
#
#   bench/sidecar-h2-probe.sh
#   SIDECAR_JVM="$(mesh-sidecar/bin/dualmode-sidecar --print-jvm-options) -Xmn8m" bench/sidecar-h2-probe.sh
#   ALLOC=1 bench/sidecar-h2-probe.sh      # plus a JFR allocation profile: the top allocation sites of the run
#   PERF_GC=1 bench/sidecar-h2-probe.sh    # plus perf on the VM thread during the first window: where a pause goes
#   PERF=1 bench/sidecar-h2-probe.sh       # plus perf on the event loop during the first window: where a request goes
#
# Environment: SIDECAR_JVM (JVM options; default: the launch script's), SIDECAR_JAR (default: the module's -all jar),
# ROUNDS (3), WARM (45 s), ALLOC=1 (JFR ObjectAllocationSample at 20,000/s; needs python3), PERF_GC=1 and PERF=1
# (need perf; PERF=1 has the JVM write a perf map of its compiled code at exit), SIDECAR_UNPACK (1). Each window also
# reports, per request, the event loop's context switches (its wake-ups) and the sidecar's write system calls
# (/proc/<pid>/io's syscw; Netty reads with recv(), which that file does not count). Output under
# bench/target/sidecar-h2-probe/.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
SIDECAR_JVM=${SIDECAR_JVM:-$(mesh-sidecar/bin/dualmode-sidecar --print-jvm-options)}
export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}
JAR=${SIDECAR_JAR:-mesh-sidecar/target/dualmode-mesh-sidecar-0.1.0-SNAPSHOT-all.jar}
ROUNDS=${ROUNDS:-3}
WARM=${WARM:-45}
OUT=$ROOT/bench/target/sidecar-h2-probe
HZ=$(getconf CLK_TCK)
BACKEND_PORT=28080
BACKEND_H2_PORT=28081
SIDECAR_H2_PORT=28103
ADMIN_PORT=28191

probe_setup "$OUT"

SIDECAR_JVM="$SIDECAR_JVM -Xlog:gc:file=$OUT/gc.log:uptimenanos"
if [[ ${ALLOC:-0} == 1 ]]; then
  jfc=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")/lib/jfr/profile.jfc
  sed 's#<setting name="throttle" control="allocation-profiling">[^<]*<#<setting name="throttle" control="allocation-profiling">20000/s<#' \
    "$jfc" >"$OUT/alloc.jfc"
  SIDECAR_JVM="$SIDECAR_JVM -XX:StartFlightRecording=settings=$OUT/alloc.jfc,filename=$OUT/alloc.jfr,dumponexit=true"
  SIDECAR_JVM="$SIDECAR_JVM -XX:FlightRecorderOptions=stackdepth=12"
fi
[[ ${PERF:-0} == 1 ]] && SIDECAR_JVM="$SIDECAR_JVM -XX:+UnlockDiagnosticVMOptions -XX:+DumpPerfMapAtExit"
cat >"$OUT/sidecar.yaml" <<EOF
workers: 1
admin: {address: 127.0.0.1, port: $ADMIN_PORT}
limits: {idleTimeout: 300s}
listeners:
  - {name: egress-h2, direction: egress, protocol: h2, address: 127.0.0.1, port: $SIDECAR_H2_PORT, cluster: backend-h2}
clusters:
  - {name: backend-h2, idleTimeout: 300s, endpoints: [{host: 127.0.0.1, port: $BACKEND_H2_PORT}]}
EOF

start_backend "$OUT" "$BACKEND_PORT" "$BACKEND_H2_PORT"
BACKEND_PIDS="$BACKEND_PID $(pgrep -P "$BACKEND_PID" || true)"
start_sidecar "$JAR" "$OUT" "$OUT/sidecar.yaml" "http://127.0.0.1:$SIDECAR_H2_PORT/" h2

young() { grep -c 'Pause Young' "$OUT/gc.log" || true; }
switches() { awk '/ctxt_switches/ {s += $2} END {print s}' "/proc/$SC/task/$LOOP/status"; }
writes() { awk '/^syscw:/ {print $2}' "/proc/$SC/io"; }
echo "sidecar JVM: $SIDECAR_JVM; unpacked: ${SIDECAR_UNPACK:-1}"
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
h2load -t1 -c10 -m10 -D "$WARM" "http://127.0.0.1:$SIDECAR_H2_PORT/" >"$OUT/warm.txt"
# the event loop: the sidecar's busiest thread named dualmode-sidecar-* (the names are cut to 15 characters)
LOOP=$(for t in /proc/"$SC"/task/*; do
  [[ $(cat "$t/comm") == dualmode-sidec* ]] && echo "$(sed 's/^.*) //' "$t/stat" | awk '{print $12 + $13}') ${t##*/}"
done | sort -n | tail -1 | cut -d' ' -f2)
for r in $(seq "$ROUNDS"); do
  # shellcheck disable=SC2086 # word lists of pids
  fixed_rate_conditions on $BACKEND_PIDS "$SC"
  g0=$(young)
  t0=$(ticks "$SC")
  s0=$(switches)
  w0=$(writes)
  "${RT_CMD[@]}" h2load -t1 -c10 --rps 500 -D 9 --log-file="$OUT/sidecar-$r.log" \
    "http://127.0.0.1:$SIDECAR_H2_PORT/" >"$OUT/sidecar-$r.txt" &
  hp=$!
  "${RT_CMD[@]}" h2load -t1 -c10 --rps 500 -D 9 --log-file="$OUT/direct-$r.log" \
    "http://127.0.0.1:$BACKEND_H2_PORT/" >"$OUT/direct-$r.txt" &
  dp=$!
  if [[ ${PERF_GC:-0} == 1 && $r == 1 ]]; then
    vm=$(grep -l '^VM Thread$' /proc/"$SC"/task/*/comm | head -1 | cut -d/ -f5)
    perf record -F 20000 -g -t "$vm" -o "$OUT/perf-vm-thread.data" -- sleep 8 2>"$OUT/perf.err" || true
  fi
  if [[ ${PERF:-0} == 1 && $r == 1 ]]; then
    perf record -F 10000 -g -t "$LOOP" -o "$OUT/perf-loop.data" -- sleep 8 2>"$OUT/perf.err" || true
  fi
  wait "$hp" "$dp"
  t1=$(ticks "$SC")
  s1=$(switches)
  w1=$(writes)
  g1=$(young)
  # shellcheck disable=SC2086
  fixed_rate_conditions off $BACKEND_PIDS "$SC"
  n=$(wc -l <"$OUT/sidecar-$r.log")
  read -r p50 p99 < <(pct "$OUT/sidecar-$r.log")
  read -r d50 d99 < <(pct "$OUT/direct-$r.log")
  pause=$(grep 'Pause Young' "$OUT/gc.log" | tail -n "$((g1 - g0))" | sed 's/.* \([0-9.]*\)ms$/\1/' | sort -n |
    awk '{a[NR] = $1} END {print (NR ? a[int((NR + 1) / 2)] : "-")}')
  echo "window $r: sidecar p50 $p50 p99 $p99 us; direct beside it $d50 / $d99; added +$((p50 - d50)) / +$((p99 - d99)) us;" \
    "CPU $(awk -v d=$((t1 - t0)) -v hz="$HZ" -v n="$n" 'BEGIN {printf "%.1f", d * 1e6 / hz / n}') us/req;" \
    "young GCs $((g1 - g0)), median pause $pause ms; non-200 $(awk -F'\t' '$2 != 200' "$OUT/sidecar-$r.log" | wc -l)"
  echo "          per request: event-loop wake-ups $(awk -v d=$((s1 - s0)) -v n="$n" 'BEGIN {printf "%.2f", d / n}')," \
    "write system calls $(awk -v d=$((w1 - w0)) -v n="$n" 'BEGIN {printf "%.2f", d / n}')"
done

if [[ ${PERF_GC:-0} == 1 && -f $OUT/perf-vm-thread.data ]]; then
  echo "VM thread during window 1 (perf, self and children, top 25):"
  perf report -i "$OUT/perf-vm-thread.data" --children --sort symbol --stdio -g none 2>/dev/null |
    grep '%' | cut -c1-120 | head -25 || true # head closes the pipe early
fi
if [[ ${PERF:-0} == 1 && -f $OUT/perf-loop.data ]]; then
  kill "$SC" && wait "$SC" 2>/dev/null || true # the perf map is written at exit
  echo "event loop during window 1 (perf, self time by library and symbol, top 40):"
  perf report -i "$OUT/perf-loop.data" --no-children --sort dso,symbol --stdio -g none 2>/dev/null |
    grep '%' | cut -c1-150 | head -40 || true
  echo "event loop during window 1, by library:"
  perf report -i "$OUT/perf-loop.data" --no-children --sort dso --stdio -g none 2>/dev/null | grep '%' | head -12 || true
fi
if [[ ${ALLOC:-0} == 1 ]]; then
  kill "$SC" 2>/dev/null && wait "$SC" 2>/dev/null || true
  jfr print --events jdk.ObjectAllocationSample --stack-depth 12 "$OUT/alloc.jfr" >"$OUT/alloc.txt"
  echo "allocation (whole run) by class and site, top 25:"
  python3 - "$OUT/alloc.txt" <<'PY'
import collections, re, sys
units = {'bytes': 1, 'kB': 1e3, 'MB': 1e6, 'GB': 1e9}
sites, total = collections.Counter(), 0.0
for event in open(sys.argv[1]).read().split('jdk.ObjectAllocationSample {')[1:]:
    cls = re.search(r'objectClass = (\S+)', event)
    weight = re.search(r'weight = ([\d.]+) (\w+)', event)
    if not cls or not weight:
        continue
    w = float(weight.group(1)) * units.get(weight.group(2), 1)
    frames = re.findall(r'^\s+([\w.$<>]+)\(', event, re.M)
    sites[(cls.group(1), frames[0] if frames else '?')] += w
    total += w
for (cls, site), w in sites.most_common(25):
    print('%5.1f%%  %s  at %s' % (100 * w / total, cls, site))
PY
fi
echo "sidecar ERROR lines: $(grep -c ERROR "$OUT/sidecar.log" || true)"
