#!/usr/bin/env bash
# The Dualmode demo: builds what it needs, then starts on this machine (loopback only)
#   - platform-server with its embedded registry (Nacos protocol on 127.0.0.1:8848/9848, API and console on :8080),
#   - six example applications, a provider and a consumer per framework, in mixed modes:
#       Spring Cloud  consumer MESH -> provider MESH   (two sidecar hops)
#       Dubbo         consumer MESH -> provider SDK    (the consumer's sidecar calls the provider directly)
#       SOFARPC       consumer SDK  -> provider MESH   (the consumer calls the provider's sidecar ingress)
#     each mesh-mode application launching its own sidecar (dualmode.sidecar.launch=true),
# drives calls through every pair, and prints each call's result and the path it took, proven by the sidecars'
# request counters. Ctrl-C stops everything it started.
#
#   ./run.sh                 # the demo, until Ctrl-C
#   ./run.sh --rounds 5      # five rounds of calls, then stop; exit status 0 only if every call succeeded
#   ./run.sh --platform-only # just platform-server (registry + API + console) on embedded defaults
#
# Logs: ./data/demo/logs/<name>.log. Environment: DUALMODE_DEMO_DIR (./data/demo), SKIP_BUILD=1.
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$PWD
VERSION=0.1.0-SNAPSHOT
ROUNDS=0
PLATFORM_ONLY=0
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) ROUNDS=$2; shift 2 ;;
    --platform-only) PLATFORM_ONLY=1; shift ;;
    -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown argument $1 (try --help)" >&2; exit 2 ;;
  esac
done

DIR=${DUALMODE_DEMO_DIR:-$ROOT/data/demo}
LOGS=$DIR/logs
mkdir -p "$LOGS"
RUN_ID=demo$$

PLATFORM_JAR=platform-server/target/dualmode-platform-server-$VERSION.jar
SIDECAR_JAR=mesh-sidecar/target/dualmode-mesh-sidecar-$VERSION-all.jar
jar_of() { echo "examples/$1/target/dualmode-example-$1-$VERSION.jar"; }
APPS=(springcloud-provider springcloud-consumer dubbo-provider dubbo-consumer sofa-provider sofa-consumer)

say() { printf '%s\n' "$*"; }
die() { printf 'run.sh: %s\n' "$*" >&2; exit 1; }

build() {
  local jars=("$PLATFORM_JAR" "$SIDECAR_JAR") j missing=0 stale=0
  if [ "$PLATFORM_ONLY" = 0 ]; then for a in "${APPS[@]}"; do jars+=("$(jar_of "$a")"); done; fi
  for j in "${jars[@]}"; do
    if [ ! -f "$j" ]; then missing=1
    elif [ -n "$(find pom.xml ./*/pom.xml ./*/src examples/*/src -newer "$j" -print -quit 2>/dev/null)" ]; then stale=1; fi
  done
  [ "$missing" = 0 ] && { [ "$stale" = 0 ] || [ "${SKIP_BUILD:-0}" = 1 ]; } && return 0
  say "building (the first run downloads dependencies and takes a few minutes) ..."
  local modules=platform-server,mesh-sidecar
  [ "$PLATFORM_ONLY" = 0 ] && modules=$modules,$(printf 'examples/%s,' "${APPS[@]}" | sed 's/,$//')
  ./mvnw -B -q -pl "$modules" -am package -DskipTests -Djacoco.skip=true >"$LOGS/build.log" 2>&1 \
    || { tail -40 "$LOGS/build.log"; die "the build failed; the whole log is $LOGS/build.log"; }
}

PIDS=()
NAMES=()
cleanup() {
  trap - EXIT INT TERM
  say ""
  say "stopping everything the demo started..."
  local p
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for _ in $(seq 100); do
    local alive=0
    for p in "${PIDS[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.2
  done
  for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  # sidecars launched by the applications carry the run's marker; none may outlive the demo
  pkill -f "dualmode.demo=$RUN_ID" 2>/dev/null || true
  say "stopped."
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start() { # name, then the command
  local name=$1; shift
  "$@" >"$LOGS/$name.log" 2>&1 &
  PIDS+=($!)
  NAMES+=("$name")
}

wait_http() { # name, url, seconds
  local name=$1 url=$2 limit=$((SECONDS + $3)) i
  until curl -fs -o /dev/null "$url"; do
    for i in "${!PIDS[@]}"; do
      if [ "${NAMES[$i]}" = "$name" ] && ! kill -0 "${PIDS[$i]}" 2>/dev/null; then
        tail -30 "$LOGS/$name.log" >&2
        die "$name exited during start-up; its log is $LOGS/$name.log"
      fi
    done
    [ $SECONDS -lt $limit ] || { tail -30 "$LOGS/$name.log" >&2; die "$name not ready after $3 s ($url); log: $LOGS/$name.log"; }
    sleep 0.5
  done
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

build
for p in 8080 8848 9848 18081 18082 18083 18084 18085 18086 20880 12200 12201 15101 15102 15104 15105 18841 18842 18844 18845 19841 19842 19844 19845; do port_free $p || die "port $p is taken; stop what uses it (a Nacos or an earlier demo?)"; done

# A fresh platform every run: the demo's admin password applies to a first start only.
rm -rf "$DIR/platform-data" "$DIR"/sidecar-*
JAVA_SMALL="-Xms32m -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Ddualmode.demo=$RUN_ID"
say "starting platform-server (embedded registry 127.0.0.1:8848, API and console http://127.0.0.1:8080) ..."
start platform java -Xms64m -Xmx384m -Ddualmode.demo=$RUN_ID -jar "$PLATFORM_JAR" \
  --dualmode.data-dir="$DIR/platform-data" --dualmode.registry.host=127.0.0.1 --server.address=127.0.0.1 \
  --dualmode.security.admin-password="${DUALMODE_ADMIN_PASSWORD:-dualmode-demo}"
wait_http platform http://127.0.0.1:8080/actuator/health 120
say "  console: http://127.0.0.1:8080 (user admin, password ${DUALMODE_ADMIN_PASSWORD:-dualmode-demo})"
if [ "$PLATFORM_ONLY" = 1 ]; then
  say "platform-server is up: registry 127.0.0.1:8848, console http://127.0.0.1:8080 — Ctrl-C stops it."
  wait
  exit 0
fi

# The mesh-mode sidecars take their governance rules from the platform's push stream, with a sidecar token.
json_field() { sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p"; }
ADMIN_TOKEN=$(curl -fs -H 'content-type: application/json' \
  -d "{\"username\":\"admin\",\"password\":\"${DUALMODE_ADMIN_PASSWORD:-dualmode-demo}\"}" \
  http://127.0.0.1:8080/api/v1/auth/login | json_field token || true)
SIDECAR_TOKEN=""
if [ -n "$ADMIN_TOKEN" ]; then
  SIDECAR_TOKEN=$(curl -fs -H "authorization: Bearer $ADMIN_TOKEN" -H 'content-type: application/json' \
    -d '{"name":"demo"}' http://127.0.0.1:8080/api/v1/sidecar-tokens | json_field token || true)
fi
[ -n "$SIDECAR_TOKEN" ] || say "  (could not log in as admin with the given password: sidecars run without the control plane)"

# Dubbo swaps loopback provider addresses for the machine's own before dialling; with every other interface
# ignored it stays on loopback (docs/starter-dubbo.md).
IGNORED_IFACES=$(ls /sys/class/net | grep -vx lo | paste -sd, -)
DUBBO_JVM="-Ddubbo.network.interface.ignored=$IGNORED_IFACES"
REGISTRY=127.0.0.1:8848

# name | mode | http port | sidecar: registry port, admin port, ingress address | extra arguments
app() {
  local name=$1 mode=$2 http=$3 sc_reg=$4 sc_admin=$5 sc_ingress=$6; shift 6
  local jvm=$JAVA_SMALL
  case "$name" in dubbo-*) jvm="$jvm $DUBBO_JVM" ;; esac
  local args=(--server.port="$http" --server.address=127.0.0.1 --dualmode.mode="$mode"
    --dualmode.registry.address=$REGISTRY --spring.application.name="$name")
  if [ "$mode" = mesh ]; then
    args+=(--dualmode.sidecar.launch=true --dualmode.sidecar.jar="$ROOT/$SIDECAR_JAR"
      --dualmode.sidecar.registry-port="$sc_reg" --dualmode.sidecar.admin-port="$sc_admin"
      --dualmode.sidecar.startup-timeout=60s
      "--dualmode.sidecar.jvm-options=-Xms8m,-Xmx48m,-XX:+UseSerialGC,-XX:TieredStopAtLevel=1,-Ddualmode.demo=$RUN_ID"
      "--dualmode.sidecar.args=--ingress-address,$sc_ingress${SIDECAR_TOKEN:+,--control-plane,ws://127.0.0.1:8080/api/v1/push,--control-plane-token,$SIDECAR_TOKEN,--state-dir,$DIR/sidecar-$name}")
  fi
  # shellcheck disable=SC2086 # JVM options are a word list
  start "$name" java $jvm -jar "$(jar_of "$name")" "${args[@]}" "$@"
}

say "starting six example applications (mesh ones launch their own sidecar) ..."
app springcloud-provider mesh 18081 18841 15101 127.0.0.11
app dubbo-provider       sdk  18083 0     0     -         --dubbo.protocol.port=20880
app sofa-provider        mesh 18085 18845 15105 127.0.0.15 --dualmode.sofa.bolt.port=12200
app springcloud-consumer mesh 18082 18842 15102 127.0.0.12 --dualmode.example.provider=springcloud-provider
# Dubbo dials every 127.* address as 127.0.0.1 (docs/starter-dubbo.md), so its sidecar's listeners stay there
app dubbo-consumer       mesh 18084 18844 15104 127.0.0.1
app sofa-consumer        sdk  18086 0     0     -         --dualmode.sofa.bolt.port=12201
for n in springcloud-provider:18081 dubbo-provider:18083 sofa-provider:18085 springcloud-consumer:18082 \
    dubbo-consumer:18084 sofa-consumer:18086; do
  wait_http "${n%%:*}" "http://127.0.0.1:${n##*:}/actuator/health" 180
  say "  ${n%%:*} is up"
done

# requests seen by a sidecar's listeners of one direction (egress or ingress), from its admin /stats
seen() {
  { curl -fs "http://127.0.0.1:$1/stats" 2>/dev/null || true; } \
    | { grep -oE "\"sidecar\.downstream\.rq\.total\.listener=$2[^\"]*\.count\" *: *[0-9.]+" || true; } \
    | awk -F: '{s += $NF} END {printf "%d", s}'
}

# consumer | its mode | consumer http port | provider | its mode | consumer sidecar admin | provider sidecar admin
PAIRS=(
  "springcloud-consumer mesh 18082 springcloud-provider mesh 15102 15101"
  "dubbo-consumer mesh 18084 dubbo-provider sdk 15104 -"
  "sofa-consumer sdk 18086 sofa-provider mesh - 15105"
)
# Wait until every consumer has found its provider (subscriptions are pushed a moment after start-up).
for pair in "${PAIRS[@]}"; do
  read -r c _ cport _ <<<"$pair"
  limit=$((SECONDS + 90))
  until curl -fs -o /dev/null --max-time 10 "http://127.0.0.1:$cport/call?name=warm-up"; do
    [ $SECONDS -lt $limit ] || die "$c has not reached its provider after 90 s; logs: $LOGS"
    sleep 1
  done
done

failures=0
round=0
say ""
say "calling every pair once per round; the path column is what the sidecars' request counters saw."
while [ "$ROUNDS" = 0 ] || [ "$round" -lt "$ROUNDS" ]; do
  round=$((round + 1))
  say "── round $round ─────────────────────────────────────────────────────────────────"
  for pair in "${PAIRS[@]}"; do
    read -r c cm cport p pm cadmin padmin <<<"$pair"
    before_out=0; before_in=0
    [ "$cadmin" != - ] && before_out=$(seen "$cadmin" egress)
    [ "$padmin" != - ] && before_in=$(seen "$padmin" ingress)
    if reply=$(curl -fsS --max-time 10 "http://127.0.0.1:$cport/call?name=demo" 2>&1); then
      status=ok
    else
      status=FAILED
      failures=$((failures + 1))
    fi
    path=""
    if [ "$cadmin" != - ]; then path="consumer sidecar egress +$(( $(seen "$cadmin" egress) - before_out ))"
    else path="direct from the consumer"; fi
    if [ "$padmin" != - ]; then path="$path -> provider sidecar ingress +$(( $(seen "$padmin" ingress) - before_in ))"
    else path="$path -> provider directly"; fi
    printf '  %-6s %s (%s) -> %s (%s)\n         path: %s\n         reply: %s\n' \
      "$status" "$c" "$cm" "$p" "$pm" "$path" "$(printf '%s' "$reply" | tr -d '\n' | cut -c1-160)"
  done
  [ "$ROUNDS" != 0 ] && [ "$round" -ge "$ROUNDS" ] && break
  sleep 2
done
say ""
say "$((round * ${#PAIRS[@]} - failures)) of $((round * ${#PAIRS[@]})) calls succeeded."
[ "$failures" = 0 ]
