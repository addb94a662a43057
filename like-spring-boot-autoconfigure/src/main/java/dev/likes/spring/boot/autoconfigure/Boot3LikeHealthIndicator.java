package dev.likes.spring.boot.autoconfigure;

import dev.likes.pipeline.LikePipeline;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/** The pipeline's health on Spring Boot 3.5's actuator (see {@link PipelineHealth}). */
final class Boot3LikeHealthIndicator implements HealthIndicator {

    private final LikePipeline pipeline;

    Boot3LikeHealthIndicator(LikePipeline pipeline) {
        this.pipeline = pipeline;
    }

    @Override
    public Health health() {
        PipelineHealth snapshot = PipelineHealth.of(pipeline);
        return (snapshot.up() ? Health.up() : Health.down()).withDetails(snapshot.details()).build();
    }
}
