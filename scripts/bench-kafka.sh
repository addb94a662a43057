#!/usr/bin/env bash
# Kafka benchmark: our publisher and consumer against Kafka's own ProducerPerformance, same broker, same run.
# Usage: scripts/bench-kafka.sh [EVENTS]   (default 500000)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
ensure_build_tools
cd "$LIKE_ROOT"
events=${1:-500000}
bash scripts/services.sh start kafka >&2
eval "$(bash scripts/services.sh env)"
cp=$(runtime_classpath like-bench)
ours=$(java -cp "$cp" dev.likes.bench.KafkaThroughputBench "$LIKE_TEST_KAFKA_BOOTSTRAP" "$events" 2>/dev/null)
size=$(echo "$ours" | sed -n 's/^record_bytes: //p')
topic="perf-$(date +%s)"
raw=$(java -cp "$LIKE_ROOT/.build/services/kafka/lib/*" -Dlog4j2.configurationFile="$LIKE_ROOT/scripts/kafka-broker/log4j2.properties" \
  org.apache.kafka.tools.ProducerPerformance --topic "$topic" --num-records "$events" --record-size "$size" \
  --throughput -1 --producer-props bootstrap.servers="$LIKE_TEST_KAFKA_BOOTSTRAP" acks=all enable.idempotence=true \
  linger.ms=5 batch.size=65536 compression.type=lz4 2>/dev/null | tail -1)
rawrate=$(echo "$raw" | sed -E 's/.* ([0-9.]+) records\/sec.*/\1/')
pub=$(echo "$ours" | sed -n 's/^publish_events_per_s: //p')
con=$(echo "$ours" | sed -n 's/^consume_events_per_s: //p')
echo "events: $events of $size bytes (our JSON), acks=all, idempotent, lz4, linger 5 ms, 64 KiB batches"
echo "Kafka ProducerPerformance: $rawrate records/s   ($raw)"
echo "KafkaEventPublisher:       $pub events/s   = $(awk -v a="$pub" -v b="$rawrate" 'BEGIN{printf "%.2f", a/b}')x ProducerPerformance"
echo "KafkaLikeConsumer:         $con events/s   = $(awk -v a="$con" -v b="$rawrate" 'BEGIN{printf "%.2f", a/b}')x ProducerPerformance (consume vs produce)"
