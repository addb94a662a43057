package dev.likes.jdbc;

import dev.likes.core.ContentRef;
import dev.likes.core.LikeAction;
import dev.likes.core.LikeEvent;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/**
 * Applies a batch of events in one transaction with a handful of multi-row statements, idempotently and
 * order-safely: the rows concerned are read and locked, an event wins only if newer than its row, the winners are
 * written with one multi-row upsert (which itself never lets an older version overwrite a newer one), and the counts
 * move by one aggregated delta per content, so a hot post's count row is written once per batch, not per event. The
 * request IDs the events carry are recorded in {@code like_requests}.
 *
 * <p>An {@link LikeAction#ERASE} event deletes its pair's rows (hot table, archive, request IDs) whatever its version,
 * takes the user out of the count if the row was liked, and records the erasure in {@code like_erasures}; the events
 * of a user recorded there that happened at or before the erasure are ignored, in this batch and later ones.
 */
final class EventApplier {

    /** Rows per multi-row statement. */
    static final int CHUNK = 500;

    private EventApplier() {}

    static void apply(Handle handle, List<LikeEvent> events, long requestIdTtlMillis) {
        Map<Key, LikeEvent> newest = new LinkedHashMap<>();
        Map<Key, LikeEvent> erases = new LinkedHashMap<>();
        Set<Long> users = new HashSet<>();
        for (LikeEvent e : events) {
            users.add(e.userId());
            Key key = new Key(e.userId(), e.content());
            if (e.action() == LikeAction.ERASE) {
                erases.merge(key, e, (a, b) -> b.occurredAt().isAfter(a.occurredAt()) ? b : a);
            } else {
                newest.merge(key, e, (a, b) -> b.version() > a.version() ? b : a);
            }
        }
        Set<Key> keySet = new HashSet<>(newest.keySet());
        keySet.addAll(erases.keySet());
        List<Key> keys = new ArrayList<>(keySet);
        Collections.sort(keys); // lock rows in one order, so concurrent batches cannot deadlock on each other
        Map<Key, Row> rows = new HashMap<>();
        for (int from = 0; from < keys.size(); from += CHUNK) {
            readRows(handle, "like_records", keys.subList(from, Math.min(keys.size(), from + CHUNK)), rows);
        }
        // after the row locks: the batch's own erasures are recorded, an erasure committed from here on is seen, and
        // one not yet committed waits for us
        Map<Long, Instant> erasing = new HashMap<>();
        erases.values().forEach(e -> erasing.merge(e.userId(), e.occurredAt(), (a, b) -> a.isAfter(b) ? a : b));
        erasing.forEach((user, at) -> recordErasure(handle, user, at));
        Map<Long, Instant> erasedAt = readErasures(handle, new ArrayList<>(users));
        // keys not in the hot table may be old likes the archiver moved: their state and version count too. Only
        // contents with archived likes can have such keys, and a new post (a burst's) has none: ask per content first.
        List<Key> notInHotTable = new ArrayList<>();
        keys.forEach(k -> {
            if (!rows.containsKey(k)) {
                notInHotTable.add(k);
            }
        });
        Set<ContentRef> archivedContents = new HashSet<>();
        List<ContentRef> asked = notInHotTable.stream().map(Key::content).distinct().toList();
        for (int from = 0; from < asked.size(); from += CHUNK) {
            readArchivedContents(handle, asked.subList(from, Math.min(asked.size(), from + CHUNK)), archivedContents);
        }
        List<Key> absent = new ArrayList<>();
        notInHotTable.forEach(k -> {
            if (archivedContents.contains(k.content())) {
                absent.add(k);
            }
        });
        Map<Key, Row> archived = new HashMap<>();
        for (int from = 0; from < absent.size(); from += CHUNK) {
            readRows(handle, "like_records_archive", absent.subList(from, Math.min(absent.size(), from + CHUNK)), archived);
        }
        rows.putAll(archived);
        Map<ContentRef, long[]> deltas = new LinkedHashMap<>(); // content -> {count delta, max version}
        List<Key> erasedKeys = new ArrayList<>();
        for (Map.Entry<Key, LikeEvent> entry : erases.entrySet()) {
            Key key = entry.getKey();
            Row row = rows.remove(key);
            if (row != null && !row.canceled) {
                deltas.computeIfAbsent(key.content, c -> new long[2])[0] -= 1;
            }
            erasedKeys.add(key);
        }
        List<LikeEvent> winners = new ArrayList<>();
        for (Map.Entry<Key, LikeEvent> entry : newest.entrySet()) {
            Key key = entry.getKey();
            LikeEvent e = entry.getValue();
            Instant erased = erasedAt.get(key.userId);
            if (erased != null && !e.occurredAt().isAfter(erased)) {
                continue; // a change of an erased user, from before the erasure
            }
            Row row = rows.get(key);
            if (row != null && row.version >= e.version()) {
                continue; // a redelivery, or older than what is applied
            }
            winners.add(e);
            boolean nowLiked = e.action() == LikeAction.LIKE;
            boolean wasLiked = row != null && !row.canceled;
            long[] delta = deltas.computeIfAbsent(e.content(), c -> new long[2]);
            delta[0] += nowLiked == wasLiked ? 0 : nowLiked ? 1 : -1;
            delta[1] = Math.max(delta[1], e.version());
        }
        for (int from = 0; from < erasedKeys.size(); from += CHUNK) {
            List<Key> chunk = erasedKeys.subList(from, Math.min(erasedKeys.size(), from + CHUNK));
            deletePairs(handle, "like_records", chunk);
            deletePairs(handle, "like_records_archive", chunk);
            deletePairs(handle, "like_requests", chunk);
        }
        for (int from = 0; from < winners.size(); from += CHUNK) {
            writeRows(handle, winners.subList(from, Math.min(winners.size(), from + CHUNK)));
        }
        List<Key> revived = new ArrayList<>();
        for (LikeEvent e : winners) {
            Key key = new Key(e.userId(), e.content());
            if (archived.containsKey(key) && rows.containsKey(key)) {
                revived.add(key);
            }
        }
        for (int from = 0; from < revived.size(); from += CHUNK) {
            deletePairs(handle, "like_records_archive", revived.subList(from, Math.min(revived.size(), from + CHUNK)));
        }
        List<Map.Entry<ContentRef, long[]>> counts = new ArrayList<>(deltas.entrySet());
        for (int from = 0; from < counts.size(); from += CHUNK) {
            writeCounts(handle, counts.subList(from, Math.min(counts.size(), from + CHUNK)));
        }
        List<LikeEvent> requested = new ArrayList<>();
        for (LikeEvent e : events) {
            Instant erased = erasedAt.get(e.userId());
            if (e.requestId() != null && e.action() != LikeAction.ERASE
                    && (erased == null || e.occurredAt().isAfter(erased))) {
                requested.add(e);
            }
        }
        for (int from = 0; from < requested.size(); from += CHUNK) {
            writeRequests(handle, requested.subList(from, Math.min(requested.size(), from + CHUNK)), requestIdTtlMillis);
        }
    }

    /** Records that the user was erased at {@code at} (or keeps a later time already recorded). */
    private static void recordErasure(Handle handle, long userId, Instant at) {
        handle.createUpdate("INSERT INTO like_erasures (user_id, erased_at, completed_at) VALUES (?, ?, ?)"
                        + " ON DUPLICATE KEY UPDATE erased_at = GREATEST(erased_at, VALUES(erased_at))")
                .bind(0, userId)
                .bind(1, Times.toSql(at))
                .bind(2, Times.toSql(at))
                .execute();
    }

    /**
     * The erasure times of those of {@code users} that were erased ({@code like_erasures}), read with shared locks: an
     * erasure that commits after this read waits for the batch, and its purge then sees what the batch wrote.
     */
    private static Map<Long, Instant> readErasures(Handle handle, List<Long> users) {
        Map<Long, Instant> erased = new HashMap<>();
        for (int from = 0; from < users.size(); from += CHUNK) {
            List<Long> chunk = users.subList(from, Math.min(users.size(), from + CHUNK));
            handle.createQuery("SELECT user_id, erased_at FROM like_erasures WHERE user_id IN (<users>)"
                            + " LOCK IN SHARE MODE")
                    .bindList("users", chunk)
                    .map((rs, ctx) -> erased.put(rs.getLong(1), Times.fromSql(rs.getObject(2, LocalDateTime.class))))
                    .list();
        }
        return erased;
    }

    /**
     * Records the request IDs the events carry, so that a pipeline whose Redis is down can still recognise a retry
     * of a request Redis applied before (see {@link JdbiLikeStore#requestSeen}).
     */
    private static void writeRequests(Handle handle, List<LikeEvent> events, long ttlMillis) {
        StringBuilder sql = new StringBuilder(
                "INSERT INTO like_requests (content_id, content_type, user_id, request_id, expires_at) VALUES ");
        placeholders(sql, events.size(), "(?, ?, ?, ?, ?)");
        sql.append(" ON DUPLICATE KEY UPDATE expires_at = GREATEST(expires_at, VALUES(expires_at))");
        var update = handle.createUpdate(sql.toString());
        int i = 0;
        for (LikeEvent e : events) {
            Instant expires = e.occurredAt().plusMillis(ttlMillis);
            update.bind(i++, e.content().id())
                    .bind(i++, e.content().type())
                    .bind(i++, e.userId())
                    .bind(i++, e.requestId())
                    .bind(i++, Times.toSql(expires.isAfter(Times.LATEST) ? Times.LATEST : expires));
        }
        update.execute();
    }

    /**
     * Adds to {@code into} those of {@code contents} with at least one archived like. A plain (consistent) read, and
     * the transaction's first: its snapshot is taken after the locking read of the hot table, so it sees every move
     * the archiver committed of a key that read did not find (a move of one of our keys still in the hot table waits
     * for our locks).
     */
    private static void readArchivedContents(Handle handle, List<ContentRef> contents, Set<ContentRef> into) {
        StringBuilder sql = new StringBuilder("SELECT DISTINCT content_id, content_type FROM like_records_archive"
                + " FORCE INDEX (idx_content) WHERE (content_id, content_type) IN (");
        placeholders(sql, contents.size(), "(?, ?)");
        var query = handle.createQuery(sql.append(')').toString());
        int i = 0;
        for (ContentRef content : contents) {
            query.bind(i++, content.id()).bind(i++, content.type());
        }
        query.map((rs, ctx) -> into.add(ContentRef.of(rs.getString(2), rs.getLong(1)))).list();
    }

    /** Reads and locks the rows of {@code keys} in {@code table}, one of our two constant table names. */
    private static void readRows(Handle handle, String table, List<Key> keys, Map<Key, Row> into) {
        // with hundreds of keys the optimizer estimates from statistics and may pick a content index, which for a
        // hot post means reading all its rows: the unique key is always the right one here
        StringBuilder sql = new StringBuilder("SELECT user_id, content_id, content_type, is_canceled, version FROM ")
                .append(table)
                .append(" FORCE INDEX (uk_user_content) WHERE (user_id, content_id, content_type) IN (");
        placeholders(sql, keys.size(), "(?, ?, ?)");
        sql.append(") FOR UPDATE");
        var query = handle.createQuery(sql.toString());
        int i = 0;
        for (Key key : keys) {
            query.bind(i++, key.userId).bind(i++, key.content.id()).bind(i++, key.content.type());
        }
        query.map((rs, ctx) -> {
                    Key key = new Key(rs.getLong(1), ContentRef.of(rs.getString(3), rs.getLong(2)));
                    into.put(key, new Row(rs.getBoolean(4), rs.getLong(5)));
                    return key;
                })
                .list();
    }

    private static void writeRows(Handle handle, List<LikeEvent> winners) {
        StringBuilder sql = new StringBuilder("INSERT INTO like_records"
                + " (user_id, content_id, content_type, created_at, updated_at, is_canceled, version) VALUES ");
        placeholders(sql, winners.size(), "(?, ?, ?, ?, ?, ?, ?)");
        // assignments run left to right and see earlier ones: version is compared first and written last
        sql.append(" ON DUPLICATE KEY UPDATE"
                + " updated_at = IF(VALUES(version) > version, VALUES(updated_at), updated_at),"
                + " is_canceled = IF(VALUES(version) > version, VALUES(is_canceled), is_canceled),"
                + " version = GREATEST(version, VALUES(version))");
        var update = handle.createUpdate(sql.toString());
        int i = 0;
        for (LikeEvent e : winners) {
            update.bind(i++, e.userId())
                    .bind(i++, e.content().id())
                    .bind(i++, e.content().type())
                    .bind(i++, Times.toSql(e.occurredAt()))
                    .bind(i++, Times.toSql(e.occurredAt()))
                    .bind(i++, e.action() == LikeAction.LIKE ? 0 : 1)
                    .bind(i++, e.version());
        }
        update.execute();
    }

    static void writeCounts(Handle handle, List<Map.Entry<ContentRef, long[]>> counts) {
        StringBuilder sql = new StringBuilder(
                "INSERT INTO like_counts (content_id, content_type, like_count, version) VALUES ");
        placeholders(sql, counts.size(), "(?, ?, ?, ?)");
        sql.append(" ON DUPLICATE KEY UPDATE like_count = like_count + VALUES(like_count),"
                + " version = GREATEST(version, VALUES(version))");
        var update = handle.createUpdate(sql.toString());
        int i = 0;
        for (Map.Entry<ContentRef, long[]> c : counts) {
            update.bind(i++, c.getKey().id()).bind(i++, c.getKey().type()).bind(i++, c.getValue()[0]).bind(i++, c.getValue()[1]);
        }
        update.execute();
    }

    /** Deletes the rows of {@code keys} from {@code table}, one of our constant table names. */
    private static void deletePairs(Handle handle, String table, List<Key> keys) {
        StringBuilder sql = new StringBuilder("DELETE FROM ").append(table)
                .append(" WHERE (user_id, content_id, content_type) IN (");
        placeholders(sql, keys.size(), "(?, ?, ?)");
        var update = handle.createUpdate(sql.append(')').toString());
        int i = 0;
        for (Key key : keys) {
            update.bind(i++, key.userId).bind(i++, key.content.id()).bind(i++, key.content.type());
        }
        update.execute();
    }

    /** Appends {@code n} copies of {@code group}, comma-separated: SQL text from counts only, never from data. */
    static void placeholders(StringBuilder sql, int n, String group) {
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                sql.append(", ");
            }
            sql.append(group);
        }
    }

    record Key(long userId, ContentRef content) implements Comparable<Key> {
        @Override
        public int compareTo(Key other) {
            int c = Long.compare(userId, other.userId);
            if (c == 0) {
                c = Long.compare(content.id(), other.content.id());
            }
            return c != 0 ? c : content.type().compareTo(other.content.type());
        }
    }

    private record Row(boolean canceled, long version) {}
}
