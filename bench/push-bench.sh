#!/usr/bin/env bash
# Push benchmark (issue 6; method and results in docs/benchmarks.md, section "Push to sidecars").
#
# Builds platform-server and the bench, starts the platform in its own JVM on loopback (embedded H2, registry on),
# then runs io.dualmode.bench.push.PushBench against it: --connections simulated sidecars (2,000 by default) on the
# push WebSocket, each subscribed to the shared service bench-all and to one of --services own services; --writes
# rule writes to bench-all timed from the PUT to the ACK of the last sidecar; one write to bench-svc-0 (only its
# subscribers get a push); one write to a service nobody subscribes to (nothing must be pushed). Stops the platform
# by pid.
#
#   bench/push-bench.sh
#   bench/push-bench.sh --connections 500 --writes 10
#
# Environment: PLATFORM_PORT (0: a free port, read from the log), PLATFORM_HEAP (1g), BENCH_HEAP (512m), SKIP_BUILD=1 to reuse the last build.
set -euo pipefail

cd "$(dirname "$0")/.."
PORT=${PLATFORM_PORT:-0}
PLATFORM_HEAP=${PLATFORM_HEAP:-1g}
BENCH_HEAP=${BENCH_HEAP:-512m}
OUT="$PWD/bench/target/push-bench"
JAR=platform-server/target/dualmode-platform-server-0.1.0-SNAPSHOT.jar
PASSWORD=bench-admin-password

ulimit -n 16384 2>/dev/null || ulimit -n "$(ulimit -Hn)"

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  ./mvnw -B -q -pl platform-server,bench -am package -DskipTests
fi
rm -rf "$OUT"
mkdir -p "$OUT"
CP="bench/target/classes:$(cat bench/target/classpath.txt)"

PLATFORM_PID=
cleanup() {
  if [[ -n "$PLATFORM_PID" ]] && kill -0 "$PLATFORM_PID" 2>/dev/null; then
    kill "$PLATFORM_PID" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$PLATFORM_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$PLATFORM_PID" 2>/dev/null || true
  fi
  PLATFORM_PID=
}
trap cleanup EXIT INT TERM

echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); $(java -version 2>&1 | head -1)"
java -Xmx"$PLATFORM_HEAP" -jar "$JAR" --server.address=127.0.0.1 --server.port="$PORT" \
  --dualmode.data-dir="$OUT/data" --dualmode.registry.host=127.0.0.1 --dualmode.registry.port=0 \
  --dualmode.security.admin-password="$PASSWORD" --logging.level.io.dualmode.platform.push=WARN \
  >"$OUT/platform.log" 2>&1 &
PLATFORM_PID=$!
for _ in $(seq 1200); do
  grep -qs "Started PlatformServerApplication" "$OUT/platform.log" && break
  kill -0 "$PLATFORM_PID" 2>/dev/null || { echo "platform exited, see $OUT/platform.log" >&2; exit 1; }
  sleep 0.1
done
grep -qs "Started PlatformServerApplication" "$OUT/platform.log" || { echo "platform did not start" >&2; exit 1; }
PORT=$(grep -o 'Netty started on port [0-9]*' "$OUT/platform.log" | head -1 | grep -o '[0-9]*$')
echo "platform on 127.0.0.1:$PORT (pid $PLATFORM_PID)"

timeout 600 java -Xmx"$BENCH_HEAP" -Dlogback.configurationFile=dualmode-bench-logback.xml -cp "$CP" io.dualmode.bench.push.PushBench \
  --platform "http://127.0.0.1:$PORT" --admin-password "$PASSWORD" "$@" 2>&1 | tee "$OUT/bench.log" | grep '^\[bench'
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
