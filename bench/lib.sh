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
