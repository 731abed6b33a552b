# Shared helpers of the sidecar benchmark scripts (bench/sidecar-*-bench.sh, bench/sidecar-memory-probe.sh); sourced,
# not run.
# shellcheck shell=bash

sidecar_main() { # jar dir -> SIDECAR_MAIN: the java arguments that run the sidecar from the jar unpacked into dir, as
  # the launch script does once it has unpacked a copy, or from the jar itself with SIDECAR_UNPACK=0
  SIDECAR_MAIN=(-jar "$1")
  if [[ ${SIDECAR_UNPACK:-1} == 1 ]]; then
    java -cp "$1" io.dualmode.sidecar.internal.launch.Unpack "$1" "$2"
    SIDECAR_MAIN=(-cp "$2" io.dualmode.sidecar.SidecarMain)
  fi
}

pct() { # h2load log -> "p50 p99" in us of its 200 responses, without the log's first second
  sort -n "$1" | awk -F'\t' 'NR == 1 {t0 = $1} $1 >= t0 + 1000000 && $2 == 200 {print $3}' | sort -n >"$1.sorted"
  local cnt
  cnt=$(wc -l <"$1.sorted")
  echo "$(sed -n "$(((cnt + 1) / 2))p" "$1.sorted") $(sed -n "$(((cnt * 99 + 99) / 100))p" "$1.sorted")"
  rm -f "$1.sorted"
}

# The probes' processes (bench/sidecar-memory-probe.sh, bench/sidecar-h2-probe.sh): started with start_backend and
# start_sidecar, recorded in PROBE_PIDS and killed by pid by stop_probe (set as the scripts' exit trap).
PROBE_PIDS=()
probe_setup() { # dir: checks $JAR, raises the open-files limit, empties dir and kills the probe's processes on exit
  [[ -f $JAR ]] || { echo "no $JAR; build it with ./mvnw -B -q -pl mesh-sidecar -am package -DskipTests" >&2; exit 1; }
  ulimit -n 16384 2>/dev/null || ulimit -n "$(ulimit -Hn)"
  rm -rf "$1"
  mkdir -p "$1"
  trap 'idle_spinners off; stop_probe' EXIT INT TERM
}

stop_probe() {
  local p
  for p in "${PROBE_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  sleep 0.5
  for p in "${PROBE_PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  PROBE_PIDS=()
}

start_backend() { # dir http-port h2c-port -> BACKEND_PID: nginx (one worker, 1 KiB responses) from backend-nginx.conf
  local body
  body=$(head -c 1024 /dev/zero | tr '\0' 'x')
  mkdir -p "$1/backend-tmp"
  sed -e "s#@RUN@#$1#g" -e "s#@BODY@#$body#g" -e "s#@BACKEND_PORT@#$2#g" -e "s#@BACKEND_H2_PORT@#$3#g" \
    "$ROOT/bench/sidecar/backend-nginx.conf" >"$1/backend-nginx.conf"
  nginx -e "$1/backend-nginx.error.log" -p "$1" -c "$1/backend-nginx.conf" &
  BACKEND_PID=$!
  PROBE_PIDS+=("$BACKEND_PID")
}

start_sidecar() { # jar dir config url [h2] -> SC: a sidecar with $SIDECAR_JVM, once url answers (over h2c with h2)
  sidecar_main "$1" "$2/sidecar-unpacked"
  # shellcheck disable=SC2086 # the options are a word list on purpose
  java $SIDECAR_JVM "${SIDECAR_MAIN[@]}" --config "$3" >"$2/sidecar.log" 2>&1 &
  SC=$!
  PROBE_PIDS+=("$SC")
  for _ in $(seq 400); do
    if [[ ${5:-} == h2 ]]; then
      h2load -n1 -c1 "$4" 2>/dev/null | grep -q '1 succeeded' && return 0
    else
      curl -fsS -o /dev/null "$4" 2>/dev/null && return 0
    fi
    kill -0 "$SC" 2>/dev/null || { echo "sidecar exited, see $2/sidecar.log" >&2; exit 1; }
    sleep 0.05
  done
  echo "no answer from $4" >&2
  exit 1
}

ticks() { # pids -> user+sys clock ticks of those processes (from /proc/<pid>/stat; gone processes count 0)
  local sum=0 p
  for p in "$@"; do
    [[ -r /proc/$p/stat ]] || continue
    sum=$((sum + $(sed 's/^.*) //' "/proc/$p/stat" | awk '{print $12 + $13}')))
  done
  echo "$sum"
}

loop_ticks() { # pids -> CPU ticks of their Netty event-loop threads only (named dualmode-sidecar-*), no JIT or GC
  local sum=0 p t
  for p in "$@"; do
    for t in /proc/"$p"/task/*; do
      [[ $(cat "$t/comm" 2>/dev/null) == dualmode-sidec* ]] || continue
      sum=$((sum + $(sed 's/^.*) //' "$t/stat" 2>/dev/null | awk '{print $12 + $13}')))
    done
  done
  echo "$sum"
}

# Real-time scheduling for the fixed-rate runs (FIXED_RATE_RT=1, the default when root can use chrt): on this kind of
# 2-core virtual machine the guest scheduler wakes a thread tens of ms late now and then under load (a direct Dubbo call
# at 1,000 req/s had a p99 of 15-47 ms, and a separate process that only sleeps 1 ms at a time saw the same stalls),
# which no proxy's added latency can be read against. During each fixed-rate run the rate client, the backend and every
# proxy (all their threads) run SCHED_FIFO priority 1, each path alike; the closed-loop runs keep the normal policy.
if [[ -z ${FIXED_RATE_RT:-} ]]; then
  FIXED_RATE_RT=0
  [[ $(id -u) == 0 ]] && chrt -f 1 true 2>/dev/null && FIXED_RATE_RT=1
fi
RT_CMD=()
[[ $FIXED_RATE_RT == 1 ]] && RT_CMD=(chrt -f 1)
# Idle spinners for the fixed-rate runs (FIXED_RATE_SPIN=1, the default with FIXED_RATE_RT=1): one busy loop per core
# at SCHED_IDLE, which runs only when nothing else wants the core and gives way to any woken thread at once. At a
# moderate rate the cores are mostly idle, and a virtual CPU that has halted costs a path a wake-up of the host's
# thread for every process the call crosses (hundreds of µs on this machine); keeping the virtual CPUs from halting is
# what booting the guest with idle=poll, or a halt-polling cpuidle driver, does. No measured process's CPU time changes.
FIXED_RATE_SPIN=${FIXED_RATE_SPIN:-$FIXED_RATE_RT}
SPIN_PIDS=()
idle_spinners() { # on|off
  [[ $FIXED_RATE_SPIN == 1 ]] || return 0
  local i
  if [[ $1 == on ]]; then
    for i in $(seq "$(nproc)"); do
      chrt -i 0 sh -c 'while :; do :; done' &
      SPIN_PIDS+=($!)
    done
  else
    for i in "${SPIN_PIDS[@]}"; do kill "$i" 2>/dev/null || true; done
    for i in "${SPIN_PIDS[@]}"; do wait "$i" 2>/dev/null || true; done
    SPIN_PIDS=()
  fi
}
rt_policy() { # fifo|other pids...: every thread of those processes to SCHED_FIFO 1 or back to SCHED_OTHER
  # the JIT compiler threads stay SCHED_OTHER: a FIFO thread is not preempted by its peers, and one C2 compilation
  # (tens to 100+ ms) at FIFO held a core from every other thread of the run
  [[ $FIXED_RATE_RT == 1 ]] || return 0
  local how=$1 p t
  shift
  for p in "$@"; do
    if [[ $how == fifo ]]; then
      chrt -f -a -p 1 "$p" >/dev/null 2>&1 || echo "chrt fifo failed for pid $p" >&2
      for t in /proc/"$p"/task/*; do
        if [[ $(cat "$t/comm" 2>/dev/null) == C[12]\ Compiler* ]]; then
          chrt -o -p 0 "${t##*/}" >/dev/null 2>&1 || true
        fi
      done
    else
      chrt -o -a -p 0 "$p" >/dev/null 2>&1 || echo "chrt other failed for pid $p" >&2
    fi
  done
}

fixed_rate_conditions() { # on|off pids...: the fixed-rate run's set-up for those processes (FIFO, spinners), or undo it
  local how=$1
  shift
  if [[ $how == on ]]; then
    rt_policy fifo "$@"
    idle_spinners on
  else
    idle_spinners off
    rt_policy other "$@"
  fi
}

# The measured rounds of the RPC benches (sidecar-bolt-bench.sh, sidecar-dubbo-bench.sh). The caller defines
# bench (closed loop: port threads warmup measure -> "requests rps p50 p99 errors"), bench_rate (open loop: port[,port]
# rps warmup measure -> a line per port: "requests rps p50 p99 errors p999 max lag_p50 lag_max"), record (round path
# key value), the associative arrays PORT and PROC (path -> port, path -> proxy pids), PATHS, and ROUNDS, THREADS, RATE, RATE_WARMUP,
# HZ and BACKEND_PID. Per round and path: saturation (THREADS threads) with proxy and event-loop CPU, one-thread latency, and the
# fixed rate with proxy CPU.
rpc_rounds() {
  for r in $(seq "$ROUNDS"); do
    for p in "${PATHS[@]}"; do
      # shellcheck disable=SC2086
      t0=$(ticks ${PROC[$p]})
      # shellcheck disable=SC2086
      l0=$(loop_ticks ${PROC[$p]})
      read -r n rps _ _ errors < <(bench "${PORT[$p]}" "$THREADS" 3 10)
      # shellcheck disable=SC2086
      t1=$(ticks ${PROC[$p]})
      # shellcheck disable=SC2086
      l1=$(loop_ticks ${PROC[$p]})
      record "$r" "$p" rps "$rps"
      record "$r" "$p" errors "$errors"
      # ticks cover the 3 s warm-up too: divide by the requests of all 13 s, estimated from the measured rate
      [[ -n ${PROC[$p]} ]] && record "$r" "$p" cpu_us_sat \
        "$(awk -v d=$((t1 - t0)) -v hz="$HZ" -v n="$n" 'BEGIN {printf "%.2f", d * 1e6 / hz / (n * 13 / 10)}')"
      # the same for the event-loop threads alone: the proxying itself, without the JIT compiling or the GC
      [[ $p == sidecar-* ]] && record "$r" "$p" loop_us_sat \
        "$(awk -v d=$((l1 - l0)) -v hz="$HZ" -v n="$n" 'BEGIN {printf "%.2f", d * 1e6 / hz / (n * 13 / 10)}')"
      read -r _ _ p50 p99 lerrors < <(bench "${PORT[$p]}" 1 2 8)
      record "$r" "$p" p50_us "$p50"
      record "$r" "$p" p99_us "$p99"
      record "$r" "$p" lat_errors "$lerrors"
      # shellcheck disable=SC2086
      t0=$(ticks ${PROC[$p]})
      # the backend starts each fixed-rate run with an empty young generation (see bench_rate)
      jcmd "$BACKEND_PID" GC.run >/dev/null 2>&1 || echo "jcmd GC.run failed" >&2
      # shellcheck disable=SC2086
      fixed_rate_conditions on "$BACKEND_PID" ${PROC[$p]}
      # a proxied path runs together with direct, their calls interleaved (RpcLoad.openLoop), and its added latency is
      # its percentile less direct's in the same run: both met the same stalls of this machine
      d50= d99=
      if [[ $p == direct ]]; then
        read -r fn frps f50 f99 ferrors f999 fmax flag50 flagmax < <(bench_rate "${PORT[$p]}" "$RATE" "$RATE_WARMUP" 10)
      else
        mapfile -t rate_lines < <(bench_rate "${PORT[direct]},${PORT[$p]}" "$RATE" "$RATE_WARMUP" 10)
        [[ ${#rate_lines[@]} == 2 ]] || echo "WARNING: round $r $p: the fixed-rate client printed" \
          "${#rate_lines[@]} of 2 results (see $RUN/client.log); its added latencies are not meaningful" >&2
        read -r _ _ d50 d99 _ <<<"${rate_lines[0]:-}"
        read -r fn frps f50 f99 ferrors f999 fmax flag50 flagmax <<<"${rate_lines[1]:-}"
        record "$r" "$p" beside_direct_p50_fixed_us "$d50"
        record "$r" "$p" beside_direct_p99_fixed_us "$d99"
        record "$r" "$p" added_p50_fixed_us "$(awk -v a="$f50" -v b="$d50" 'BEGIN {printf "%.1f", a - b}')"
        record "$r" "$p" added_p99_fixed_us "$(awk -v a="$f99" -v b="$d99" 'BEGIN {printf "%.1f", a - b}')"
      fi
      # shellcheck disable=SC2086
      t1=$(ticks ${PROC[$p]})
      # shellcheck disable=SC2086
      fixed_rate_conditions off "$BACKEND_PID" ${PROC[$p]}
      record "$r" "$p" fixed_rps "$frps"
      record "$r" "$p" p50_fixed_us "$f50"
      record "$r" "$p" p99_fixed_us "$f99"
      record "$r" "$p" p999_fixed_us "$f999"
      record "$r" "$p" max_fixed_us "$fmax"
      # how late the client's pacing thread sent (its timer's slack, its GC): in every path's latencies alike
      record "$r" "$p" send_lag_p50_us "$flag50"
      record "$r" "$p" send_lag_max_us "$flagmax"
      record "$r" "$p" fixed_errors "$ferrors"
      # as for saturation: the ticks cover the warm-up too, so divide by the requests of warm-up and window
      [[ -n ${PROC[$p]} ]] && record "$r" "$p" cpu_us_fixed \
        "$(awk -v d=$((t1 - t0)) -v hz="$HZ" -v n="$fn" -v rw="$RATE_WARMUP" 'BEGIN {printf "%.2f", d * 1e6 / hz / (n * (10 + rw) / 10)}')"
      echo "round $r $p: $rps req/s, p50 $p50 us, p99 $p99 us, errors $errors/$lerrors;" \
        "at $RATE req/s: $frps req/s, p50 $f50 us, p99 $f99 us, max $fmax us, errors $ferrors${d99:+; direct beside it: p50 $d50 us, p99 $d99 us}"
      # a path that cannot keep up with RATE queues, and its latencies measure the queue, not the path
      if awk -v a="$frps" -v r="$RATE" 'BEGIN {exit !(a < 0.95 * r)}'; then
        echo "WARNING: round $r $p achieved $frps req/s, below 95% of RATE=$RATE:" \
          "its fixed-rate latencies measure a queue" >&2
      fi
    done
  done
}

rpc_table() { # medians over rounds of $RESULTS, as a Markdown table, to $OUT/results.md and stdout
  {
    echo "| path | req/s (32 threads) | x direct | proxy CPU µs/req | per hop | p50 µs (1 thread) | p50 added per hop" \
      "| p99 µs | p99 added per hop | p50 µs at $RATE/s | p99 µs | p50 added per hop | p99 added per hop" \
      "| proxy CPU µs/req at $RATE/s |"
    echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
    awk -F'\t' -v rate="$RATE" '
      function median(key,   n, i, j, t, a) {
        n = split(vals[key], a, " ")
        for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
        return n == 0 ? "" : (n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2)
      }
      function added(v, d, hops) { return hops == 0 ? "—" : sprintf("%+.1f", (v - d) / hops) }
      { vals[$2 "|" $3] = vals[$2 "|" $3] " " $4; if (!($2 in seen)) { seen[$2] = 1; order[++k] = $2 } }
      END {
        d_rps = median("direct|rps"); d50 = median("direct|p50_us"); d99 = median("direct|p99_us")
        for (i = 1; i <= k; i++) {
          p = order[i]; rps = median(p "|rps"); p50 = median(p "|p50_us"); p99 = median(p "|p99_us")
          hops = (p == "direct") ? 0 : (p == "sidecar-2hop") ? 2 : 1
          cpu = (hops == 0) ? "—" : median(p "|cpu_us_sat")
          perhop = (hops == 0) ? "—" : sprintf("%.1f", cpu / hops)
          f50 = median(p "|p50_fixed_us"); f99 = median(p "|p99_fixed_us")
          # at the fixed rate, added is against the direct path that ran beside this one (median over rounds)
          fa50 = (hops == 0) ? "—" : sprintf("%+.1f", median(p "|added_p50_fixed_us") / hops)
          fa99 = (hops == 0) ? "—" : sprintf("%+.1f", median(p "|added_p99_fixed_us") / hops)
          fcpu = (hops == 0) ? "—" : median(p "|cpu_us_fixed")
          printf "| %s | %.0f | %.2f | %s | %s | %.1f | %s | %.1f | %s | %.1f | %.1f | %s | %s | %s |\n", p, rps,
            rps / d_rps, cpu, perhop, p50, added(p50, d50, hops), p99, added(p99, d99, hops), f50, f99,
            fa50, fa99, fcpu
          achieved = achieved sprintf("%s%s %.0f", i > 1 ? ", " : "", p, median(p "|fixed_rps"))
        }
        printf "\nFixed rate (open loop, latency measured from when each call was due): %d req/s asked of each path;", rate
        printf " each proxied path ran beside direct, calls interleaved, and its added latency is against that direct;"
        printf " achieved (median): %s.\n", achieved
      }' "$RESULTS"
  } >"$OUT/results.md"
  cat "$OUT/results.md"
}
