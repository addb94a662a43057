package dev.likes.redis;

import dev.likes.core.ContentRef;
import dev.likes.core.LikeAction;
import dev.likes.core.LikeMutation;
import dev.likes.core.LikeResult;
import io.lettuce.core.ScriptOutputType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The call of {@code apply.lua}: encodes a batch of mutations of the contents of one shard and decodes the results,
 * one per mutation.
 */
final class ApplyScript {

    private final Redis redis;
    private final Keys keys;
    private final Redis.Script script = Redis.Script.load("apply", ScriptOutputType.MULTI);
    private final boolean truth;
    private final boolean userIndexInScript;
    private final String[] head;

    /**
     * @param truth whether Redis is the source of truth (a missing content is empty, listings are kept) or a cache (a
     *     missing content must be loaded)
     * @param userIndexInScript whether the script also keeps the users' likes indexes (one Redis node, truth mode)
     * @param hotTtlMillis the hot TTL, 0 for keys that never expire
     */
    ApplyScript(Redis redis, Keys keys, boolean truth, boolean userIndexInScript, long hotTtlMillis,
            long requestIdTtlMillis, boolean outbox, long maxRequestIds) {
        this.redis = redis;
        this.keys = keys;
        this.truth = truth;
        this.userIndexInScript = userIndexInScript;
        this.head = new String[] {truth ? "1" : "0", Long.toString(hotTtlMillis), Long.toString(requestIdTtlMillis),
            outbox ? "1" : "0", Long.toString(maxRequestIds), userIndexInScript ? "1" : "0",
            Integer.toString(keys.bucketLoad())};
    }

    /**
     * A batch's results, one per mutation in order ({@code null} for a mutation whose content is not loaded: nothing
     * of it changed), and the id of the outbox entry that holds the batch's applied changes ({@code ""} when none).
     */
    record Applied(List<LikeResult> results, String outboxEntry) {}

    /** Applies the batch, all of whose contents are in {@code shard}. */
    CompletableFuture<Applied> run(int shard, List<LikeMutation> batch) {
        Map<ContentRef, Integer> contents = new LinkedHashMap<>();
        int[] contentOf = new int[batch.size()];
        for (int k = 0; k < batch.size(); k++) {
            Integer i = contents.putIfAbsent(batch.get(k).content(), contents.size() + 1);
            contentOf[k] = i == null ? contents.size() : i;
        }
        int c = contents.size();
        String[] scriptKeys = new String[2 + c];
        scriptKeys[0] = keys.requests(shard);
        scriptKeys[1] = keys.outbox(shard);
        String[] args = new String[9 + 4 * c + 7 * batch.size()];
        System.arraycopy(head, 0, args, 0, head.length);
        args[7] = Integer.toString(c);
        args[8] = "1".equals(head[3]) ? OutboxEvents.lines(batch) : "";
        for (Map.Entry<ContentRef, Integer> e : contents.entrySet()) {
            ContentRef content = e.getKey();
            int i = e.getValue();
            scriptKeys[1 + i] = keys.main(content);
            int a = 9 + 4 * (i - 1);
            args[a] = keys.bucketPrefix(content);
            args[a + 1] = content.toString();
            args[a + 2] = truth ? keys.likers(content) : "";
            args[a + 3] = userIndexInScript ? Keys.userLikeSuffix(content) : "";
        }
        int a = 9 + 4 * c;
        for (int k = 0; k < batch.size(); k++) {
            LikeMutation m = batch.get(k);
            args[a] = m.action() == LikeAction.LIKE ? "1" : "0";
            args[a + 1] = Integer.toString(contentOf[k]);
            args[a + 2] = Long.toString(m.userId());
            args[a + 3] = Long.toString(Buckets.addressHash(m.userId()));
            args[a + 4] = Long.toString(m.at().getEpochSecond());
            args[a + 5] = m.requestId() == null ? "" : Keys.requestMember(m.content(), m.userId(), m.requestId());
            args[a + 6] = userIndexInScript ? keys.userLikes(m.userId()) : "";
            a += 7;
        }
        return redis.<List<Object>>script(script, scriptKeys, args).thenApply(reply -> decode(batch, c, contentOf, reply));
    }

    private static Applied decode(List<LikeMutation> batch, int contents, int[] contentOf, List<Object> reply) {
        // per content: the count and version before the call and its first applied version; each applied change
        // moves its content's count by one and its version (after the first) by one
        long[] count = new long[contents + 1];
        long[] version = new long[contents + 1];
        long[] firstVersion = new long[contents + 1];
        for (int i = 1; i <= contents; i++) {
            count[i] = (Long) reply.get(1 + 3 * (i - 1));
            version[i] = (Long) reply.get(2 + 3 * (i - 1));
            firstVersion[i] = (Long) reply.get(3 + 3 * (i - 1));
        }
        int codes = 1 + 3 * contents;
        List<LikeResult> results = new ArrayList<>(batch.size());
        for (int k = 0; k < batch.size(); k++) {
            long code = (Long) reply.get(codes + k);
            long status = code >> 1;
            boolean liked = (code & 1) == 1;
            int i = contentOf[k];
            if (status == 0) {
                results.add(null);
                continue;
            }
            if (status == 1) {
                count[i] += liked ? 1 : -1;
                version[i] = firstVersion[i] != 0 ? firstVersion[i] : version[i] + 1;
                firstVersion[i] = 0;
            }
            results.add(new LikeResult(
                    status == 1
                            ? LikeResult.Status.APPLIED
                            : status == 2 ? LikeResult.Status.UNCHANGED : LikeResult.Status.DUPLICATE_REQUEST,
                    liked,
                    count[i],
                    version[i]));
        }
        return new Applied(results, String.valueOf(reply.get(0)));
    }
}
