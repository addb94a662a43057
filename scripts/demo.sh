#!/usr/bin/env bash
# Runs the hot-post demo on the in-memory store (nothing else needed).
# Usage: scripts/demo.sh [--likes N] [--threads T] [--repeat FRACTION]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
ensure_build_tools
cd "$LIKE_ROOT"
log "building the examples module"
cp=$(runtime_classpath examples)
exec java -Xms1g -Xmx4g -cp "$cp" dev.likes.examples.HotPostDemo "$@"
