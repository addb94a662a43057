package dev.likes.redis;

import dev.likes.core.EventPublisher;
import dev.likes.core.InMemoryLikeStore;
import dev.likes.core.LikeEvent;
import dev.likes.core.LikeMutation;
import dev.likes.core.LikeStore;
import dev.likes.testkit.LikeStoreCompatibilityKit;
import dev.likes.testservers.TestServices;
import java.util.concurrent.CompletionStage;

/**
 * The contract in cache mode, as the pipeline runs the store: Redis in front of a durable store, with the outbox. The
 * outbox's publisher applies each event to the durable store at once (where the pipeline has Kafka and a consumer), so
 * the durable store's listings follow, and a content's state is loaded from it on a miss.
 */
class RedisCacheModeLikeStoreIT extends LikeStoreCompatibilityKit {

    @Override
    protected LikeStore createStore() {
        InMemoryLikeStore durable = InMemoryLikeStore.create();
        EventPublisher mirror = new EventPublisher() {
            @Override
            public CompletionStage<Void> publish(LikeEvent e) {
                return durable.apply(new LikeMutation(e.eventId(), e.userId(), e.content(), e.action(), e.requestId(),
                        e.occurredAt())).thenApply(r -> null);
            }
        };
        return RedisLikeStore.builder(SharedClients.redis())
                .keyPrefix(TestServices.uniqueName("kitc"))
                .backingStore(durable)
                .outbox(mirror)
                .build();
    }
}
