#!/usr/bin/env bash
# MySQL/MariaDB benchmark: the consumer's event application against the same server's raw multi-row upsert.
# Usage: scripts/bench-jdbc.sh [EVENTS]   (default 200000)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
ensure_build_tools
cd "$LIKE_ROOT"
events=${1:-200000}
bash scripts/services.sh start mariadb >&2
eval "$(bash scripts/services.sh env)"
cp=$(runtime_classpath like-bench)
java -cp "$cp" dev.likes.bench.JdbcApplyBench \
  "$LIKE_TEST_JDBC_URL" "$LIKE_TEST_JDBC_USER" "$LIKE_TEST_JDBC_PASSWORD" "$events" 2>/dev/null
