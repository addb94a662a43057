package dev.likes.spring.boot.autoconfigure;

import dev.likes.pipeline.LikePipeline;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/** The pipeline's health on Spring Boot 4.0's health module (see {@link PipelineHealth}). */
final class Boot4LikeHealthIndicator implements HealthIndicator {

    private final LikePipeline pipeline;

    Boot4LikeHealthIndicator(LikePipeline pipeline) {
        this.pipeline = pipeline;
    }

    @Override
    public Health health() {
        PipelineHealth snapshot = PipelineHealth.of(pipeline);
        return (snapshot.up() ? Health.up() : Health.down()).withDetails(snapshot.details()).build();
    }
}
