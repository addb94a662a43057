package dev.likes.pipeline;

import dev.likes.core.LikeMutation;
import dev.likes.jdbc.DegradedJournal;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * A change waiting for its replay, with its journal entry (null if the journal could not be written), and whether
 * it was accepted: a change is replayed only once its acceptance has completed (it was journaled and published).
 */
final class DegradedChange {
    private final LikeMutation mutation;
    private volatile DegradedJournal.@Nullable Entry entry;
    final CompletableFuture<Boolean> accepted = new CompletableFuture<>();

    /*
     * The change a replay sends to Redis. Redis publishes it as an event of its own (a new version), so it gets an
     * event ID of its own, derived from the degraded event's: a consumer that deduplicates by event ID must not drop it
     * as a redelivery of the degraded event. It keeps the client's request ID, or gets one of its own when the client
     * sent none: a replay that timed out may still run in Redis later, before or after the replay that succeeds, and
     * the request ID makes Redis apply the change at most once whichever runs first.
     */
    static LikeMutation replayOf(LikeMutation degraded) {
        String eventId = UUID.nameUUIDFromBytes(
                ("replay:" + degraded.eventId()).getBytes(StandardCharsets.UTF_8)).toString();
        String requestId = degraded.requestId() != null ? degraded.requestId() : "replay-" + eventId;
        return new LikeMutation(eventId, degraded.userId(), degraded.content(), degraded.action(), requestId,
                degraded.at());
    }

    DegradedChange(LikeMutation mutation) {
        this.mutation = mutation;
    }

    /** A change accepted already: one taken over from the journal. */
    static DegradedChange accepted(LikeMutation mutation, DegradedJournal.Entry entry) {
        DegradedChange p = new DegradedChange(mutation);
        p.entry = entry;
        p.accepted.complete(true);
        return p;
    }

    DegradedJournal.@Nullable Entry entry() {
        return entry;
    }

    void journaled(DegradedJournal.@Nullable Entry entry) {
        this.entry = entry;
    }

    LikeMutation mutation() {
        return mutation;
    }
}
