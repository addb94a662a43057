#!/usr/bin/env bash
# Runs every test: unit tests (*Test) and integration tests (*IT).
# Usage: scripts/test.sh [extra Maven arguments]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
ensure_build_tools
cd "$LIKE_ROOT"
"${MVN[@]}" verify "$@"
