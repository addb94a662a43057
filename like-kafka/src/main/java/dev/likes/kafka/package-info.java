/**
 * Like events on Kafka (module {@code like-kafka}): {@link dev.likes.kafka.KafkaEventPublisher} sends every change,
 * {@link dev.likes.kafka.KafkaLikeConsumer} applies them in batches to a {@link dev.likes.core.LikeEventSink}, and
 * {@link dev.likes.events.LikeEventCodec} (module {@code like-events}) is the wire format.
 */
@NullMarked
package dev.likes.kafka;

import org.jspecify.annotations.NullMarked;
