#!/usr/bin/env bash
# Sidecar Dubbo benchmark: direct vs through the sidecar, in one run, in rounds.
#
# A Dubbo echo backend (real Dubbo 3.3, `dubbo` protocol, hessian2, 1 KiB byte[] payload) on 127.0.0.1, called by a
# closed-loop Dubbo client (a real Dubbo reference, one shared connection per address, Dubbo's default) on four paths:
#   direct, one sidecar hop (egress -> backend), two hops (sidecar A egress -> sidecar B ingress -> backend), and
#   haproxy in TCP mode (one thread) as an L4 baseline (installed from Debian when absent and apt-get is usable;
#   NO_HAPROXY=1 skips it).
# Both Dubbo JVMs run with -Ddubbo.network.interface.ignored=<every non-loopback interface>, so Dubbo dials 127.0.0.1
# (shared/protocols/dubbo.md section 8); the script checks with ss that the client's connections are on loopback.
# Per path and round:
#   - saturation: 32 client threads, 3 s warm-up then 10 s: req/s, and the proxy's CPU (user+sys of its processes from
#     /proc/<pid>/stat) per request;
#   - latency: 1 client thread, 2 s warm-up then 8 s: p50/p99 (reported as added over direct);
#   - fixed rate: RATE (1000) req/s, open loop (one pacing thread sends each call when it is due, whether or not
#     the earlier ones have been answered), RATE_WARMUP (5) s warm-up then 10 s: p50/p99 measured from each call's
#     due time, so a stall delays every call due during it instead of hiding (coordinated omission); and the proxy's
#     CPU per request at that rate. A proxied path runs beside direct in the same client (calls interleaved, each path
#     at RATE), and its added p50/p99 per hop is against that direct, so a stall of the machine, the client or the
#     backend lands in both alike; during the run the client, the backend and the path's proxies run SCHED_FIFO 1
#     (JIT compiler threads excepted) beside one SCHED_IDLE busy loop per core (FIXED_RATE_RT, FIXED_RATE_SPIN: on by
#     default as root; bench/lib.sh says why). This is the measurement the "added p99 per hop at a fixed moderate
#     rate" target means: the 1-thread latency above has at most one call in flight, the
#     saturation run measures queueing. RATE must stay well below what direct achieves (1,000 req/s is under a tenth
#     of it on a 2-core machine that runs the client, the backend and the proxies); a path that achieves less than
#     95% of RATE is reported.
# The sidecars run with the launch script's JVM options and one event loop, after WARMUP_2HOP (15) s of load through
# two hops and WARMUP_1HOP (30) s through one hop, THREADS threads each, to warm the JIT.
# Everything is started by this script, recorded by pid and killed by pid on exit. About 7 minutes for 2 rounds.
#
#   bench/sidecar-dubbo-bench.sh              # 2 rounds
#   ROUNDS=1 SKIP_BUILD=1 bench/sidecar-dubbo-bench.sh
#
# Environment: ROUNDS (2), SKIP_BUILD=1 to reuse the last build, THREADS (32), RATE (1000), WARMUP_2HOP (15),
# WARMUP_1HOP (30), RATE_WARMUP (5), SIDECAR_JVM, RATE_CLIENT_JVM (the fixed-rate client's JVM options: a 2 GB
# pre-touched young generation, C1 only), BACKEND_JVM (the backend's: the same heap, so neither JVM's collections land
# in the fixed-rate latencies), FIXED_RATE_RT=0|1, FIXED_RATE_SPIN=0|1, NO_HAPROXY=1, SIDECAR_JAR (the sidecar -all
# jar to run; default the one the build makes).
# Output: bench/target/sidecar-dubbo-bench/ (results.tsv, results.md, logs).
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
ROUNDS=${ROUNDS:-2}
THREADS=${THREADS:-32}
RATE=${RATE:-1000}
# the fixed-rate client is a fresh JVM per run: C1 only, so its JIT settles within the warm-up instead of compiling
# (and stalling its pacing thread for 20-50 ms on two cores) inside the measured window; at RATE it needs no C2
RATE_CLIENT_JVM=${RATE_CLIENT_JVM:--XX:+UseSerialGC -Xms2560m -Xmx2560m -Xmn2g -XX:+AlwaysPreTouch -XX:MetaspaceSize=128m -XX:TieredStopAtLevel=1}
BACKEND_JVM=${BACKEND_JVM:--XX:+UseSerialGC -Xms2560m -Xmx2560m -Xmn2g -XX:+AlwaysPreTouch -XX:MetaspaceSize=128m}
RATE_WARMUP=${RATE_WARMUP:-5}
WARMUP_2HOP=${WARMUP_2HOP:-15}
WARMUP_1HOP=${WARMUP_1HOP:-30}
SIDECAR_JVM=${SIDECAR_JVM:-$(mesh-sidecar/bin/dualmode-sidecar --print-jvm-options)}
export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}
JAR=${SIDECAR_JAR:-mesh-sidecar/target/dualmode-mesh-sidecar-0.1.0-SNAPSHOT-all.jar}
OUT=$ROOT/bench/target/sidecar-dubbo-bench
RUN=$OUT/run
TPL=$ROOT/bench/sidecar
HZ=$(getconf CLK_TCK)

BACKEND_PORT=18400
SIDECAR_PORT=18401
MESH_PORT=18402
INGRESS_PORT=18411
HAPROXY_PORT=18421
SIDECAR_A_ADMIN=18491
SIDECAR_B_ADMIN=18492

PIDS=()
cleanup() {
  local p
  idle_spinners off
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for _ in $(seq 30); do
    local alive=0
    for p in "${PIDS[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
    [[ $alive == 0 ]] && break
    sleep 0.1
  done
  for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  PIDS=()
}
trap cleanup EXIT INT TERM

mkdir -p "$ROOT/bench/target"
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  ./mvnw -B -q -pl mesh-sidecar,bench -am package -DskipTests >"$ROOT/bench/target/dubbo-build.log" 2>&1 \
    || { echo "build failed, see bench/target/dubbo-build.log" >&2; exit 1; }
fi
[[ -f $JAR && -f bench/target/classpath.txt ]] || { echo "no $JAR or bench classpath; build first" >&2; exit 1; }
rm -rf "$OUT"
mkdir -p "$RUN"
cp "$JAR" "$RUN/sidecar.jar" # other builds on this machine may rewrite the jar while the bench runs
CP="bench/target/classes:$(cat bench/target/classpath.txt)"
RESULTS=$OUT/results.tsv
IGNORED=$(ls /sys/class/net | grep -vx lo | paste -sd, -)
DUBBO_JVM=(-Ddubbo.network.interface.ignored="${IGNORED:-none}" -Dlogback.configurationFile=dualmode-bench-logback.xml)
: >"$RESULTS"

render() {
  sed -e "s#@BACKEND_PORT@#$BACKEND_PORT#g" -e "s#@SIDECAR_PORT@#$SIDECAR_PORT#g" -e "s#@MESH_PORT@#$MESH_PORT#g" \
    -e "s#@INGRESS_PORT@#$INGRESS_PORT#g" -e "s#@SIDECAR_A_ADMIN@#$SIDECAR_A_ADMIN#g" \
    -e "s#@SIDECAR_B_ADMIN@#$SIDECAR_B_ADMIN#g" "$TPL/$1" >"$RUN/$1"
}
wait_port() { # port
  for _ in $(seq 300); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    for p in "${PIDS[@]}"; do kill -0 "$p" 2>/dev/null || { echo "process $p exited; logs in $RUN" >&2; exit 1; }; done
    sleep 0.1
  done
  echo "nothing listens on $1" >&2
  exit 1
}
ensure_haproxy() { # haproxy from Debian when it is absent and apt-get is usable; NO_HAPROXY=1: never
  [[ ${NO_HAPROXY:-0} == 1 ]] && return 0
  command -v haproxy >/dev/null && return 0
  if command -v apt-get >/dev/null && [[ $(id -u) == 0 ]]; then
    echo "haproxy is absent: apt-get install -y haproxy (log in $OUT/haproxy-install.log)"
    { apt-get install -y -q haproxy || { apt-get update -q && apt-get install -y -q haproxy; }; } \
      >"$OUT/haproxy-install.log" 2>&1 || echo "could not install haproxy: running without it" >&2
  else
    echo "haproxy is absent and cannot be installed here: running without it" >&2
  fi
}
record() { printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >>"$RESULTS"; }
bench() { # port threads warmup measure -> "requests rps p50 p99 errors" (Dubbo's own logging also goes to stdout)
  java -Xmx256m "${DUBBO_JVM[@]}" -cp "$CP" io.dualmode.bench.dubbo.DubboBench client "127.0.0.1:$1" "$2" "$3" "$4" \
    2>>"$RUN/client.log" \
    | tee -a "$RUN/client.log" | awk '$1 == "RESULT" {print $2, $3, $4, $5, $6}'
}
bench_rate() { # port[,port] rps warmup measure -> per port "requests rps p50 p99 errors p999 max lag_p50 lag_max"
  # the client's and the backend's own pauses land in every path's fixed-rate latencies alike: a Dubbo or SOFARPC
  # client or server allocates tens of KB per call, and one young collection of a large young generation pauses it for
  # 20-30 ms, the p99 of every path. So neither collects inside a run: RATE_CLIENT_JVM and BACKEND_JVM give each a
  # young generation (1.6 GB eden, touched before the run) that holds a whole run's garbage at RATE=1000, the client
  # empties its own with one full collection before its clock starts (RpcLoad.openLoop), rpc_rounds empties the
  # backend's (jcmd GC.run) before each run, and metaspace is big enough that loading the RPC classes does not force a
  # full collection (145 ms, seen in the measure window). The sidecars are left alone: their collections are theirs.
  # shellcheck disable=SC2086
  "${RT_CMD[@]}" java $RATE_CLIENT_JVM "${DUBBO_JVM[@]}" -cp "$CP" io.dualmode.bench.dubbo.DubboBench rate \
    "127.0.0.1:${1//,/,127.0.0.1:}" "$2" "$3" "$4" 2>>"$RUN/client.log" \
    | tee -a "$RUN/client.log" | awk '$1 == "RESULT" {print $2, $3, $4, $5, $6, $7, $8, $9, $10}'
}

render dubbo-sidecar-a.yaml
render dubbo-sidecar-b.yaml
# shellcheck disable=SC2086
java $BACKEND_JVM "${DUBBO_JVM[@]}" -cp "$CP" io.dualmode.bench.dubbo.DubboBench server "$BACKEND_PORT" \
  >"$RUN/backend.log" 2>&1 &
BACKEND_PID=$!; PIDS+=("$BACKEND_PID")
# shellcheck disable=SC2086
java $SIDECAR_JVM -jar "$RUN/sidecar.jar" --config "$RUN/dubbo-sidecar-b.yaml" >"$RUN/sidecar-b.log" 2>&1 &
SIDECAR_B_PID=$!; PIDS+=("$SIDECAR_B_PID")
# shellcheck disable=SC2086
java $SIDECAR_JVM -jar "$RUN/sidecar.jar" --config "$RUN/dubbo-sidecar-a.yaml" >"$RUN/sidecar-a.log" 2>&1 &
SIDECAR_A_PID=$!; PIDS+=("$SIDECAR_A_PID")
HAPROXY_PID=
ensure_haproxy
if [[ ${NO_HAPROXY:-0} != 1 ]] && command -v haproxy >/dev/null; then
  printf 'global\n  nbthread 1\n  maxconn 4000\ndefaults\n  mode tcp\n  timeout connect 1s\n  timeout client 300s\n  timeout server 300s\nlisten dubbo\n  bind 127.0.0.1:%s\n  server b 127.0.0.1:%s\n' \
    "$HAPROXY_PORT" "$BACKEND_PORT" >"$RUN/haproxy.cfg"
  haproxy -db -f "$RUN/haproxy.cfg" >"$RUN/haproxy.log" 2>&1 &
  HAPROXY_PID=$!; PIDS+=("$HAPROXY_PID")
fi
for port in "$BACKEND_PORT" "$SIDECAR_PORT" "$MESH_PORT" "$INGRESS_PORT"; do wait_port "$port"; done
[[ -n $HAPROXY_PID ]] && wait_port "$HAPROXY_PORT"

echo "load at start: $(cut -d' ' -f1-3 /proc/loadavg)" >"$OUT/load.txt"
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); $(java -version 2>&1 | head -1); sidecar JVM: $SIDECAR_JVM; fixed-rate runs at real-time priority (FIXED_RATE_RT): $FIXED_RATE_RT, with idle spinners (FIXED_RATE_SPIN): $FIXED_RATE_SPIN"
echo "== JIT warm-up of both sidecars, $WARMUP_2HOP s"
bench "$MESH_PORT" "$THREADS" 0 "$WARMUP_2HOP" >"$RUN/warmup.txt" &
WARM_PID=$!; PIDS+=("$WARM_PID")
# while it runs: the client's connections must be 127.0.0.1 <-> 127.0.0.1 (Dubbo swaps loopback for the host address
# unless told not to)
for _ in $(seq 300); do
  conns=$(ss -tnH state established "( dport = :$MESH_PORT )" 2>/dev/null || true)
  [[ -n $conns ]] && break
  sleep 0.1
done
# (addresses may print IPv4-mapped: [::ffff:127.0.0.1]:port)
if [[ -z $conns ]] || grep -Eqv '127\.0\.0\.1\]?:[0-9]+ +(\[::ffff:)?127\.0\.0\.1\]?:' <<<"$conns"; then
  echo "the Dubbo client's connections to the egress are not 127.0.0.1 <-> 127.0.0.1: '$conns'; logs in $RUN" >&2
  exit 1
fi
wait "$WARM_PID"
read -r _ _ _ _ warm_errors <"$RUN/warmup.txt"
[[ $warm_errors == 0 ]] || { echo "warm-up through two sidecars had $warm_errors errors; logs in $RUN" >&2; exit 1; }
# then the one-hop listener for as long, so the JIT has settled on both paths before anything is measured
echo "== JIT warm-up of the one-hop path, $WARMUP_1HOP s"
bench "$SIDECAR_PORT" "$THREADS" 0 "$WARMUP_1HOP" >"$RUN/warmup-1hop.txt"
read -r _ _ _ _ warm_errors <"$RUN/warmup-1hop.txt"
[[ $warm_errors == 0 ]] || { echo "warm-up through one sidecar had $warm_errors errors; logs in $RUN" >&2; exit 1; }

declare -A PORT=([direct]=$BACKEND_PORT [sidecar-1hop]=$SIDECAR_PORT [sidecar-2hop]=$MESH_PORT [haproxy-tcp]=$HAPROXY_PORT)
declare -A PROC=([direct]="" [sidecar-1hop]="$SIDECAR_A_PID" [sidecar-2hop]="$SIDECAR_A_PID $SIDECAR_B_PID"
  [haproxy-tcp]="$HAPROXY_PID")
PATHS=(direct sidecar-1hop sidecar-2hop)
[[ -n $HAPROXY_PID ]] && PATHS+=(haproxy-tcp)

rpc_rounds

rpc_table
