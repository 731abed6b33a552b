#!/usr/bin/env bash
# Sidecar HTTP benchmark (issue 3; method and results in docs/benchmarks.md, section "Sidecar HTTP").
#
# In one run, in rounds, loads one backend (nginx, one worker, 1 KiB responses) on 127.0.0.1:
#   direct, through one sidecar hop, through two hops (sidecar A egress -> sidecar B ingress -> backend),
#   through nginx and through haproxy (one worker each, keepalive to the backend), and through haproxy in TCP mode
#   (haproxy-tcp: bytes copied, no HTTP parsing, one backend connection per client connection; the floor of what any
#   proxy hop costs on this machine)
# and per path measures
#   - saturation: wrk -t1 -c50, 2 s warm-up then 10 s: req/s, and the proxy's CPU (user+sys of its processes from
#     /proc/<pid>/stat) per request;
#   - fixed rate: h2load --h1 -c10 --rps 500 (5,000 req/s) for 9 s: p50/p99 from h2load's per-request log without
#     its first second; proxy CPU per request at that rate. A proxied path runs beside direct: a second h2load loads
#     direct at the same rate at the same time, and the path's added p50/p99 is against that direct, so a stall of the
#     machine or the backend lands in both alike; during the run both h2loads, the backend and the path's proxies run
#     SCHED_FIFO 1 beside one SCHED_IDLE busy loop per core (FIXED_RATE_RT, FIXED_RATE_SPIN: on by default as root;
#     bench/lib.sh says why);
#   - memory: proxy VmRSS while wrk holds 1,000 connections (-c1000, 12 s, sampled every second): the peak, and the
#     steady figure (lower median of the samples 8-11 s in, after the JIT's transient compilations);
#   - HTTP/2: h2load -c10 -m10, 2 s warm-up then 8 s, direct (nginx h2c) vs the sidecar's h2 listener vs haproxy h2
#     vs nginx (h2c in, grpc_pass over h2 out) vs nghttpx (when installed): req/s and proxy CPU per request; then
#     each proxy at the fixed rate (h2load -c10 --rps, 9 s) beside direct h2c as for HTTP/1.1: p50/p99, added
#     p50/p99, proxy CPU per request.
# The sidecars run with a sidecar-sized JVM and one event loop and get 15 s of load through every listener, then
# WARMUP_1HOP (60) s through the one-hop and WARMUP_2HOP (30) s through the two-hop listener, to warm the JIT first.
# The sidecar paths also record the CPU of the event-loop threads alone per request (loop_us_sat).
# Everything is started by this script, recorded by pid and killed by pid on exit. About 13-14 minutes for 2 rounds.
#
#   bench/sidecar-http-bench.sh              # 2 rounds
#   ROUNDS=1 SKIP_BUILD=1 bench/sidecar-http-bench.sh
#
# Environment: ROUNDS (2), SKIP_BUILD=1 to reuse the last sidecar jar, SIDECAR_JAR to run another jar (implies
# SKIP_BUILD; the jar is copied first so a rebuild during the run cannot touch it), RATE_CLIENTS (10) x RATE_PER_CLIENT (500)
# for the fixed rate, SIDECAR_JVM (the JVM options below), WARMUP_1HOP (60), WARMUP_2HOP (30), FIXED_RATE_RT=0|1,
# FIXED_RATE_SPIN=0|1, SIDECAR_UNPACK (1, the default: run the sidecars from the unpacked jar, as the launch script does
# once its copy is there; 0: from the jar).
# Output: bench/target/sidecar-http-bench/.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
ROUNDS=${ROUNDS:-2}
WARMUP_1HOP=${WARMUP_1HOP:-60}
WARMUP_2HOP=${WARMUP_2HOP:-30}
RATE_CLIENTS=${RATE_CLIENTS:-10}
RATE_PER_CLIENT=${RATE_PER_CLIENT:-500}
# The sidecar JVM options the launch script uses, unless SIDECAR_JVM says otherwise.
SIDECAR_JVM=${SIDECAR_JVM:-$(mesh-sidecar/bin/dualmode-sidecar --print-jvm-options)}
export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}
JAR=${SIDECAR_JAR:-mesh-sidecar/target/dualmode-mesh-sidecar-0.1.0-SNAPSHOT-all.jar}
OUT=$ROOT/bench/target/sidecar-http-bench
RUN=$OUT/run
TPL=$ROOT/bench/sidecar
HZ=$(getconf CLK_TCK)
DEADLINE=$((SECONDS + 900)) # stop starting new measurements after 15 min

BACKEND_PORT=18080
BACKEND_H2_PORT=18081
SIDECAR_PORT=18101
MESH_PORT=18102
SIDECAR_H2_PORT=18103
INGRESS_PORT=18111
SIDECAR_A_ADMIN=18191
SIDECAR_B_ADMIN=18192
NGINX_PORT=18201
HAPROXY_PORT=18202
HAPROXY_H2_PORT=18203
HAPROXY_TCP_PORT=18205
NGHTTPX_PORT=18204
NGINX_H2_PORT=18206

ulimit -n 16384 2>/dev/null || ulimit -n "$(ulimit -Hn)"

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

if [[ "${SKIP_BUILD:-0}" != 1 && -z "${SIDECAR_JAR:-}" ]]; then
  if ! ./mvnw -B -q -pl mesh-sidecar -am package -DskipTests >"$ROOT/bench/target/sidecar-build.log" 2>&1; then
    [[ -f $JAR ]] || { echo "build failed and no sidecar jar, see bench/target/sidecar-build.log" >&2; exit 1; }
    echo "WARNING: build failed (see bench/target/sidecar-build.log); using the existing $JAR ($(date -u -r "$JAR" +%FT%TZ))" >&2
  fi
fi
[[ -f $JAR ]] || { echo "no $JAR" >&2; exit 1; }
rm -rf "$OUT"
mkdir -p "$RUN"/backend-tmp "$RUN"/proxy-tmp
# run a copy: other builds on this machine may rewrite the jar while the bench runs
cp "$JAR" "$RUN/sidecar.jar"
echo "sidecar jar: $JAR ($(date -u -r "$JAR" +%FT%TZ), sha1 $(sha1sum "$JAR" | cut -c1-12))" >"$OUT/jar.txt"
RESULTS=$OUT/results.tsv
: >"$RESULTS"

BODY=$(head -c 1024 /dev/zero | tr '\0' 'x')
render() { # template -> $RUN/<name>
  sed -e "s#@RUN@#$RUN#g" -e "s#@BODY@#$BODY#g" \
    -e "s#@BACKEND_PORT@#$BACKEND_PORT#g" -e "s#@BACKEND_H2_PORT@#$BACKEND_H2_PORT#g" \
    -e "s#@SIDECAR_PORT@#$SIDECAR_PORT#g" -e "s#@MESH_PORT@#$MESH_PORT#g" -e "s#@SIDECAR_H2_PORT@#$SIDECAR_H2_PORT#g" \
    -e "s#@INGRESS_PORT@#$INGRESS_PORT#g" -e "s#@SIDECAR_A_ADMIN@#$SIDECAR_A_ADMIN#g" \
    -e "s#@SIDECAR_B_ADMIN@#$SIDECAR_B_ADMIN#g" -e "s#@NGINX_PORT@#$NGINX_PORT#g" -e "s#@NGINX_H2_PORT@#$NGINX_H2_PORT#g" \
    -e "s#@HAPROXY_PORT@#$HAPROXY_PORT#g" -e "s#@HAPROXY_H2_PORT@#$HAPROXY_H2_PORT#g" \
    -e "s#@HAPROXY_TCP_PORT@#$HAPROXY_TCP_PORT#g" -e "s#@NGHTTPX_PORT@#$NGHTTPX_PORT#g" "$TPL/$1" >"$RUN/$1"
}

wait_http() { # url [h2]
  for _ in $(seq 200); do
    if [[ ${2:-} == h2 ]]; then
      h2load -n1 -c1 "$1" 2>/dev/null | grep -q '1 succeeded' && return 0
    else
      curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
    fi
    for p in "${PIDS[@]}"; do kill -0 "$p" 2>/dev/null || { echo "process $p exited; logs in $RUN" >&2; exit 1; }; done
    sleep 0.1
  done
  echo "no answer from $1" >&2
  exit 1
}

# pid and its children (nginx and nghttpx: master + worker)
family() { echo "$1" $(pgrep -P "$1" || true); }
rss_kb() {
  local sum=0 p
  for p in "$@"; do sum=$((sum + $(awk '/^VmRSS/ {print $2}' "/proc/$p/status" 2>/dev/null || echo 0))); done
  echo "$sum"
}
record() { printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >>"$RESULTS"; } # round path metric value

# --- start everything (once; the same processes serve every round) ---
render backend-nginx.conf; render proxy-nginx.conf; render haproxy.cfg
render sidecar-egress.yaml; render sidecar-ingress.yaml; render nghttpx.conf

nginx -e "$RUN/backend-nginx.error.log" -p "$RUN" -c "$RUN/backend-nginx.conf" &
BACKEND_PID=$!; PIDS+=("$BACKEND_PID")
nginx -e "$RUN/proxy-nginx.error.log" -p "$RUN" -c "$RUN/proxy-nginx.conf" &
NGINX_PID=$!; PIDS+=("$NGINX_PID")
haproxy -db -f "$RUN/haproxy.cfg" >"$RUN/haproxy.log" 2>&1 &
HAPROXY_PID=$!; PIDS+=("$HAPROXY_PID")
NGHTTPX_PID=
if command -v nghttpx >/dev/null; then
  nghttpx --conf="$RUN/nghttpx.conf" >"$RUN/nghttpx.log" 2>&1 &
  NGHTTPX_PID=$!; PIDS+=("$NGHTTPX_PID")
fi
sidecar_main "$RUN/sidecar.jar" "$RUN/sidecar-unpacked"
# shellcheck disable=SC2086
java $SIDECAR_JVM "${SIDECAR_MAIN[@]}" --config "$RUN/sidecar-ingress.yaml" >"$RUN/sidecar-b.log" 2>&1 &
SIDECAR_B_PID=$!; PIDS+=("$SIDECAR_B_PID")
# shellcheck disable=SC2086
java $SIDECAR_JVM "${SIDECAR_MAIN[@]}" --config "$RUN/sidecar-egress.yaml" >"$RUN/sidecar-a.log" 2>&1 &
SIDECAR_A_PID=$!; PIDS+=("$SIDECAR_A_PID")

wait_http "http://127.0.0.1:$BACKEND_PORT/"
wait_http "http://127.0.0.1:$BACKEND_H2_PORT/" h2
wait_http "http://127.0.0.1:$NGINX_PORT/"
wait_http "http://127.0.0.1:$HAPROXY_PORT/"
wait_http "http://127.0.0.1:$SIDECAR_A_ADMIN/ready"
wait_http "http://127.0.0.1:$SIDECAR_B_ADMIN/ready"
wait_http "http://127.0.0.1:$SIDECAR_PORT/"
wait_http "http://127.0.0.1:$MESH_PORT/"
wait_http "http://127.0.0.1:$SIDECAR_H2_PORT/" h2
wait_http "http://127.0.0.1:$NGINX_H2_PORT/" h2
[[ -n $NGHTTPX_PID ]] && wait_http "http://127.0.0.1:$NGHTTPX_PORT/" h2
[[ $(curl -fsS "http://127.0.0.1:$MESH_PORT/" | wc -c) == 1024 ]] || { echo "mesh path does not return 1 KiB" >&2; exit 1; }

NGINX_PIDS=$(family "$NGINX_PID")
BACKEND_PIDS=$(family "$BACKEND_PID")
NGHTTPX_PIDS=
[[ -n $NGHTTPX_PID ]] && NGHTTPX_PIDS=$(family "$NGHTTPX_PID")
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); $(java -version 2>&1 | head -1); sidecar JVM: $SIDECAR_JVM; unpacked: ${SIDECAR_UNPACK:-1}"
echo "pids: backend $(family "$BACKEND_PID") nginx $NGINX_PIDS haproxy $HAPROXY_PID nghttpx ${NGHTTPX_PIDS:-none} sidecar A $SIDECAR_A_PID B $SIDECAR_B_PID"
echo "load at start: $(cut -d' ' -f1-3 /proc/loadavg)" >"$OUT/load.txt"

# JIT warm-up of both sidecars (every listener) for 15 s, then of the one-hop and two-hop paths alone under the load
# they are measured with: with one C2 compiler thread the sidecar keeps compiling for about a minute of load, and a
# JIT still at work costs CPU in the measured windows and leaves the hot path in less optimised code (measured: 1.6x
# nginx's CPU per request after 15 s of warm-up, level with nginx after a few minutes)
echo "== JIT warm-up, 15 s + ${WARMUP_1HOP}s + ${WARMUP_2HOP}s"
wrk -t1 -c25 -d15s "http://127.0.0.1:$SIDECAR_PORT/" >/dev/null &
W1=$!
wrk -t1 -c25 -d15s "http://127.0.0.1:$MESH_PORT/" >/dev/null &
W2=$!
h2load -c5 -m10 -D 15 "http://127.0.0.1:$SIDECAR_H2_PORT/" >/dev/null &
W3=$!
wait "$W1" "$W2" "$W3"
wrk -t1 -c50 -d"${WARMUP_1HOP}s" "http://127.0.0.1:$SIDECAR_PORT/" >/dev/null
wrk -t1 -c50 -d"${WARMUP_2HOP}s" "http://127.0.0.1:$MESH_PORT/" >/dev/null

declare -A URL=([direct]="http://127.0.0.1:$BACKEND_PORT/" [sidecar-1hop]="http://127.0.0.1:$SIDECAR_PORT/"
  [sidecar-2hop]="http://127.0.0.1:$MESH_PORT/" [nginx]="http://127.0.0.1:$NGINX_PORT/"
  [haproxy]="http://127.0.0.1:$HAPROXY_PORT/" [haproxy-tcp]="http://127.0.0.1:$HAPROXY_TCP_PORT/")
declare -A PROC=([direct]="" [sidecar-1hop]="$SIDECAR_A_PID" [sidecar-2hop]="$SIDECAR_A_PID $SIDECAR_B_PID"
  [nginx]="$NGINX_PIDS" [haproxy]="$HAPROXY_PID" [haproxy-tcp]="$HAPROXY_PID")
PATHS=(direct sidecar-1hop sidecar-2hop nginx haproxy haproxy-tcp)

saturation() { # round path
  local r=$1 p=$2 f="$OUT/wrk-$1-$2.txt" t0 t1 l0 l1 n
  # shellcheck disable=SC2086
  wrk -t1 -c50 -d2s "${URL[$p]}" >/dev/null
  t0=$(ticks ${PROC[$p]})
  # shellcheck disable=SC2086
  l0=$(loop_ticks ${PROC[$p]})
  wrk -t1 -c50 -d10s --latency "${URL[$p]}" >"$f"
  # shellcheck disable=SC2086
  t1=$(ticks ${PROC[$p]})
  # shellcheck disable=SC2086
  l1=$(loop_ticks ${PROC[$p]})
  n=$(awk '/requests in/ {print $1}' "$f")
  record "$r" "$p" rps "$(awk '/^Requests\/sec/ {print $2}' "$f")"
  record "$r" "$p" errors "$(awk '/Non-2xx|Socket errors/ {e = e $0 "; "} END {print e ? e : "none"}' "$f")"
  [[ -n ${PROC[$p]} ]] && record "$r" "$p" cpu_us_sat "$(awk -v d=$((t1 - t0)) -v hz="$HZ" -v n="$n" 'BEGIN {printf "%.2f", d * 1e6 / hz / n}')"
  # the sidecar's event-loop threads alone: the proxying, without the JIT compiling or the GC
  [[ $p == sidecar-* ]] && record "$r" "$p" loop_us_sat "$(awk -v d=$((l1 - l0)) -v hz="$HZ" -v n="$n" 'BEGIN {printf "%.2f", d * 1e6 / hz / n}')"
  return 0
}

fixed_rate() { # round path: HTTP/1.1 at the fixed rate (beside direct unless it is direct)
  # shellcheck disable=SC2086
  rate_beside "$1" "$2" --h1 "${URL[$2]}" "${URL[direct]}" ${PROC[$2]}
}

h2_fixed() { # round name url pids...: HTTP/2 at the fixed rate, beside direct h2c
  local r=$1 p=$2 url=$3
  shift 3
  rate_beside "$r" "$p" "" "$url" "http://127.0.0.1:$BACKEND_H2_PORT/" "$@"
}

rate_beside() { # round path h1flag url direct-url pids...
  local r=$1 p=$2 url=$4 durl=$5 log="$OUT/h2load-$1-$2.log" dlog="$OUT/h2load-$1-$2-direct.log" t0 t1 n hp dp= p50 p99 d50 d99
  local proto=()
  [[ -n $3 ]] && proto=("$3")
  shift 5
  # during the run the load generators, the backend and the path's proxies run SCHED_FIFO 1 beside one SCHED_IDLE
  # busy loop per core (bench/lib.sh says why; FIXED_RATE_RT, FIXED_RATE_SPIN)
  # shellcheck disable=SC2086
  fixed_rate_conditions on $BACKEND_PIDS "$@"
  t0=$(ticks "$@")
  # 9 s without h2load's --warm-up-time (whose requests it does not log), so the CPU ticks and the request count
  # cover the same requests; the first second is dropped from the percentiles. A proxied path runs beside direct:
  # a second h2load loads direct at the same rate at the same time, and the path's added latency is against that
  # direct, which met the same stalls of this machine
  "${RT_CMD[@]}" h2load "${proto[@]}" -t1 -c"$RATE_CLIENTS" --rps "$RATE_PER_CLIENT" -D 9 --log-file="$log" "$url" \
    >"$OUT/h2load-$r-$p.txt" &
  hp=$!
  if [[ $url != "$durl" ]]; then
    "${RT_CMD[@]}" h2load "${proto[@]}" -t1 -c"$RATE_CLIENTS" --rps "$RATE_PER_CLIENT" -D 9 --log-file="$dlog" \
      "$durl" >"$OUT/h2load-$r-$p-direct.txt" &
    dp=$!
  fi
  wait "$hp"
  [[ -z $dp ]] || wait "$dp"
  t1=$(ticks "$@")
  # shellcheck disable=SC2086
  fixed_rate_conditions off $BACKEND_PIDS "$@"
  n=$(wc -l <"$log")
  record "$r" "$p" fixed_rps "$(awk '/^finished in/ {print $4}' "$OUT/h2load-$r-$p.txt")"
  record "$r" "$p" fixed_non200 "$(awk -F'\t' '$2 != 200' "$log" | wc -l)"
  read -r p50 p99 < <(pct "$log")
  record "$r" "$p" p50_us "$p50"
  record "$r" "$p" p99_us "$p99"
  if [[ -n $dp ]]; then
    read -r d50 d99 < <(pct "$dlog")
    record "$r" "$p" beside_direct_p50_us "$d50"
    record "$r" "$p" beside_direct_p99_us "$d99"
    record "$r" "$p" added_p50_us "$((p50 - d50))"
    record "$r" "$p" added_p99_us "$((p99 - d99))"
    echo "     at $((RATE_CLIENTS * RATE_PER_CLIENT)) req/s: p50 $p50 us, p99 $p99 us; direct beside it p50 $d50 us," \
      "p99 $d99 us"
  fi
  [[ $# -gt 0 ]] && record "$r" "$p" cpu_us_fixed "$(awk -v d=$((t1 - t0)) -v hz="$HZ" -v n="$n" 'BEGIN {printf "%.2f", d * 1e6 / hz / n}')"
  return 0
}

memory() { # round path: VmRSS while 1,000 connections are open: peak and steady
  # wrk -c1000 for 12 s, VmRSS every second: the peak is the largest sample (the first seconds carry the JIT's
  # compilations of the paths 1,000 new connections exercise, whose arenas are freed a few seconds later); the
  # steady figure is the lower median of the samples 8-11 s in, with the 1,000 connections still open and loaded
  local r=$1 p=$2 i k
  wrk -t1 -c1000 -d12s "${URL[$p]}" >"$OUT/wrk1000-$1-$2.txt" &
  local w=$!
  local -A samples=()
  local keys=(rss_mb)
  [[ $p == sidecar-2hop ]] && keys=(rss_mb_a rss_mb_b)
  for i in $(seq 11); do
    sleep 1
    if [[ $p == sidecar-2hop ]]; then
      samples[rss_mb_a]+=" $(($(rss_kb "$SIDECAR_A_PID") / 1024))"
      samples[rss_mb_b]+=" $(($(rss_kb "$SIDECAR_B_PID") / 1024))"
    else
      # shellcheck disable=SC2086
      samples[rss_mb]+=" $(($(rss_kb ${PROC[$p]}) / 1024))"
    fi
  done
  for k in "${keys[@]}"; do
    record "$r" "$p" "$k" "$(tr ' ' '\n' <<<"${samples[$k]}" | grep . | sort -n | tail -1)"
    record "$r" "$p" "${k/rss_mb/rss_steady_mb}" "$(tr ' ' '\n' <<<"${samples[$k]}" | grep . | tail -4 | sort -n | sed -n 2p)"
  done
  for k in "${keys[@]}"; do echo "round $r $p $k, MB each second:${samples[$k]}"; done >>"$OUT/rss-samples.txt"
  wait "$w"
  record "$r" "$p" c1000_rps "$(awk '/^Requests\/sec/ {print $2}' "$OUT/wrk1000-$1-$2.txt")"
}

h2() { # round name url pids...
  local r=$1 p=$2 url=$3 f="$OUT/h2-$1-$2.txt" t0 t1 n
  shift 3
  h2load -t1 -c10 -m10 -D 2 "$url" >/dev/null
  t0=$(ticks "$@")
  h2load -t1 -c10 -m10 -D 8 "$url" >"$f"
  t1=$(ticks "$@")
  n=$(awk '/^requests:/ {print $8}' "$f")
  record "$r" "$p" rps "$(awk '/^finished in/ {print $4}' "$f")"
  record "$r" "$p" errors "$(awk '/^requests:/ {print ($2 - $8) " not succeeded"}' "$f")"
  [[ $# -gt 0 ]] && record "$r" "$p" cpu_us_sat "$(awk -v d=$((t1 - t0)) -v hz="$HZ" -v n="$n" 'BEGIN {printf "%.2f", d * 1e6 / hz / n}')"
  return 0
}

for round in $(seq "$ROUNDS"); do
  echo "== round $round (load $(cut -d' ' -f1-3 /proc/loadavg))"
  echo "round $round: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$OUT/load.txt"
  for p in "${PATHS[@]}"; do
    ((SECONDS < DEADLINE)) || { echo "time budget spent, stopping" >&2; break 2; }
    echo "   $p"
    saturation "$round" "$p"
    fixed_rate "$round" "$p"
    [[ $p != direct ]] && memory "$round" "$p"
  done
  ((SECONDS < DEADLINE)) || { echo "time budget spent, stopping" >&2; break; }
  echo "   h2"
  h2 "$round" h2-direct "http://127.0.0.1:$BACKEND_H2_PORT/"
  h2 "$round" h2-sidecar "http://127.0.0.1:$SIDECAR_H2_PORT/" "$SIDECAR_A_PID"
  h2 "$round" h2-haproxy "http://127.0.0.1:$HAPROXY_H2_PORT/" "$HAPROXY_PID"
  # shellcheck disable=SC2086
  h2 "$round" h2-nginx "http://127.0.0.1:$NGINX_H2_PORT/" $NGINX_PIDS
  # shellcheck disable=SC2086
  [[ -n $NGHTTPX_PID ]] && h2 "$round" h2-nghttpx "http://127.0.0.1:$NGHTTPX_PORT/" $NGHTTPX_PIDS
  h2_fixed "$round" h2-sidecar "http://127.0.0.1:$SIDECAR_H2_PORT/" "$SIDECAR_A_PID"
  h2_fixed "$round" h2-haproxy "http://127.0.0.1:$HAPROXY_H2_PORT/" "$HAPROXY_PID"
  # shellcheck disable=SC2086
  h2_fixed "$round" h2-nginx "http://127.0.0.1:$NGINX_H2_PORT/" $NGINX_PIDS
  # shellcheck disable=SC2086
  [[ -n $NGHTTPX_PID ]] && h2_fixed "$round" h2-nghttpx "http://127.0.0.1:$NGHTTPX_PORT/" $NGHTTPX_PIDS
done
echo "end: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$OUT/load.txt"
grep -h -E 'GC|OutOfMemory|ERROR' "$RUN"/sidecar-*.log | head -5 || true
cleanup

python3 - "$RESULTS" "$OUT/load.txt" >"$OUT/results.md" <<'EOF'
import sys, statistics, collections
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
vals = collections.defaultdict(list)
rounds = sorted({r[0] for r in rows})
for r, p, m, v in rows:
    vals[(p, m)].append(v)
def med(p, m):
    try:
        xs = [float(x) for x in vals.get((p, m), [])]
    except ValueError:
        return None
    return statistics.median(xs) if xs else None
def f(x, d=0):
    return "—" if x is None else f"{x:,.{d}f}"
print(f"Rounds: {len(rounds)}. Load: " + "; ".join(l.strip() for l in open(sys.argv[2])))
print()
print("HTTP/1.1 (medians; per-round values in results.tsv)")
print()
print("| path | req/s (wrk -c50) | vs nginx | proxy CPU µs/req (sat.) | vs nginx | CPU µs/req (fixed rate) | p50 / p99 µs at fixed rate | direct beside it, p50 / p99 µs | added p50 / p99 µs | per hop | RSS MB at 1,000 conn., peak / steady |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
hops = {"sidecar-1hop": 1, "sidecar-2hop": 2, "nginx": 1, "haproxy": 1, "haproxy-tcp": 1}
nr, nc = med("nginx", "rps"), med("nginx", "cpu_us_sat")
for p in ["direct", "sidecar-1hop", "sidecar-2hop", "nginx", "haproxy", "haproxy-tcp"]:
    rps, cpu = med(p, "rps"), med(p, "cpu_us_sat")
    p50, p99 = med(p, "p50_us"), med(p, "p99_us")
    a50, a99 = med(p, "added_p50_us"), med(p, "added_p99_us")
    beside = "—" if p == "direct" else f"{f(med(p, 'beside_direct_p50_us'))} / {f(med(p, 'beside_direct_p99_us'))}"
    add = "—" if p == "direct" or a50 is None else f"{a50:+,.0f} / {a99:+,.0f}"
    per = "—" if p == "direct" or a50 is None else f"{a50 / hops[p]:+,.0f} / {a99 / hops[p]:+,.0f}"
    if p == "sidecar-2hop":
        rss = (f"A {f(med(p, 'rss_mb_a'))} / {f(med(p, 'rss_steady_mb_a'))}, "
               f"B {f(med(p, 'rss_mb_b'))} / {f(med(p, 'rss_steady_mb_b'))}")
    else:
        rss = f"{f(med(p, 'rss_mb'))} / {f(med(p, 'rss_steady_mb'))}"
    print(f"| {p} | {f(rps)} | {f(rps / nr, 2) if rps and nr else '—'}× | {f(cpu, 1)} | {f(cpu / nc, 2) + '×' if cpu and nc else '—'} "
          f"| {f(med(p, 'cpu_us_fixed'), 1)} | {f(p50)} / {f(p99)} | {beside} | {add} | {per} | {rss} |")
print()
print("HTTP/2 (saturation: h2load -c10 -m10; fixed rate: h2load -c10 at the HTTP/1.1 rate, beside direct h2c; medians)")
print()
print("| path | req/s | proxy CPU µs/req (sat.) | CPU µs/req (fixed rate) | p50 / p99 µs at fixed rate | direct beside it, p50 / p99 µs | added p50 / p99 µs |")
print("|---|---|---|---|---|---|---|")
for p in ["h2-direct", "h2-sidecar", "h2-haproxy", "h2-nginx", "h2-nghttpx"]:
    if (p, "rps") in vals:
        a50, a99 = med(p, "added_p50_us"), med(p, "added_p99_us")
        add = "—" if a50 is None else f"{a50:+,.0f} / {a99:+,.0f}"
        beside = "—" if a50 is None else f"{f(med(p, 'beside_direct_p50_us'))} / {f(med(p, 'beside_direct_p99_us'))}"
        fixed = "—" if a50 is None else f"{f(med(p, 'p50_us'))} / {f(med(p, 'p99_us'))}"
        print(f"| {p} | {f(med(p, 'rps'))} | {f(med(p, 'cpu_us_sat'), 1)} | {f(med(p, 'cpu_us_fixed'), 1)} | {fixed} | {beside} | {add} |")
print()
errs = [f"{p} round {r}: {v}" for r, p, m, v in rows if m in ("errors", "fixed_non200") and v not in ("none", "0", "0 not succeeded")]
print("Errors: " + ("; ".join(errs) if errs else "none"))
EOF
cat "$OUT/results.md"
