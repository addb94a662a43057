package dev.likes.jdbc;

import dev.likes.core.ContentRef;
import dev.likes.core.LikeAction;
import dev.likes.core.LikeMutation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The durable record of likes and unlikes accepted while the hot tier (Redis) was down, until they are replayed into
 * it: table {@code like_degraded} (migration {@code V5__like_degraded.sql}) on the shard of each change's content.
 *
 * <p>Each row is leased by one owner (a process), which {@linkplain #renew renews} its lease while it runs and
 * {@linkplain #remove removes} the rows it replayed. When an owner dies, its rows' leases expire and another owner
 * {@linkplain #claimExpired claims} them, so a restart of the process that accepted a change, graceful or not, does
 * not lose its replay. A graceful owner {@linkplain #release releases} its rows at once.
 *
 * <p>Thread-safe; every method runs on the store's executor and returns at once.
 */
public final class DegradedJournal {

    private final JdbiLikeStore store;

    private DegradedJournal(JdbiLikeStore store) {
        this.store = store;
    }

    /**
     * The journal on the store's shards.
     *
     * @param store the store whose databases hold {@code like_degraded}
     * @return the journal
     */
    public static DegradedJournal of(JdbiLikeStore store) {
        return new DegradedJournal(Objects.requireNonNull(store, "store must not be null"));
    }

    /**
     * A change in the journal: the shard-local row id and the change.
     *
     * @param id the row's id on its content's shard
     * @param mutation the change, as it is to be replayed
     */
    public record Entry(long id, LikeMutation mutation) {}

    /**
     * Records a change, leased by {@code owner} until {@code leaseUntil}.
     *
     * @param mutation the change
     * @param owner the owner, 1 to 64 printable ASCII characters
     * @param leaseUntil when the lease ends unless renewed
     * @return a stage with the entry written
     */
    public CompletionStage<Entry> append(LikeMutation mutation, String owner, Instant leaseUntil) {
        Objects.requireNonNull(mutation, "mutation must not be null");
        checkOwner(owner);
        Objects.requireNonNull(leaseUntil, "leaseUntil must not be null");
        ContentRef content = mutation.content();
        return store.work().onShard(store.work().shardOf(content).primary(), "journal a degraded change", h -> h.createUpdate(
                        "INSERT INTO like_degraded (content_id, content_type, user_id, is_like, request_id, event_id,"
                                + " occurred_at, owner, lease_until) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .bind(0, content.id())
                .bind(1, content.type())
                .bind(2, mutation.userId())
                .bind(3, mutation.action() == LikeAction.LIKE ? 1 : 0)
                .bind(4, mutation.requestId())
                .bind(5, mutation.eventId())
                .bind(6, Times.toSql(mutation.at()))
                .bind(7, owner)
                .bind(8, Times.toSql(leaseUntil))
                .execute() == 1
                        ? h.createQuery("SELECT LAST_INSERT_ID()").mapTo(Long.class).one()
                        : -1L)
                .thenApply(id -> new Entry(id, mutation));
    }

    /**
     * Deletes entries (replayed ones), in one statement per shard.
     *
     * @param entries the entries
     * @return a stage that completes when they are gone
     */
    public CompletionStage<Void> remove(Collection<Entry> entries) {
        Objects.requireNonNull(entries, "entries must not be null");
        Map<JdbiShard, List<Long>> byShard = new LinkedHashMap<>();
        for (Entry entry : entries) {
            byShard.computeIfAbsent(store.work().shardOf(entry.mutation().content()), s -> new ArrayList<>()).add(entry.id());
        }
        List<CompletableFuture<Integer>> parts = new ArrayList<>();
        byShard.forEach((shard, ids) -> parts.add(store.work().onShard(shard.primary(), "remove replayed changes",
                h -> h.createUpdate("DELETE FROM like_degraded WHERE id IN (<ids>)").bindList("ids", ids).execute())));
        return CompletableFuture.allOf(parts.toArray(new CompletableFuture<?>[0]));
    }

    /**
     * Counts the changes of one user in the journal, on every shard: changes accepted while Redis was down and not
     * replayed yet. An erasure waits until there is none.
     *
     * @param userId the user
     * @return a stage with the number
     */
    public CompletionStage<Long> countOf(long userId) {
        List<CompletableFuture<Long>> parts = new ArrayList<>();
        for (JdbiShard shard : store.work().shards()) {
            parts.add(store.work().onShard(shard.primary(), "count a user's journal entries", h -> h.createQuery(
                            "SELECT COUNT(*) FROM like_degraded WHERE user_id = ?")
                    .bind(0, userId)
                    .mapTo(Long.class)
                    .one()));
        }
        return CompletableFuture.allOf(parts.toArray(new CompletableFuture<?>[0]))
                .thenApply(done -> parts.stream().mapToLong(CompletableFuture::join).sum());
    }

    /**
     * Extends the lease of every entry {@code owner} holds.
     *
     * @param owner the owner
     * @param leaseUntil the new end of its leases
     * @return a stage that completes when renewed on every shard
     */
    public CompletionStage<Void> renew(String owner, Instant leaseUntil) {
        return setLease(owner, leaseUntil, "renew journal leases");
    }

    /**
     * Ends the lease of every entry {@code owner} holds, so that another owner claims them at once (a graceful
     * shutdown).
     *
     * @param owner the owner
     * @param now the time the leases end
     * @return a stage that completes when released on every shard
     */
    public CompletionStage<Void> release(String owner, Instant now) {
        return setLease(owner, now.minusMillis(1), "release journal leases");
    }

    private CompletionStage<Void> setLease(String owner, Instant until, String what) {
        checkOwner(owner);
        Objects.requireNonNull(until, "leaseUntil must not be null");
        List<CompletableFuture<Integer>> parts = new ArrayList<>();
        for (JdbiShard shard : store.work().shards()) {
            parts.add(store.work().onShard(shard.primary(), what, h -> h.createUpdate(
                            "UPDATE like_degraded SET lease_until = ? WHERE owner = ?")
                    .bind(0, Times.toSql(until))
                    .bind(1, owner)
                    .execute()));
        }
        return CompletableFuture.allOf(parts.toArray(new CompletableFuture<?>[0]));
    }

    /**
     * Takes over up to {@code limit} entries per shard whose lease ended before {@code now} (their owner died or let
     * them go), oldest first, and returns them in the order they were written on each shard.
     *
     * @param owner the new owner
     * @param now the time leases are compared with
     * @param leaseUntil the end of the new owner's lease
     * @param limit 1 to 100,000 entries per shard
     * @return a stage with the entries claimed
     */
    public CompletionStage<List<Entry>> claimExpired(String owner, Instant now, Instant leaseUntil, int limit) {
        checkOwner(owner);
        Objects.requireNonNull(now, "now must not be null");
        Objects.requireNonNull(leaseUntil, "leaseUntil must not be null");
        if (limit < 1 || limit > 100_000) {
            throw new IllegalArgumentException("limit must be between 1 and 100000, but was " + limit);
        }
        List<CompletableFuture<List<Entry>>> parts = new ArrayList<>();
        for (JdbiShard shard : store.work().shards()) {
            parts.add(store.work().onShard(shard.primary(), "claim journal entries", h -> h.inTransaction(
                    tx -> JournalClaims.claim(tx, owner, now, leaseUntil, limit))));
        }
        return CompletableFuture.allOf(parts.toArray(new CompletableFuture<?>[0])).thenApply(done -> {
            List<Entry> all = new ArrayList<>();
            parts.forEach(p -> all.addAll(p.join()));
            return all;
        });
    }

    private static void checkOwner(String owner) {
        Objects.requireNonNull(owner, "owner must not be null");
        if (!owner.matches("[!-~]{1,64}")) {
            throw new IllegalArgumentException("owner must be 1 to 64 printable ASCII characters, but was '" + owner
                    + "'");
        }
    }
}
