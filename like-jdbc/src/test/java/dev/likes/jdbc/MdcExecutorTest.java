package dev.likes.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.spi.MDCAdapter;

class MdcExecutorTest {

    @Test
    void aTaskRunsWithTheSubmittersMdcAndTheWorkerKeepsItsOwn() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            MDCAdapter mdc = new BasicMDCAdapter(); // the MDC of a backend that keeps one (slf4j-simple does not)
            pool.submit(() -> mdc.put("worker", "own")).get();
            MdcExecutor executor = new MdcExecutor(pool, mdc);
            mdc.put("traceId", "abc");
            Map<String, String> seen = CompletableFuture.supplyAsync(mdc::getCopyOfContextMap, executor).get();
            mdc.clear();
            Map<String, String> seenWithout = CompletableFuture.supplyAsync(mdc::getCopyOfContextMap, executor).get();

            assertThat(seen).containsExactly(Map.entry("traceId", "abc"));
            assertThat(seenWithout == null || seenWithout.isEmpty()).isTrue();
            assertThat(pool.submit(mdc::getCopyOfContextMap).get()).containsExactly(Map.entry("worker", "own"));
        } finally {
            pool.shutdown();
        }
    }
}
