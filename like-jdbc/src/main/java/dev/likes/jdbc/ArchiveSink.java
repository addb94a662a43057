package dev.likes.jdbc;

import java.io.IOException;
import java.util.List;

/**
 * Where {@link LikeArchiver} copies each batch of archived records besides the archive table: files, object storage,
 * anything cheap. A batch is written before its move is committed, so after a crash the same batch (same records,
 * same first and last id) is written again: an implementation must let that replace the earlier copy, as
 * {@link GzipJsonLinesArchiveSink} does by naming its files after the ids. If a record of the rolled-back batch
 * changed before the rerun, the rerun's batch differs and the earlier copy stays: the archive table is the truth, and
 * a reader of the copies keeps, per id, the line with the highest version and checks it against the table.
 */
@FunctionalInterface
public interface ArchiveSink {

    /**
     * Writes one batch, all of one UTC day of {@code updatedAt}.
     *
     * @param records the records, ordered by id; never empty
     * @throws IOException if the batch could not be written; the move is then rolled back
     */
    void write(List<ArchivedLike> records) throws IOException;

    /**
     * Deletes every copy of a user's records this sink wrote, for a data-protection erasure. Idempotent. The default
     * throws {@link UnsupportedOperationException}: a sink that keeps copies implements it so that an erasure reaches
     * them.
     *
     * @param userId the user
     * @return how many copies were deleted
     * @throws IOException if the copies could not be rewritten; the ones already rewritten stay so
     * @throws UnsupportedOperationException if the sink cannot erase
     */
    default long eraseUser(long userId) throws IOException {
        throw new UnsupportedOperationException(getClass().getName() + " cannot erase a user's copies: implement"
                + " ArchiveSink.eraseUser");
    }
}
