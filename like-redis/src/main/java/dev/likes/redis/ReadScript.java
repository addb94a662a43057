package dev.likes.redis;

import dev.likes.core.ContentRef;
import io.lettuce.core.ScriptOutputType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * The call of {@code read.lua}: one user's liked flags of several contents and, where asked, their counts. One call
 * on one Redis node; one call per shard on a cluster.
 */
final class ReadScript {

    /** What Redis holds of one content for the user: liked is null when the content's state is not loaded. */
    record Read(@Nullable Boolean liked, @Nullable Long count, long version) {}

    private final Redis redis;
    private final Keys keys;
    private final boolean cache;
    private final boolean singleNode;
    private final Redis.Script script = Redis.Script.load("read", ScriptOutputType.MULTI);

    ReadScript(Redis redis, Keys keys, boolean cache, boolean singleNode) {
        this.redis = redis;
        this.keys = keys;
        this.cache = cache;
        this.singleNode = singleNode;
    }

    /**
     * Reads the contents for the user.
     *
     * @param wantCount for each content, whether to read its count
     * @return one read per content, in the order given
     */
    CompletableFuture<List<Read>> read(long userId, List<ContentRef> contents, List<Boolean> wantCount) {
        if (singleNode || contents.size() == 1) {
            return call(userId, contents, wantCount);
        }
        Map<Integer, List<Integer>> byShard = new HashMap<>();
        for (int i = 0; i < contents.size(); i++) {
            byShard.computeIfAbsent(keys.shard(contents.get(i)), s -> new ArrayList<>()).add(i);
        }
        List<CompletableFuture<Void>> calls = new ArrayList<>(byShard.size());
        Read[] reads = new Read[contents.size()];
        for (List<Integer> indexes : byShard.values()) {
            List<ContentRef> part = new ArrayList<>(indexes.size());
            List<Boolean> partWant = new ArrayList<>(indexes.size());
            indexes.forEach(i -> {
                part.add(contents.get(i));
                partWant.add(wantCount.get(i));
            });
            calls.add(call(userId, part, partWant).thenAccept(got -> {
                for (int j = 0; j < indexes.size(); j++) {
                    reads[indexes.get(j)] = got.get(j);
                }
            }));
        }
        return CompletableFuture.allOf(calls.toArray(new CompletableFuture<?>[0])).thenApply(done -> List.of(reads));
    }

    private CompletableFuture<List<Read>> call(long userId, List<ContentRef> contents, List<Boolean> wantCount) {
        int n = contents.size();
        String[] scriptKeys = new String[n];
        String[] args = new String[3 + 2 * n];
        args[0] = cache ? "1" : "0";
        args[1] = Long.toString(userId);
        args[2] = Long.toString(Buckets.addressHash(userId));
        for (int i = 0; i < n; i++) {
            scriptKeys[i] = keys.main(contents.get(i));
            args[3 + 2 * i] = keys.bucketPrefix(contents.get(i));
            args[4 + 2 * i] = wantCount.get(i) ? "1" : "0";
        }
        return redis.<List<Object>>script(script, scriptKeys, args).thenApply(reply -> {
            List<Read> reads = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                long flag = (Long) reply.get(3 * i);
                long count = (Long) reply.get(3 * i + 1);
                reads.add(new Read(flag < 0 ? null : Boolean.valueOf(flag == 1), count < 0 ? null : Long.valueOf(count),
                        (Long) reply.get(3 * i + 2)));
            }
            return reads;
        });
    }
}
