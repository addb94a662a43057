package dev.likes.spring.boot.autoconfigure;

import dev.likes.pipeline.LikePipeline;
import org.springframework.core.Ordered;

/**
 * Adjusts the auto-configured pipeline's builder before it is built, for what the {@code like.*} properties do not
 * cover (a circuit breaker configuration, the Redis store's TTLs, a clock). Beans of this type are applied in their
 * {@link Ordered order}, after the properties.
 */
@FunctionalInterface
public interface LikePipelineCustomizer {

    /**
     * Adjusts the builder.
     *
     * @param builder the pipeline's builder, with the properties applied
     */
    void customize(LikePipeline.Builder builder);
}
