package dev.likes.spring.boot.autoconfigure;

import dev.likes.pipeline.LikePipeline;
import dev.likes.redis.RedisLikeStore;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code like.*} settings that apply to the pipeline's parts, and Boot's per-client Kafka settings. Loaded only
 * with {@code like-pipeline} on the class path.
 */
final class PipelineSettings {

    private PipelineSettings() {}

    /* The like.redis.* and like.circuit-breaker.* settings. */
    static void stores(LikePipeline.Builder builder, LikeProperties properties) {
        LikeRedisProperties redis = properties.getRedis();
        RedisLikeStore.SettingsCheck check;
        try {
            check = RedisLikeStore.SettingsCheck.valueOf(redis.getSettingsCheck().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("like.redis.settings-check must be REFUSE, WARN or SKIP, but was "
                    + redis.getSettingsCheck(), e);
        }
        builder.configureRedis(store -> {
            store.keyPrefix(redis.getKeyPrefix())
                    .shards(redis.getShards())
                    .commandTimeout(redis.getCommandTimeout())
                    .hotTtl(redis.getHotTtl())
                    .coldTtl(redis.getColdTtl())
                    .emptyTtl(redis.getEmptyTtl())
                    .requestIdTtl(redis.getRequestIdTtl())
                    .localCountCache(redis.getLocalCacheTtl(), redis.getLocalCacheSize())
                    .settingsCheck(check);
            if (redis.getHashMaxListpackEntries() != 0) {
                store.hashMaxListpackEntries(redis.getHashMaxListpackEntries());
            }
        });
        LikeCircuitBreakerProperties breaker = properties.getCircuitBreaker();
        builder.circuitBreaker(CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(breaker.getSlidingWindowSize())
                .minimumNumberOfCalls(breaker.getMinimumNumberOfCalls())
                .failureRateThreshold(breaker.getFailureRateThreshold())
                .waitDurationInOpenState(breaker.getWaitDurationInOpenState())
                .permittedNumberOfCallsInHalfOpenState(breaker.getPermittedNumberOfCallsInHalfOpenState())
                .build());
    }

    /* like.consumer.* on the Kafka consumer. */
    static void kafkaConsumer(LikePipeline.Builder builder, LikeProperties properties) {
        LikeConsumerProperties consumer = properties.getConsumer();
        builder.configureConsumer(writer -> writer
                .maxBatch(consumer.getMaxBatch())
                .sinkTimeout(consumer.getSinkTimeout())
                .backoff(consumer.getBackoffInitial(), consumer.getBackoffMax())
                .deadLetterMaxBytes(consumer.getDeadLetterMaxBytes()));
    }

    /* Boot's per-client security settings, under like.kafka.properties, which win everywhere. */
    static void perClient(LikePipeline.Builder builder, BootKafkaSettings boot, Map<String, String> own) {
        Map<String, Object> producer = over(boot.producer(), own);
        Map<String, Object> consumer = over(boot.consumer(), own);
        over(boot.admin(), own).forEach(builder::kafkaAdminProperty);
        builder.configurePublisher(publisher -> producer.forEach(publisher::producerProperty));
        builder.configureConsumer(writer -> {
            consumer.forEach(writer::consumerProperty);
            producer.forEach(writer::deadLetterProducerProperty);
        });
    }

    private static Map<String, Object> over(Map<String, Object> boot, Map<String, String> own) {
        Map<String, Object> merged = new LinkedHashMap<>(boot);
        merged.putAll(own);
        return merged;
    }
}
