#!/usr/bin/env bash
# Runs the hot-post demo on the in-memory store (nothing else needed).
# Usage: scripts/demo.sh [--likes N] [--threads T] [--repeat FRACTION]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
ensure_build_tools
cd "$LIKE_ROOT"
log "building the examples module"
"${MVN[@]}" -q -pl examples -am package dependency:build-classpath -DskipTests \
  -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime
exec java -Xms1g -Xmx4g -cp "examples/target/classes:$(cat examples/target/classpath.txt)" \
  dev.likes.examples.HotPostDemo "$@"
