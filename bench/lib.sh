# Shared helpers of the sidecar benchmark scripts (bench/sidecar-*-bench.sh); sourced, not run.
# shellcheck shell=bash

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

# The measured rounds of the RPC benches (sidecar-bolt-bench.sh, sidecar-dubbo-bench.sh). The caller defines
# bench (closed loop: port threads warmup measure -> "requests rps p50 p99 errors"), bench_rate (open loop: port rps
# warmup measure -> "requests rps p50 p99 errors p999 max lag_p50 lag_max"), record (round path key value), the
# associative arrays PORT and PROC (path -> port, path -> proxy pids), PATHS, and ROUNDS, THREADS, RATE, RATE_WARMUP,
# HZ. Per round and path: saturation (THREADS threads) with proxy and event-loop CPU, one-thread latency, and the
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
      read -r fn frps f50 f99 ferrors f999 fmax flag50 flagmax < <(bench_rate "${PORT[$p]}" "$RATE" "$RATE_WARMUP" 10)
      # shellcheck disable=SC2086
      t1=$(ticks ${PROC[$p]})
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
        "at $RATE req/s: $frps req/s, p50 $f50 us, p99 $f99 us, max $fmax us, errors $ferrors"
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
        f_d50 = median("direct|p50_fixed_us"); f_d99 = median("direct|p99_fixed_us")
        for (i = 1; i <= k; i++) {
          p = order[i]; rps = median(p "|rps"); p50 = median(p "|p50_us"); p99 = median(p "|p99_us")
          hops = (p == "direct") ? 0 : (p == "sidecar-2hop") ? 2 : 1
          cpu = (hops == 0) ? "—" : median(p "|cpu_us_sat")
          perhop = (hops == 0) ? "—" : sprintf("%.1f", cpu / hops)
          f50 = median(p "|p50_fixed_us"); f99 = median(p "|p99_fixed_us")
          fcpu = (hops == 0) ? "—" : median(p "|cpu_us_fixed")
          printf "| %s | %.0f | %.2f | %s | %s | %.1f | %s | %.1f | %s | %.1f | %.1f | %s | %s | %s |\n", p, rps,
            rps / d_rps, cpu, perhop, p50, added(p50, d50, hops), p99, added(p99, d99, hops), f50, f99,
            added(f50, f_d50, hops), added(f99, f_d99, hops), fcpu
          achieved = achieved sprintf("%s%s %.0f", i > 1 ? ", " : "", p, median(p "|fixed_rps"))
        }
        printf "\nFixed rate (open loop, latency measured from when each call was due): %d req/s asked;", rate
        printf " achieved (median): %s.\n", achieved
      }' "$RESULTS"
  } >"$OUT/results.md"
  cat "$OUT/results.md"
}
