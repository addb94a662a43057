package dev.likes.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.likes.core.ContentRef;
import dev.likes.core.LikeAction;
import dev.likes.core.LikeMutation;
import dev.likes.core.LikeRejectedException;
import dev.likes.core.LikeResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The batching and ordering rules of {@link GroupCommit}, with an applier the test completes by hand. */
class GroupCommitTest {

    private static final ContentRef POST = ContentRef.of("post", 1);

    /** Records each call; the test decides when it returns. */
    private static final class Calls implements GroupCommit.Applier {
        final ConcurrentLinkedQueue<Call> calls = new ConcurrentLinkedQueue<>();
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger maxInFlight = new AtomicInteger();

        @Override
        public CompletionStage<List<CompletionStage<LikeResult>>> apply(int shard, List<LikeMutation> batch) {
            Thread.yield(); // as encoding a real call takes a while: a batch taken by another thread may go first
            maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            Call call = new Call(batch);
            calls.add(call);
            return call.done.thenApply(x -> {
                inFlight.decrementAndGet();
                List<CompletionStage<LikeResult>> results = new ArrayList<>();
                for (int i = 0; i < batch.size(); i++) {
                    results.add(CompletableFuture.completedFuture(
                            new LikeResult(LikeResult.Status.APPLIED, true, batch.get(i).userId(), 1)));
                }
                return results;
            });
        }

        Call take() {
            Call call = calls.poll();
            assertThat(call).as("a call was sent").isNotNull();
            return call;
        }
    }

    private record Call(List<LikeMutation> batch, CompletableFuture<Void> done) {
        Call(List<LikeMutation> batch) {
            this(batch, new CompletableFuture<>());
        }

        void returns() {
            done.complete(null);
        }
    }

    private static LikeMutation like(long user) {
        return new LikeMutation("e" + user, user, POST, LikeAction.LIKE, null, Instant.EPOCH);
    }

    private static List<Long> users(Call call) {
        return call.batch().stream().map(LikeMutation::userId).toList();
    }

    @Test
    void aLoneCallGoesAtOnceAndWhatArrivesMeanwhileWaitsForItsReturn() {
        Calls applier = new Calls();
        GroupCommit commit = new GroupCommit(4, 2, 1_000_000, content -> 0, applier);
        CompletableFuture<LikeResult> first = commit.submit(like(1)).toCompletableFuture();
        Call call = applier.take();
        assertThat(users(call)).containsExactly(1L);

        commit.submit(like(2));
        commit.submit(like(3));
        assertThat(applier.calls).as("a small backlog waits for the call in flight").isEmpty();
        call.returns();
        assertThat(first).isCompletedWithValueMatching(r -> r.count() == 1);
        assertThat(users(applier.take())).containsExactly(2L, 3L);
    }

    @Test
    void aFullShardRefusesOneMoreAtOnceAndTakesLikesAgainOnceItDrains() {
        Calls applier = new Calls();
        GroupCommit commit = new GroupCommit(4, 1, 3, content -> 0, applier);
        commit.submit(like(1));
        Call call = applier.take(); // in flight: no longer waiting
        for (long user = 2; user <= 4; user++) {
            commit.submit(like(user));
        }
        CompletableFuture<LikeResult> refused = commit.submit(like(5)).toCompletableFuture();
        assertThat(refused).isCompletedExceptionally();
        assertThat(refused.handle((r, e) -> e).join())
                .isInstanceOfSatisfying(LikeRejectedException.class, e -> {
                    assertThat(e.reason()).isEqualTo(LikeRejectedException.Reason.OVERLOADED);
                    assertThat(e.retryAfter()).isPositive();
                })
                .hasMessageContaining("maxQueuedPerShard");
        assertThat(applier.calls).as("nothing of the refused like was sent").isEmpty();

        call.returns();
        Call next = applier.take();
        assertThat(users(next)).containsExactly(2L, 3L, 4L);
        assertThat(commit.submit(like(6)).toCompletableFuture()).isNotCompletedExceptionally();
        next.returns();
        assertThat(users(applier.take())).containsExactly(6L);
    }

    @Test
    void aFullBatchWaitingGoesOutAsASecondCallButNeverAThird() {
        Calls applier = new Calls();
        GroupCommit commit = new GroupCommit(4, 2, 1_000_000, content -> 0, applier);
        commit.submit(like(1));
        Call first = applier.take();
        for (long user = 2; user <= 13; user++) {
            commit.submit(like(user));
        }
        Call second = applier.take();
        assertThat(users(second)).containsExactly(2L, 3L, 4L, 5L);
        assertThat(applier.calls).as("two calls in flight at most").isEmpty();

        first.returns();
        Call third = applier.take();
        assertThat(users(third)).containsExactly(6L, 7L, 8L, 9L);
        second.returns();
        third.returns();
        Call fourth = applier.take();
        assertThat(users(fourth)).containsExactly(10L, 11L, 12L, 13L);
        fourth.returns();
        assertThat(applier.calls).isEmpty();
        assertThat(applier.maxInFlight).hasValue(2);
    }

    /**
     * Many threads submitting while calls return on another thread: every mutation goes out once, and each thread's
     * in the order it submitted them. A race between two threads taking batches shows in some rounds only, so there
     * are several.
     */
    @Test
    void concurrentSubmittersLoseNothingAndKeepTheirOrder() throws Exception {
        for (int round = 0; round < 6; round++) {
            concurrentRound();
        }
    }

    private void concurrentRound() throws Exception {
        Calls applier = new Calls();
        GroupCommit commit = new GroupCommit(8, 2, 1_000_000, content -> 0, applier);
        int threads = 4;
        int perThread = 5_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
        try {
            List<Future<?>> submitters = new ArrayList<>();
            ConcurrentLinkedQueue<CompletableFuture<LikeResult>> all = new ConcurrentLinkedQueue<>();
            for (int t = 0; t < threads; t++) {
                long base = (t + 1) * 1_000_000L;
                submitters.add(pool.submit(() -> {
                    for (long i = 0; i < perThread; i++) {
                        all.add(commit.submit(like(base + i)).toCompletableFuture());
                    }
                }));
            }
            List<Long> applied = new ArrayList<>();
            Future<?> returner = pool.submit(() -> {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (applied.size() < threads * perThread && System.nanoTime() < deadline) {
                    Call call = applier.calls.poll();
                    if (call == null) {
                        Thread.onSpinWait();
                        continue;
                    }
                    applied.addAll(users(call));
                    call.returns();
                }
            });
            for (Future<?> f : submitters) {
                f.get(30, TimeUnit.SECONDS);
            }
            returner.get(40, TimeUnit.SECONDS);
            assertThat(applied).hasSize(threads * perThread).doesNotHaveDuplicates();
            for (int t = 0; t < threads; t++) {
                long base = (t + 1) * 1_000_000L;
                assertThat(applied.stream().filter(u -> u >= base && u < base + perThread).toList())
                        .as("thread %d's mutations in the order it submitted them", t)
                        .isSorted();
            }
            assertThat(all).allMatch(CompletableFuture::isDone);
            assertThat(applier.maxInFlight.get()).isBetween(1, 2);
        } finally {
            pool.shutdownNow();
        }
    }
}
