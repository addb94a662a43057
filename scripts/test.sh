#!/usr/bin/env bash
# Runs every test: unit tests (*Test) and, against real servers, integration tests (*IT).
# Installs headless Chromium for the browser tests, starts Redis, a Redis Cluster, MariaDB and Kafka with
# scripts/services.sh (installing them if needed), runs
# `mvn verify`, and stops the servers it started, also when the build fails or is interrupted. Servers that were
# already running (started earlier with scripts/services.sh) are used and left running.
# Usage: scripts/test.sh [extra Maven arguments]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
ensure_build_tools
cd "$LIKE_ROOT"

started=()
for name in redis cluster mariadb kafka; do
  bash scripts/services.sh status "$name" | grep -qE ' up |3/3 nodes up' || started+=("$name")
done
stop_services() {
  [ ${#started[@]} -eq 0 ] && return 0
  bash scripts/services.sh stop "${started[@]}" >/dev/null 2>&1 || log "warning: scripts/services.sh stop failed"
}
trap stop_services EXIT
trap 'exit 130' INT TERM

t0=$SECONDS
ensure_browser
bash scripts/services.sh start
log "servers ready in $((SECONDS - t0)) s"
eval "$(bash scripts/services.sh env)"

"${MVN[@]}" verify "$@"
