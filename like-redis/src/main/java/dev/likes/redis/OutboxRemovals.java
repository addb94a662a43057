package dev.likes.redis;

import io.lettuce.core.ScriptOutputType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The removal of outbox entries whose events the event log acknowledged: batched, one round of calls at a time (one
 * call for every shard on one Redis node, one call per shard on a cluster). An entry whose removal fails stays in its
 * stream, and the sweeper sees it again. Thread-safe.
 */
final class OutboxRemovals {

    private static final Logger log = LoggerFactory.getLogger(OutboxRemovals.class);

    private final Redis redis;
    private final Keys keys;
    private final boolean singleNode;
    private final Redis.Script ack = Redis.Script.load("outbox-ack", ScriptOutputType.INTEGER);
    private final Queue<Ack> acks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean acking = new AtomicBoolean();

    OutboxRemovals(Redis redis, Keys keys, boolean singleNode) {
        this.redis = redis;
        this.keys = keys;
        this.singleNode = singleNode;
    }

    /** Queues the removal of an entry whose every event was acknowledged, and starts a round if none runs. */
    void add(int shard, String entryId) {
        acks.add(new Ack(shard, entryId));
        flush();
    }

    /** Whether removals are queued or running. */
    boolean busy() {
        return !acks.isEmpty() || acking.get();
    }

    /** Removes acknowledged entries, one round of calls at a time. */
    private void flush() {
        if (!acking.compareAndSet(false, true)) {
            return;
        }
        Map<Integer, List<String>> byShard = new TreeMap<>();
        Ack next;
        int n = 0;
        while (n < 10_000 && (next = acks.poll()) != null) {
            byShard.computeIfAbsent(next.shard, c -> new ArrayList<>()).add(next.entryId);
            n++;
        }
        if (byShard.isEmpty()) {
            acking.set(false);
            if (!acks.isEmpty()) {
                flush();
            }
            return;
        }
        List<CompletableFuture<Long>> calls = new ArrayList<>(byShard.size());
        if (singleNode) {
            calls.add(remove(byShard));
        } else {
            byShard.forEach((shard, ids) -> calls.add(remove(Map.of(shard, ids))));
        }
        CompletableFuture.allOf(calls.toArray(new CompletableFuture<?>[0])).whenComplete((ok, failure) -> {
            if (failure != null) {
                log.debug("outbox entries not removed now, the sweeper will see them again: {}", failure.toString());
            }
            acking.set(false);
            if (!acks.isEmpty()) {
                flush();
            }
        });
    }

    /** Removes entries of the shards' streams in one call (of one shard on a cluster). */
    CompletableFuture<Long> remove(Map<Integer, List<String>> byShard) {
        String[] scriptKeys = new String[byShard.size()];
        List<String> args = new ArrayList<>();
        int i = 0;
        for (Map.Entry<Integer, List<String>> e : byShard.entrySet()) {
            scriptKeys[i++] = keys.outbox(e.getKey());
            args.add(Integer.toString(e.getValue().size()));
        }
        byShard.values().forEach(args::addAll);
        return redis.script(ack, scriptKeys, args.toArray(new String[0]));
    }

    private record Ack(int shard, String entryId) {}
}
