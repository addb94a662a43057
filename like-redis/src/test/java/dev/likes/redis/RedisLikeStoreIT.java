package dev.likes.redis;

import dev.likes.core.LikeStore;
import dev.likes.testkit.LikeStoreCompatibilityKit;
import dev.likes.testservers.TestServices;

/** The contract, unchanged, on a real single redis-server (Redis as the source of truth). */
class RedisLikeStoreIT extends LikeStoreCompatibilityKit {

    @Override
    protected LikeStore createStore() {
        return RedisLikeStore.builder(SharedClients.redis()).keyPrefix(TestServices.uniqueName("kit")).build();
    }
}
