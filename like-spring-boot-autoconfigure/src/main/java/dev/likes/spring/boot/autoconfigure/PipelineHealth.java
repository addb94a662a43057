package dev.likes.spring.boot.autoconfigure;

import dev.likes.core.LikeEventConsumer;
import dev.likes.pipeline.LikePipeline;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A snapshot of a pipeline's health, whatever Spring Boot line reports it: down when the consumer this process
 * should run has stopped; up otherwise, with the circuit breaker's state, the degraded backlog, the outbox backlog
 * and the consumer's lag as details (an open breaker is up: the service answers in degraded mode).
 */
record PipelineHealth(boolean up, Map<String, Object> details) {

    static PipelineHealth of(LikePipeline pipeline) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("circuitBreaker", pipeline.circuitState());
        details.put("degradedBacklog", pipeline.degradedBacklog());
        try {
            details.put("outboxBacklog", pipeline.redisStore().policy().outboxBacklog()
                    .toCompletableFuture().get(1, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            details.put("outboxBacklog", "unknown: interrupted");
        } catch (Exception e) {
            details.put("outboxBacklog", "unknown: Redis did not answer within 1 s");
        }
        boolean up = true;
        Optional<LikeEventConsumer> consumer = pipeline.eventConsumer();
        if (consumer.isPresent()) {
            LikeEventConsumer.Health health = consumer.get().health();
            up = health.running();
            details.put("consumerRunning", health.running());
            details.put("consumerHealthy", health.healthy());
            details.put("consumerLag", consumer.get().lag());
            details.put("consumerFailuresInARow", health.failuresInARow());
            details.put("consumerReplacements", pipeline.consumerReplacements());
            if (health.lastFailure() != null) {
                details.put("consumerLastFailure", health.lastFailure());
            }
        }
        return new PipelineHealth(up, details);
    }
}
