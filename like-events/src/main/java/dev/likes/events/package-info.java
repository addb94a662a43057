/**
 * The wire format of like events (module {@code like-events}): {@link dev.likes.events.LikeEventCodec} writes and
 * reads the versioned JSON that every queue module ({@code like-kafka}, {@code like-rabbitmq}) carries, so that a
 * reader in any language sees the same record whichever queue it came through. The rest is what the queue modules'
 * consumers and publishers share: {@link dev.likes.events.AbstractLikeEventConsumer} (one thread, counters, backoff),
 * {@link dev.likes.events.ConsumerMeters}, and {@link dev.likes.events.PendingSends} (a publisher's hand-off to its
 * broker thread).
 */
@NullMarked
package dev.likes.events;

import org.jspecify.annotations.NullMarked;
