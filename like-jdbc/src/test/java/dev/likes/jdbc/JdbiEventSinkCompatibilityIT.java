package dev.likes.jdbc;

import dev.likes.core.ContentRef;
import dev.likes.core.LikeEventSink;
import dev.likes.testkit.LikeEventSinkCompatibilityKit;

/** The sink contract, unchanged, on a real MariaDB: the JDBC store as what the consumers write into. */
class JdbiEventSinkCompatibilityIT extends LikeEventSinkCompatibilityKit {

    @Override
    protected LikeEventSink createSink() {
        return JdbiLikeStore.builder(Databases.shared()).build();
    }

    @Override
    protected boolean liked(LikeEventSink sink, long userId, ContentRef content) {
        return ((JdbiLikeStore) sink).hasLiked(userId, content).toCompletableFuture().join();
    }

    @Override
    protected long count(LikeEventSink sink, ContentRef content) {
        return ((JdbiLikeStore) sink).count(content).toCompletableFuture().join();
    }
}
