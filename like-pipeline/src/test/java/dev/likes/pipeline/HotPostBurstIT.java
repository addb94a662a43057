package dev.likes.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.likes.core.ContentRef;
import dev.likes.core.LikeResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The design's hot-post burst, scaled down for CI (the 1,000,000-like run is {@code HotPostBurst} in like-bench,
 * with the same checks): distinct users like one post with 10% repeated clicks mixed in, through the full pipeline;
 * all are persisted, the counts are exact in Redis and MySQL.
 */
class HotPostBurstIT {

    static final int USERS = 30_000;

    private final Harness h = new Harness();

    @AfterEach
    void tearDown() {
        h.close();
    }

    @Test
    void aBurstOnOnePostIsPersistedExactly() throws Exception {
        ContentRef post = ContentRef.of("post", 777);
        try (LikePipeline p = h.pipeline().build()) {
            LongAdder applied = new LongAdder();
            LongAdder unchanged = new LongAdder();
            Semaphore window = new Semaphore(512);
            List<CompletableFuture<?>> calls = new ArrayList<>();
            long start = System.nanoTime();
            for (long user = 1; user <= USERS; user++) {
                int clicks = user % 10 == 0 ? 2 : 1; // 10% click twice
                for (int c = 0; c < clicks; c++) {
                    window.acquire();
                    calls.add(p.service().async().like(user, post).toCompletableFuture().whenComplete((r, e) -> {
                        window.release();
                        if (r != null && r.status() == LikeResult.Status.APPLIED) {
                            applied.increment();
                        } else if (r != null && r.status() == LikeResult.Status.UNCHANGED) {
                            unchanged.increment();
                        }
                    }));
                }
            }
            CompletableFuture.allOf(calls.toArray(new CompletableFuture<?>[0])).join();
            long acknowledgedMillis = Duration.ofNanos(System.nanoTime() - start).toMillis();
            assertThat(applied.sum()).isEqualTo(USERS);
            assertThat(unchanged.sum()).isEqualTo(USERS / 10);
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100))
                    .until(() -> h.mysqlCounts().getOrDefault(post, 0L) == USERS);
            long persistedMillis = Duration.ofNanos(System.nanoTime() - start).toMillis();
            assertThat(h.mysqlLikers().get(post)).hasSize(USERS);
            assertThat(h.mysqlRecordRows()).isEqualTo(USERS);
            assertThat(p.redisStore().policy().cachedCount(post).toCompletableFuture().join()).hasValue(USERS);
            assertThat(p.reconciler().reconcile(List.of(post), false).clean()).isTrue();
            Invariants.report(String.format("%-34s likes=%d repeated_clicks=%d acknowledged_ms=%d all_in_mysql_ms=%d"
                            + " lost=0 duplicated=0", "hot-post burst (CI scale)", USERS, USERS / 10, acknowledgedMillis,
                    persistedMillis));
        }
    }
}
