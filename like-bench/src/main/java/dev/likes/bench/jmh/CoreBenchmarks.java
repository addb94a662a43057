package dev.likes.bench.jmh;

import dev.likes.core.ContentRef;
import dev.likes.core.LikeAction;
import dev.likes.core.LikeEvent;
import dev.likes.core.LikeService;
import dev.likes.events.LikeEventCodec;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * Micro-benchmarks of the in-process parts (JMH): the event codec, and a like through the in-memory store against a
 * naive synchronized map of sets, from 2 threads on one hot post.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class CoreBenchmarks {

    /** An event and its encoding. */
    @State(Scope.Benchmark)
    public static class Codec {
        LikeEvent event = new LikeEvent("00000000-0000-4000-8000-000000000001", "r-1", 42, ContentRef.of("post", 7),
                LikeAction.LIKE, Instant.ofEpochMilli(1_764_345_603_000L), 1_764_345_603_000_000L, 1_234);
        byte[] bytes = LikeEventCodec.encode(event);
    }

    /** Encodes one event to JSON bytes. */
    @Benchmark
    public byte[] codecEncode(Codec c) {
        return LikeEventCodec.encode(c.event);
    }

    /** Decodes one event from JSON bytes. */
    @Benchmark
    public LikeEvent codecDecode(Codec c) {
        return LikeEventCodec.decode(c.bytes);
    }

    /** The in-memory service, fresh per iteration, and a user counter. */
    @State(Scope.Benchmark)
    public static class Memory {
        LikeService service;
        final AtomicLong users = new AtomicLong();
        final ContentRef post = ContentRef.of("post", 1);

        @Setup(Level.Iteration)
        public void setUp() {
            service = LikeService.inMemory();
            users.set(0);
        }

        @TearDown(Level.Iteration)
        public void tearDown() {
            service.close();
        }
    }

    /** A like of the hot post by a new user through LikeService over InMemoryLikeStore. */
    @Benchmark
    @Threads(2)
    public boolean inMemoryLike(Memory m) {
        return m.service.like(m.users.incrementAndGet(), m.post).changed();
    }

    /** The naive baseline: one lock around a map of sets and a count. */
    @State(Scope.Benchmark)
    public static class Naive {
        final Map<ContentRef, Set<Long>> likers = new HashMap<>();
        final Map<ContentRef, Long> counts = new HashMap<>();
        final AtomicLong users = new AtomicLong();
        final ContentRef post = ContentRef.of("post", 1);

        @Setup(Level.Iteration)
        public void setUp() {
            likers.clear();
            counts.clear();
            users.set(0);
        }

        synchronized boolean like(long user, ContentRef content) {
            if (likers.computeIfAbsent(content, c -> new HashSet<>()).add(user)) {
                counts.merge(content, 1L, Long::sum);
                return true;
            }
            return false;
        }
    }

    /** A like of the hot post by a new user through the naive synchronized map. */
    @Benchmark
    @Threads(2)
    public boolean naiveSynchronizedLike(Naive n) {
        return n.like(n.users.incrementAndGet(), n.post);
    }
}
