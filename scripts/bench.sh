#!/usr/bin/env bash
# The benchmark suite: starts Redis, MariaDB (and a replicated pair), Kafka and RabbitMQ (scripts/services.sh), runs
# every section side by side with its baseline (redis-benchmark, a plain Lettuce loop, a naive implementation, raw
# multi-row INSERT, a server without a binlog, Kafka's ProducerPerformance, the plain Redis layout), and writes like-bench/target/bench/results-MODE.json; quick and full
# runs of every section also write the charts under docs/bench/ and the generated part of BENCHMARKS.md. Stops the servers it started.
# Usage: scripts/bench.sh [smoke|quick|full] [section...]   (default quick; sections: micro memory hotpath feed
#        persistence replication kafka rabbitmq burst; knobs runs only when named). smoke: seconds, for CI (no
#        thresholds); quick: < 10 min; full: < 45 min.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
ensure_build_tools
cd "$LIKE_ROOT"
mode=${1:-quick}
case $mode in smoke|quick|full) ;; *) die "usage: scripts/bench.sh [smoke|quick|full] [section...]" ;; esac
use_services redis mariadb kafka rabbitmq mariadb-primary mariadb-replica >&2
eval "$(bash scripts/services.sh env)"
# the standalone Redis keeps its data (AOF) across runs: start each run on an empty one
redis-cli -u "$LIKE_TEST_REDIS_URI" FLUSHALL >/dev/null
redis-cli -u "$LIKE_TEST_REDIS_URI" BGREWRITEAOF >/dev/null   # and a small append-only file, quick to reload
export LIKE_KAFKA_LIB="$LIKE_ROOT/.build/kafka-lib"
cp=$(runtime_classpath like-bench)
java -Xmx3g ${LIKE_BENCH_JAVA_OPTS:-} -cp "$cp" -Dlike.root="$LIKE_ROOT" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  dev.likes.bench.BenchSuite "$@"
