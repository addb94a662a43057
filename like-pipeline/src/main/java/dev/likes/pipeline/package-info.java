/**
 * The whole design wired together: {@link dev.likes.pipeline.LikePipeline} builds Redis with its outbox, the Kafka
 * publisher and consumer, the MySQL store, the rate limit, the bulkhead and the circuit breaker with its degraded mode,
 * and {@link dev.likes.pipeline.LikeReconciler} compares Redis with MySQL.
 *
 * <p>Nothing here returns or accepts {@code null} unless a parameter says so.
 */
@NullMarked
package dev.likes.pipeline;

import org.jspecify.annotations.NullMarked;
