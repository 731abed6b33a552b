#!/usr/bin/env bash
# Registry scale benchmark (issue 2; method and results in docs/benchmarks.md).
#
# Builds the registry and the bench, then for each round starts the standalone registry in its own JVM on loopback,
# runs io.dualmode.bench.registry.RegistryScaleBench against it (phase 1: registrations; phase 2: subscribers, memory,
# changes timed to every push callback) and stops it by pid. Prints each round's figures and their medians.
#
#   bench/registry-bench.sh                  # 2 rounds at full scale (50,000 instances, 1,000 subscribers)
#   ROUNDS=1 bench/registry-bench.sh --instances 5000 --services 500 --subscribers 100
#   REGISTRY_JFR=1 bench/registry-bench.sh   # also record a JFR profile of the registry per round
#
# Extra arguments go to the bench (see --help). Environment: ROUNDS (2), REGISTRY_PORT (18848), REGISTRY_HEAP (1g),
# BENCH_HEAP (1g), SKIP_BUILD=1 to reuse the last build.
set -euo pipefail

cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-2}
PORT=${REGISTRY_PORT:-18848}
REGISTRY_HEAP=${REGISTRY_HEAP:-1g}
BENCH_HEAP=${BENCH_HEAP:-1g}
OUT=bench/target/registry-bench
JAR=registry/target/dualmode-registry-0.1.0-SNAPSHOT-all.jar

# two sockets per connection on loopback, 1,100+ connections, plus the JVMs' own files
ulimit -n 16384 2>/dev/null || ulimit -n "$(ulimit -Hn)"

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  ./mvnw -B -q -pl registry,bench -am package -DskipTests
fi
rm -rf "$OUT"
mkdir -p "$OUT"
CP="bench/target/classes:$(cat bench/target/classpath.txt)"

REGISTRY_PID=
cleanup() {
  if [[ -n "$REGISTRY_PID" ]] && kill -0 "$REGISTRY_PID" 2>/dev/null; then
    kill "$REGISTRY_PID" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$REGISTRY_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$REGISTRY_PID" 2>/dev/null || true
  fi
  REGISTRY_PID=
}
trap cleanup EXIT INT TERM

start_registry() {
  local round=$1 jfr=()
  if [[ "${REGISTRY_JFR:-0}" == 1 ]]; then
    jfr=("-XX:StartFlightRecording=filename=$OUT/registry-round-$round.jfr,settings=profile,dumponexit=true")
  fi
  rm -rf "$OUT/data-$round"
  java -Xmx"$REGISTRY_HEAP" "${jfr[@]}" -jar "$JAR" --host 127.0.0.1 --port "$PORT" --data-dir "$OUT/data-$round" \
    >"$OUT/registry-round-$round.log" 2>&1 &
  REGISTRY_PID=$!
  for _ in $(seq 300); do
    grep -qs "dualmode registry ready" "$OUT/registry-round-$round.log" && return 0
    kill -0 "$REGISTRY_PID" 2>/dev/null || break
    sleep 0.1
  done
  echo "registry did not start, see $OUT/registry-round-$round.log" >&2
  exit 1
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), load $(cut -d' ' -f1-3 /proc/loadavg); $(java -version 2>&1 | head -1)"
for round in $(seq "$ROUNDS"); do
  echo "== round $round: registry -Xmx$REGISTRY_HEAP on 127.0.0.1:$PORT (gRPC $((PORT + 1000)))"
  start_registry "$round"
  timeout 240 java -Xmx"$BENCH_HEAP" -DJM.LOG.PATH="$OUT/nacos-client-logs" -cp "$CP" \
    io.dualmode.bench.registry.RegistryScaleBench --registry "127.0.0.1:$PORT" --registry-pid "$REGISTRY_PID" \
    --out "$OUT/round-$round.properties" "$@" >"$OUT/bench-round-$round.log" 2>&1 || {
      echo "round $round failed (exit $?), see $OUT/bench-round-$round.log" >&2
    }
  grep '^\[bench' "$OUT/bench-round-$round.log" || true
  cleanup
done

rounds=("$OUT"/round-*.properties)
[[ -e "${rounds[0]}" ]] || { echo "no round produced results" >&2; exit 1; }
java -cp "$CP" io.dualmode.bench.registry.ResultsTable "${rounds[@]}" >"$OUT/results.md"
echo
echo "Headline (median of ${#rounds[@]} round(s)); every figure: $OUT/results.md"
grep -E '^\| (figure|---|phase1\.registrations_per_s|phase[12]\.(machine_cpu_pressure|registry_threads)|phase2\.(stale|pushes_superseded)|phase1\.registry_cpu|phase2\.light\.(all|hot|broadcast)\.(p50|p99|max)|phase2\.nacos\.all\.(p50|p99|max)|phase2\.pushes_(expected|missing)|phase2\.change_errors|phase2\.registry_cpu|memory\.after_load\.(heap_live|heap_used|rss)|memory\.peak_rss)' \
  "$OUT/results.md"
