#!/usr/bin/env bash
# Runs every test: unit tests (*Test) and, against real servers, integration tests (*IT).
# Installs headless Chromium for the browser tests, Node.js for the front-end package's tests and Prometheus for the
# monitoring tests, starts Redis, a Redis Cluster, MariaDB, Kafka, RabbitMQ, a replicated MariaDB pair, a second
# MariaDB shard server and a replicated Redis pair with scripts/services.sh (installing them if needed), runs
# `mvn verify`, and
# stops the servers it started, also when the build fails or is interrupted. Servers that were already running (started
# earlier with scripts/services.sh) are used and left running.
# Usage: scripts/test.sh [extra Maven arguments]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
ensure_build_tools
cd "$LIKE_ROOT"

t0=$SECONDS
ensure_browser
ensure_node
ensure_prometheus
use_services redis cluster mariadb kafka rabbitmq mariadb-primary mariadb-replica mariadb-shard redis-primary \
  redis-replica
log "servers ready in $((SECONDS - t0)) s"
eval "$(bash scripts/services.sh env)"
# the standalone Redis keeps its data (AOF) across runs: start each run on an empty one
redis-cli -u "$LIKE_TEST_REDIS_URI" FLUSHALL >/dev/null
redis-cli -u "$LIKE_TEST_REDIS_URI" BGREWRITEAOF >/dev/null   # and a small append-only file, quick to reload

"${MVN[@]}" verify "$@"
