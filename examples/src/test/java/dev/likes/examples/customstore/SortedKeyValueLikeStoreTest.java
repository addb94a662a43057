package dev.likes.examples.customstore;

import dev.likes.core.LikeStore;
import dev.likes.testkit.LikeStoreCompatibilityKit;
import java.time.Duration;

/** A store written from outside the library passes the same contract as ours. */
class SortedKeyValueLikeStoreTest extends LikeStoreCompatibilityKit {

    @Override
    protected LikeStore createStore() {
        return new SortedKeyValueLikeStore(Duration.ofHours(1));
    }
}
