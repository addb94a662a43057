package dev.likes.testkit;

import dev.likes.core.InMemoryLikeStore;
import dev.likes.core.LikeStore;

/** The in-memory store passes the contract first. */
class InMemoryLikeStoreCompatibilityTest extends LikeStoreCompatibilityKit {

    @Override
    protected LikeStore createStore() {
        return InMemoryLikeStore.create();
    }
}
