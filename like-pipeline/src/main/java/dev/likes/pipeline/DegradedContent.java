package dev.likes.pipeline;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/** A content's changes accepted while Redis was down, oldest first, and the replay running now. */
final class DegradedContent {
    final Deque<DegradedChange> pending = new ArrayDeque<>();
    @Nullable CompletableFuture<Boolean> repairing;
    boolean retired;
}
