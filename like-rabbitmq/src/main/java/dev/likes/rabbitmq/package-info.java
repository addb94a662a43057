/**
 * Like events on RabbitMQ (module {@code like-rabbitmq}), for platforms that run RabbitMQ rather than Kafka:
 * {@link dev.likes.rabbitmq.RabbitEventPublisher} sends every change with publisher confirms,
 * {@link dev.likes.rabbitmq.RabbitLikeConsumer} applies them in batches to a {@link dev.likes.core.LikeEventSink},
 * over the quorum queues and consistent-hash exchange of {@link dev.likes.rabbitmq.LikeQueues}. The messages carry
 * the same JSON as the Kafka module ({@link dev.likes.events.LikeEventCodec}).
 */
@NullMarked
package dev.likes.rabbitmq;

import org.jspecify.annotations.NullMarked;
