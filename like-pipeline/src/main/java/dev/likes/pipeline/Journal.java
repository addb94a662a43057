package dev.likes.pipeline;

import dev.likes.core.LikeMutation;
import dev.likes.jdbc.DegradedJournal;
import dev.likes.jdbc.DegradedJournal.Entry;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Where changes accepted in degraded mode are kept, leased by their process, until their replay: MySQL's
 * {@link DegradedJournal} in the pipeline. The methods are those of {@link DegradedJournal}, whose contract they keep.
 */
interface Journal {

    CompletionStage<Entry> append(LikeMutation mutation, String owner, Instant leaseUntil);

    CompletionStage<Void> remove(Collection<Entry> entries);

    CompletionStage<Void> renew(String owner, Instant leaseUntil);

    CompletionStage<Void> release(String owner, Instant now);

    CompletionStage<List<Entry>> claimExpired(String owner, Instant now, Instant leaseUntil, int limit);

    /** MySQL's. */
    static Journal of(DegradedJournal journal) {
        return new Journal() {
            @Override
            public CompletionStage<Entry> append(LikeMutation mutation, String owner, Instant leaseUntil) {
                return journal.append(mutation, owner, leaseUntil);
            }

            @Override
            public CompletionStage<Void> remove(Collection<Entry> entries) {
                return journal.remove(entries);
            }

            @Override
            public CompletionStage<Void> renew(String owner, Instant leaseUntil) {
                return journal.renew(owner, leaseUntil);
            }

            @Override
            public CompletionStage<Void> release(String owner, Instant now) {
                return journal.release(owner, now);
            }

            @Override
            public CompletionStage<List<Entry>> claimExpired(String owner, Instant now, Instant leaseUntil, int limit) {
                return journal.claimExpired(owner, now, leaseUntil, limit);
            }
        };
    }
}
