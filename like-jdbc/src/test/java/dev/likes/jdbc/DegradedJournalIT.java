package dev.likes.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.likes.core.ContentRef;
import dev.likes.core.LikeAction;
import dev.likes.core.LikeMutation;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/** Leases of the degraded-change journal: kept while renewed, taken over once expired or released, in order. */
class DegradedJournalIT {

    private static final Instant T0 = Instant.parse("2026-12-03T10:00:00Z");

    private static LikeMutation change(String id, long user, long post, LikeAction action, String requestId) {
        return new LikeMutation(id, user, ContentRef.of("post", post), action, requestId, T0.plusMillis(user));
    }

    /**
     * The change without its time: MySQL Connector/J takes MariaDB's handshake version (5.5.5-...) for a MySQL without
     * fractional seconds and sends whole seconds.
     */
    private static LikeMutation withoutTime(LikeMutation m) {
        return new LikeMutation(m.eventId(), m.userId(), m.content(), m.action(), m.requestId(), Instant.EPOCH);
    }

    @Test
    void entriesStayWithTheirOwnerWhileLeasedAndMoveToAnotherInOrderOnceTheLeaseEnds() {
        Jdbi db = Databases.fresh();
        try (JdbiLikeStore store = JdbiLikeStore.builder(db).build()) {
            DegradedJournal journal = DegradedJournal.of(store);
            Instant lease = T0.plusSeconds(30);
            LikeMutation first = change("e1", 1, 7, LikeAction.LIKE, "r1");
            LikeMutation second = change("e2", 1, 7, LikeAction.UNLIKE, null);
            LikeMutation third = change("e3", 2, 8, LikeAction.LIKE, null);
            for (LikeMutation m : List.of(first, second, third)) {
                journal.append(m, "a", lease).toCompletableFuture().join();
            }

            assertThat(journal.claimExpired("b", T0.plusSeconds(10), T0.plusSeconds(40), 100).toCompletableFuture()
                    .join()).as("a's leases run").isEmpty();
            journal.renew("a", T0.plusSeconds(60)).toCompletableFuture().join();
            assertThat(journal.claimExpired("b", T0.plusSeconds(45), T0.plusSeconds(75), 100).toCompletableFuture()
                    .join()).as("renewed").isEmpty();

            // a dies: its leases end, and b takes the changes over in the order a wrote them, whole
            List<DegradedJournal.Entry> claimed = journal.claimExpired("b", T0.plusSeconds(61), T0.plusSeconds(91), 100)
                    .toCompletableFuture().join();
            assertThat(claimed).extracting(e -> withoutTime(e.mutation()))
                    .containsExactly(withoutTime(first), withoutTime(second), withoutTime(third));
            assertThat(journal.claimExpired("c", T0.plusSeconds(62), T0.plusSeconds(92), 100).toCompletableFuture()
                    .join()).as("b holds them now").isEmpty();

            journal.remove(claimed.subList(0, 2)).toCompletableFuture().join();
            journal.release("b", T0.plusSeconds(63)).toCompletableFuture().join();
            assertThat(journal.claimExpired("c", T0.plusSeconds(63), T0.plusSeconds(93), 100).toCompletableFuture()
                    .join()).as("released at once; the removed ones are gone")
                    .extracting(e -> withoutTime(e.mutation())).containsExactly(withoutTime(third));
        }
    }

    @Test
    void badArgumentsAreRefusedBeforeAnythingIsWritten() {
        Jdbi db = Databases.fresh();
        try (JdbiLikeStore store = JdbiLikeStore.builder(db).build()) {
            DegradedJournal journal = DegradedJournal.of(store);
            LikeMutation m = change("e1", 1, 7, LikeAction.LIKE, null);
            assertThatThrownBy(() -> journal.append(m, "", T0)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("owner");
            assertThatThrownBy(() -> journal.append(m, "a b", T0)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> journal.claimExpired("a", T0, T0, 0)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("limit");
            long rows = db.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM like_degraded").mapTo(Long.class).one());
            assertThat(rows).isZero();
        }
    }
}
