package dev.likes.jdbc;

import dev.likes.core.LikeStore;
import dev.likes.testkit.LikeStoreCompatibilityKit;

/** The contract, unchanged, on a real MariaDB: the JDBC store as the whole of a MySQL-only like service. */
class JdbiLikeStoreIT extends LikeStoreCompatibilityKit {

    /** Likes of one content serialize on its count row: 16,000 of them prove the count as well as 80,000. */
    @Override
    protected int likesPerThreadOnOneContent() {
        return 1_000;
    }

    @Override
    protected LikeStore createStore() {
        Databases.truncate(Databases.shared());
        return JdbiLikeStore.builder(Databases.shared()).build();
    }
}
