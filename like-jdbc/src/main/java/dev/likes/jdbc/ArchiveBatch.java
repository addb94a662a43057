package dev.likes.jdbc;

import dev.likes.core.ContentRef;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;
import org.jspecify.annotations.Nullable;

/** One batch of the {@link LikeArchiver}: cold records out of {@code like_records}, into the archive and the sink. */
final class ArchiveBatch {

    private ArchiveBatch() {}

    /**
     * Moves one batch in one transaction: the records liked before {@code likedBefore} or canceled before
     * {@code canceledBefore}, oldest id first, copied to the sink (a file per day of their last change) and then from
     * the hot table to the archive.
     *
     * @return how many were moved
     * @throws IOException if the sink failed; the transaction was rolled back
     */
    static int move(Jdbi jdbi, String likedBefore, String canceledBefore, Instant now, int batchSize,
            @Nullable ArchiveSink sink) throws IOException {
        try {
            return jdbi.inTransaction(TransactionIsolationLevel.REPEATABLE_READ,
                    handle -> move(handle, likedBefore, canceledBefore, now, batchSize, sink));
        } catch (SinkFailure e) {
            throw e.io;
        }
    }

    private static int move(Handle handle, String likedBefore, String canceledBefore, Instant now, int batchSize,
            @Nullable ArchiveSink sink) {
        List<ArchivedLike> batch = handle.createQuery("SELECT id, user_id, content_id, content_type, created_at,"
                        + " updated_at, is_canceled, version FROM like_records"
                        + " WHERE (is_canceled = 0 AND updated_at < ?) OR (is_canceled = 1 AND updated_at < ?)"
                        + " ORDER BY id LIMIT ? FOR UPDATE")
                .bind(0, likedBefore)
                .bind(1, canceledBefore)
                .bind(2, batchSize)
                .map((rs, ctx) -> new ArchivedLike(
                        rs.getLong(1),
                        rs.getLong(2),
                        ContentRef.of(rs.getString(4), rs.getLong(3)),
                        Times.fromSql(rs.getObject(5, LocalDateTime.class)),
                        Times.fromSql(rs.getObject(6, LocalDateTime.class)),
                        rs.getBoolean(7),
                        rs.getLong(8)))
                .list();
        if (batch.isEmpty()) {
            return 0;
        }
        if (sink != null) {
            Map<LocalDate, List<ArchivedLike>> byDay = batch.stream().collect(Collectors.groupingBy(
                    r -> LocalDate.ofInstant(r.updatedAt(), ZoneOffset.UTC), LinkedHashMap::new, Collectors.toList()));
            for (List<ArchivedLike> day : byDay.values()) {
                try {
                    sink.write(day);
                } catch (IOException e) {
                    throw new SinkFailure(e);
                }
            }
        }
        StringBuilder ids = new StringBuilder();
        EventApplier.placeholders(ids, batch.size(), "?");
        var copy = handle.createUpdate("INSERT INTO like_records_archive (id, user_id, content_id, content_type,"
                + " created_at, updated_at, is_canceled, version, archived_at)"
                + " SELECT id, user_id, content_id, content_type, created_at, updated_at, is_canceled, version, ?"
                + " FROM like_records WHERE id IN (" + ids + ")");
        copy.bind(0, Times.toSql(now));
        var delete = handle.createUpdate("DELETE FROM like_records WHERE id IN (" + ids + ")");
        for (int i = 0; i < batch.size(); i++) {
            long id = batch.get(i).id();
            copy.bind(i + 1, id);
            delete.bind(i, id);
        }
        copy.execute();
        delete.execute();
        return batch.size();
    }

    /** Carries a sink's IOException out of the transaction callback, which rolls back. */
    private static final class SinkFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient IOException io;

        SinkFailure(IOException io) {
            super(io);
            this.io = io;
        }
    }
}
