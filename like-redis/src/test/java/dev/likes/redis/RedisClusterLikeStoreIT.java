package dev.likes.redis;

import dev.likes.core.LikeStore;
import dev.likes.testkit.LikeStoreCompatibilityKit;
import dev.likes.testservers.TestServices;

/** The contract, unchanged, on a real 3-master Redis Cluster. */
class RedisClusterLikeStoreIT extends LikeStoreCompatibilityKit {

    @Override
    protected LikeStore createStore() {
        return RedisLikeStore.builder(SharedClients.cluster()).keyPrefix(TestServices.uniqueName("kit")).build();
    }
}
