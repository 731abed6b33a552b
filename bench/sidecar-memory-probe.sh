#!/usr/bin/env bash
# Sidecar memory probe (docs/benchmarks.md, "Sidecar HTTP" -> "Where the memory goes").
#
# Starts a backend (nginx, one worker, 1 KiB responses) and one sidecar with one HTTP/1.1 egress listener in front of
# it, all on 127.0.0.1, then prints the sidecar's VmRSS: 2 s after it answers ("idle"), after 15 s of wrk -c50
# ("warm"), 3 s into a first and a second wrk -t1 -c1000 -d4s, and 3 s after the second. With NMT=1 the sidecar runs
# with -XX:NativeMemoryTracking=summary and the script samples NMT about every 0.5 s (jcmd adds its own time) through the two bursts (the JIT's
# arenas show up as "Compiler" and "Arena Chunk"). Everything is killed by pid on exit. About 40 s.
#
#   bench/sidecar-memory-probe.sh                                  # the launch script's JVM options
#   SIDECAR_JVM="$(mesh-sidecar/bin/dualmode-sidecar --print-jvm-options) -Xmn4m" bench/sidecar-memory-probe.sh
#   NMT=1 bench/sidecar-memory-probe.sh
#
# Environment: SIDECAR_JVM (JVM options; default: the launch script's), SIDECAR_JAR (default: the module's -all jar),
# NMT=1, WARM (seconds of wrk -c50, 15), SIDECAR_UNPACK (1, the default: run from the jar unpacked into a directory, as the
# launch script does once its copy is there; 0: from the jar). Output under bench/target/sidecar-memory-probe/.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
SIDECAR_JVM=${SIDECAR_JVM:-$(mesh-sidecar/bin/dualmode-sidecar --print-jvm-options)}
[[ ${NMT:-0} == 1 ]] && SIDECAR_JVM="$SIDECAR_JVM -XX:NativeMemoryTracking=summary"
export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}
JAR=${SIDECAR_JAR:-mesh-sidecar/target/dualmode-mesh-sidecar-0.1.0-SNAPSHOT-all.jar}
WARM=${WARM:-15}
OUT=$ROOT/bench/target/sidecar-memory-probe
BACKEND_PORT=28080
BACKEND_H2_PORT=28081
SIDECAR_PORT=28101
ADMIN_PORT=28191

probe_setup "$OUT"

cat >"$OUT/sidecar.yaml" <<EOF
workers: 1
admin: {address: 127.0.0.1, port: $ADMIN_PORT}
limits: {idleTimeout: 300s}
listeners:
  - {name: egress-http, direction: egress, protocol: http, address: 127.0.0.1, port: $SIDECAR_PORT, cluster: backend}
clusters:
  - name: backend
    maxIdlePerEndpoint: 128
    idleTimeout: 300s
    endpoints: [{host: 127.0.0.1, port: $BACKEND_PORT}]
EOF

start_backend "$OUT" "$BACKEND_PORT" "$BACKEND_H2_PORT"
start_sidecar "$JAR" "$OUT" "$OUT/sidecar.yaml" "http://127.0.0.1:$SIDECAR_PORT/"

rss() { awk '/^VmRSS/ {printf "%d", $2 / 1024}' "/proc/$SC/status"; }
nmt() { # one line: the NMT categories above 1.5 MB committed
  jcmd "$SC" VM.native_memory summary 2>/dev/null | awk '/^-/ && /committed/ {
    n = $2; if ($3 !~ /reserved/) n = n $3; m = $0; sub(/.*committed=/, "", m); sub(/KB.*/, "", m)
    if (m > 1500) printf "%s=%d ", n, m / 1024 }'
}
burst() { # label: wrk -c1000 for 4 s, RSS 3 s in (and NMT every 0.5 s with NMT=1)
  wrk -t1 -c1000 -d4s "http://127.0.0.1:$SIDECAR_PORT/" >"$OUT/wrk1000-$1.txt" &
  local w=$! i r at3=
  if [[ ${NMT:-0} == 1 ]]; then
    for i in 1 2 3 4 5 6 7 8; do
      sleep 0.5
      r=$(rss)
      [[ $i == 6 ]] && at3=$r
      echo "  $1 +${i}x0.5s: rss $r MB; $(nmt)" >>"$OUT/nmt.txt"
    done
  else
    sleep 3
    at3=$(rss)
  fi
  echo -n "$at3"
  wait "$w"
}

sleep 2
IDLE=$(rss)
wrk -t1 -c50 -d"${WARM}s" "http://127.0.0.1:$SIDECAR_PORT/" >"$OUT/wrk-warm.txt"
WARMED=$(rss)
[[ ${NMT:-0} == 1 ]] && echo "  warm: rss $WARMED MB; $(nmt)" >"$OUT/nmt.txt"
FIRST=$(burst first)
SECOND=$(burst second)
sleep 3
AFTER=$(rss)
echo "sidecar JVM: $SIDECAR_JVM; unpacked: ${SIDECAR_UNPACK:-1}"
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "VmRSS MB: idle $IDLE | after ${WARM} s of wrk -c50 $WARMED | 1,000 connections, first $FIRST, second $SECOND | 3 s after $AFTER"
[[ ${NMT:-0} == 1 ]] && cat "$OUT/nmt.txt"
echo "sidecar ERROR lines: $(grep -c ERROR "$OUT/sidecar.log" || true)"
