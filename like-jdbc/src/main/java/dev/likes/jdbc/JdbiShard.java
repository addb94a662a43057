package dev.likes.jdbc;

import java.util.Objects;
import org.jdbi.v3.core.Jdbi;
import org.jspecify.annotations.Nullable;

/**
 * One shard of the like tables: its primary, where every write goes, and optionally a read replica, where reads go.
 * Contents are placed on shards by {@code content_id} modulo the number of shards.
 *
 * @param primary the primary database
 * @param replica a read replica of it, or {@code null} to read from the primary; reads from a replica may lag behind
 *     the primary's latest writes by the replication delay
 */
public record JdbiShard(Jdbi primary, @Nullable Jdbi replica) {

    /**
     * Checks the primary.
     *
     * @param primary see the record component of that name
     * @param replica see the record component of that name
     * @throws NullPointerException if {@code primary} is null
     */
    public JdbiShard {
        Objects.requireNonNull(primary, "primary must not be null");
    }

    /**
     * A shard without a replica.
     *
     * @param primary the primary
     * @return the shard
     */
    public static JdbiShard of(Jdbi primary) {
        return new JdbiShard(primary, null);
    }

    /**
     * This shard with a read replica.
     *
     * @param replica the replica
     * @return the shard
     */
    public JdbiShard withReplica(Jdbi replica) {
        return new JdbiShard(primary, Objects.requireNonNull(replica, "replica must not be null"));
    }

    Jdbi reader() {
        return replica == null ? primary : replica;
    }
}
