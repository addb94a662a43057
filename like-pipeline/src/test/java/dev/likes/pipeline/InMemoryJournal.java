package dev.likes.pipeline;

import dev.likes.core.ContentRef;
import dev.likes.core.LikeMutation;
import dev.likes.jdbc.DegradedJournal.Entry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A journal of degraded changes in memory, with the leases of MySQL's, and a hot tier that remembers nothing: the
 * doubles of the degraded mode's unit tests.
 */
final class InMemoryJournal implements Journal {

    private record Row(Entry entry, String owner, Instant leaseUntil) {}

    private final Map<Long, Row> rows = new TreeMap<>();
    private long nextId = 1;

    /**
     * A hot tier that remembers no count and no request ID, and fails its request-ID lookups with what {@code down}
     * gives while that is not null.
     */
    static HotTier forgetfulTier(Supplier<@Nullable RuntimeException> down) {
        return new HotTier() {
            @Override
            public OptionalLong localCount(ContentRef content) {
                return OptionalLong.empty();
            }

            @Override
            public CompletionStage<Boolean> requestSeen(long userId, ContentRef content, String requestId) {
                RuntimeException failure = down.get();
                return failure != null ? CompletableFuture.failedFuture(failure)
                        : CompletableFuture.completedFuture(false);
            }
        };
    }

    synchronized int size() {
        return rows.size();
    }

    @Override
    public synchronized CompletionStage<Entry> append(LikeMutation mutation, String owner, Instant leaseUntil) {
        Entry entry = new Entry(nextId++, mutation);
        rows.put(entry.id(), new Row(entry, owner, leaseUntil));
        return CompletableFuture.completedFuture(entry);
    }

    @Override
    public synchronized CompletionStage<Void> remove(Collection<Entry> entries) {
        entries.forEach(e -> rows.remove(e.id()));
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public synchronized CompletionStage<Void> renew(String owner, Instant leaseUntil) {
        rows.replaceAll((id, row) -> row.owner().equals(owner) ? new Row(row.entry(), owner, leaseUntil) : row);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> release(String owner, Instant now) {
        return renew(owner, now.minusMillis(1));
    }

    @Override
    public synchronized CompletionStage<List<Entry>> claimExpired(String owner, Instant now, Instant leaseUntil,
            int limit) {
        List<Entry> claimed = new ArrayList<>();
        for (Row row : new ArrayList<>(rows.values())) {
            if (claimed.size() < limit && row.leaseUntil().isBefore(now)) {
                rows.put(row.entry().id(), new Row(row.entry(), owner, leaseUntil));
                claimed.add(row.entry());
            }
        }
        return CompletableFuture.completedFuture(claimed);
    }
}
