#!/usr/bin/env bash
# Builds what is needed and runs the platform's main job on embedded defaults.
# Today that is the registry: Nacos-compatible HTTP on :8848 and gRPC on :9848, data in ./data.
set -euo pipefail
cd "$(dirname "$0")"
jar=registry/target/dualmode-registry-0.1.0-SNAPSHOT-all.jar
if [ ! -f "$jar" ] || [ -n "$(find registry/src pom.xml registry/pom.xml -newer "$jar" -print -quit)" ]; then
  ./mvnw -B -q -pl registry -am package -DskipTests
fi
exec java -Xms64m -Xmx512m -jar "$jar" --data-dir "${DUALMODE_DATA_DIR:-./data/registry}" "$@"
