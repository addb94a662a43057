#!/usr/bin/env bash
# Runs the hot-post load demo on the in-memory store (nothing else needed): 1,000,000 likes on one post.
# Usage: scripts/demo-hotpost.sh [--likes N] [--threads T] [--repeat FRACTION]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
ensure_build_tools
cd "$LIKE_ROOT"
log "building the examples module"
cp=$(runtime_classpath examples)
exec java -Xms1g -Xmx4g -cp "$cp" dev.likes.examples.HotPostDemo "$@"
