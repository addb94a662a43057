package dev.likes.admin;

import dev.likes.pipeline.LikePipeline;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;

/** {@code like-admin status}: what an operator looks at first. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Outbox backlog per shard, consumer lag per partition, dead letters, degraded changes"
                + " waiting in the journal, and this process' view of the breakers.")
final class StatusCommand extends AdminCommand {

    private static final long WAIT_SECONDS = 60;

    @Override
    int execute(AdminContext context, Map<String, Object> result) throws Exception {
        LikePipeline pipeline = context.pipeline();
        Map<Integer, Long> backlog = pipeline.redisStore().policy().outboxBacklogByShard().toCompletableFuture()
                .get(WAIT_SECONDS, TimeUnit.SECONDS);
        result.put("outboxBacklog", backlog.values().stream().mapToLong(Long::longValue).sum());
        result.put("outboxBacklogByShard", backlog);
        try (Admin admin = Admin.create(context.kafkaClientConfig())) {
            Map<TopicPartition, Long> ends = offsets(admin, context.topic(), OffsetSpec.latest());
            Map<TopicPartition, Long> starts = offsets(admin, context.topic(), OffsetSpec.earliest());
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(
                    context.consumerGroup()).partitionsToOffsetAndMetadata().get(WAIT_SECONDS, TimeUnit.SECONDS);
            Map<Integer, Long> lag = new TreeMap<>();
            ends.forEach((partition, end) -> {
                OffsetAndMetadata at = committed.get(partition);
                long from = at == null ? starts.getOrDefault(partition, 0L) : at.offset();
                lag.put(partition.partition(), Math.max(0, end - from));
            });
            result.put("consumerGroup", context.consumerGroup());
            result.put("consumerLag", lag.values().stream().mapToLong(Long::longValue).sum());
            result.put("consumerLagByPartition", lag);
            String dlq = context.topic() + ".dlq";
            Map<TopicPartition, Long> dlqEnds = offsets(admin, dlq, OffsetSpec.latest());
            Map<TopicPartition, Long> dlqStarts = offsets(admin, dlq, OffsetSpec.earliest());
            long deadLetters = 0;
            for (Map.Entry<TopicPartition, Long> end : dlqEnds.entrySet()) {
                deadLetters += end.getValue() - dlqStarts.getOrDefault(end.getKey(), 0L);
            }
            result.put("deadLetters", deadLetters);
        }
        long journal = context.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM like_degraded")
                .mapTo(Long.class).one());
        result.put("degradedChangesWaiting", journal);
        result.put("redisCircuit", pipeline.circuitState());
        result.put("mysqlCircuit", pipeline.mysqlCircuitState());
        return 0;
    }

    private static Map<TopicPartition, Long> offsets(Admin admin, String topic, OffsetSpec spec) throws Exception {
        Map<TopicPartition, OffsetSpec> asked = new TreeMap<>((a, b) -> Integer.compare(a.partition(), b.partition()));
        Objects.requireNonNull(admin.describeTopics(List.of(topic)).allTopicNames()
                        .get(WAIT_SECONDS, TimeUnit.SECONDS).get(topic), topic)
                .partitions().forEach(p -> asked.put(new TopicPartition(topic, p.partition()), spec));
        Map<TopicPartition, ListOffsetsResultInfo> answer = admin.listOffsets(asked).all()
                .get(WAIT_SECONDS, TimeUnit.SECONDS);
        Map<TopicPartition, Long> offsets = new TreeMap<>((a, b) -> Integer.compare(a.partition(), b.partition()));
        answer.forEach((partition, info) -> offsets.put(partition, info.offset()));
        return offsets;
    }
}
