#!/usr/bin/env bash
# The design's hot-post burst through the whole pipeline (Redis outbox -> Kafka -> MySQL): LIKES distinct users like
# one post, 10% click twice; reports like() latency, time until all are in MySQL, lost and duplicated.
# Usage: scripts/bench-burst.sh [LIKES [RATE_PER_SECOND]]   (default 1000000, as fast as acknowledged; RATE: open loop)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
ensure_build_tools
cd "$LIKE_ROOT"
likes=${1:-1000000}
rate=${2:-0}
bash scripts/services.sh start redis mariadb kafka >&2
eval "$(bash scripts/services.sh env)"
cp=$(runtime_classpath like-bench)
java -Xmx2g -cp "$cp" dev.likes.bench.HotPostBurst \
  "$LIKE_TEST_JDBC_URL" "$LIKE_TEST_JDBC_USER" "$LIKE_TEST_JDBC_PASSWORD" "$LIKE_TEST_REDIS_URI" \
  "$LIKE_TEST_KAFKA_BOOTSTRAP" "$likes" "$rate" 2>/dev/null
