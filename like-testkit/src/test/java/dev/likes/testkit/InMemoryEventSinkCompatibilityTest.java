package dev.likes.testkit;

import dev.likes.core.ContentRef;
import dev.likes.core.LikeEventSink;

/** The sink contract on the in-memory sink, which passes it first. */
class InMemoryEventSinkCompatibilityTest extends LikeEventSinkCompatibilityKit {

    @Override
    protected LikeEventSink createSink() {
        return new InMemoryEventSink();
    }

    @Override
    protected boolean liked(LikeEventSink sink, long userId, ContentRef content) {
        return ((InMemoryEventSink) sink).liked(userId, content);
    }

    @Override
    protected long count(LikeEventSink sink, ContentRef content) {
        return ((InMemoryEventSink) sink).count(content);
    }
}
