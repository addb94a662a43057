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

# The test servers keep their data in memory (tmpfs) when the machine has room: a test kills or hangs a server
# process, never the machine, so what a test checks does not depend on the disk, and a server's fsync (Redis'
# appendfsync always, MariaDB's commits) then stalls no other server. Two modules build at a time (-T 2 below), and
# on one disk MariaDB's flushes delayed Redis' replies by seconds. scripts/bench.sh keeps its servers on disk.
# Servers already running from scripts/services.sh (data on disk) are used as they are.
in_memory=""
if [ -z "${LIKE_SERVICES_DIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ] \
  && [ "$(df -Pk /dev/shm | awk 'NR == 2 { print $4 }')" -ge $((8 * 1024 * 1024)) ] \
  && ! bash scripts/services.sh status | grep -qE ' up |[1-9]/3 nodes up'; then
  in_memory="/dev/shm/like-services-$(id -u)-$(printf '%s' "$LIKE_ROOT" | md5sum | cut -c1-8)"
  export LIKE_SERVICES_DIR="$in_memory"
fi

t0=$SECONDS
ensure_browser
ensure_node
ensure_prometheus
servers=(redis cluster mariadb kafka rabbitmq mariadb-primary mariadb-replica mariadb-shard redis-primary redis-replica)
use_services "${servers[@]}"
# servers this run started stop when it ends; their data in memory (a run leaves about 2 GB) goes with them
if [ -n "$in_memory" ] && [ ${#LIKE_STARTED[@]} -eq ${#servers[@]} ]; then
  trap 'stop_started_services; rm -rf "$in_memory"' EXIT
fi
log "servers ready in $((SECONDS - t0)) s"
eval "$(bash scripts/services.sh env)"
# the standalone Redis keeps its data (AOF) across runs: start each run on an empty one
redis-cli -u "$LIKE_TEST_REDIS_URI" FLUSHALL >/dev/null
redis-cli -u "$LIKE_TEST_REDIS_URI" BGREWRITEAOF >/dev/null   # and a small append-only file, quick to reload

# two modules at a time: the store modules that run beside each other (like-redis, like-kafka, like-rabbitmq,
# like-jdbc) test, kill and hang disjoint servers; like-pipeline, whose tests fault every server, depends on all four
# and nothing else runs while it does (the modules after it depend on it)
"${MVN[@]}" -T 2 verify "$@"
