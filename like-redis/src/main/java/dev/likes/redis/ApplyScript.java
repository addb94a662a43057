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

/** The call of {@code apply.lua}: encodes a batch of one content's mutations and decodes the per-mutation results. */
final class ApplyScript {

    private final Redis redis;
    private final Keys keys;
    private final Redis.Script script = Redis.Script.load("apply", ScriptOutputType.MULTI);
    private final String truthFlag;
    private final String indexFlag;
    private final boolean index;
    private final String hotTtlMillis;
    private final String requestIdTtlMillis;
    private final String outboxFlag;

    /**
     * @param sourceOfTruth whether Redis is the source of truth (a missing content is empty, listings are kept) or a
     *     cache (a missing content must be loaded)
     * @param hotTtlMillis the hot TTL, 0 for keys that never expire
     */
    ApplyScript(Redis redis, Keys keys, boolean sourceOfTruth, long hotTtlMillis, long requestIdTtlMillis,
            boolean outbox) {
        this.outboxFlag = outbox ? "1" : "0";
        this.redis = redis;
        this.keys = keys;
        this.truthFlag = sourceOfTruth ? "1" : "0";
        this.indexFlag = sourceOfTruth ? "1" : "0";
        this.index = sourceOfTruth;
        this.hotTtlMillis = Long.toString(hotTtlMillis);
        this.requestIdTtlMillis = Long.toString(requestIdTtlMillis);
    }

    /**
     * A batch's results, one per mutation in order, and the id of the outbox entry that holds the batch's applied
     * changes ({@code ""} when none was written).
     */
    record Applied(List<LikeResult> results, String outboxEntry) {}

    /**
     * Applies the batch; completes with its results, or with null if the content is not loaded.
     *
     * @param indexSelf whether the script adds the content to the outbox index itself when it creates the content's
     *     outbox stream (one Redis node); false when the caller registered it (a cluster)
     */
    CompletableFuture<Applied> run(ContentRef content, List<LikeMutation> batch, boolean indexSelf) {
        // the distinct status buckets the batch touches, in order of first use
        Map<Long, Integer> buckets = new LinkedHashMap<>();
        String[] bucketOf = new String[batch.size()];
        for (int i = 0; i < batch.size(); i++) {
            Integer j = buckets.putIfAbsent(Keys.bucketId(batch.get(i).userId()), buckets.size() + 1);
            bucketOf[i] = Integer.toString(j == null ? buckets.size() : j);
        }
        String[] scriptKeys = new String[6 + buckets.size()];
        scriptKeys[0] = keys.meta(content);
        scriptKeys[1] = keys.bucketSet(content);
        scriptKeys[2] = keys.likers(content);
        scriptKeys[3] = keys.outbox(content);
        scriptKeys[4] = indexSelf ? keys.outboxIndex() : scriptKeys[0];
        scriptKeys[5] = keys.requests(content);
        String[] args = new String[8 + buckets.size() + 7 * batch.size()];
        args[0] = truthFlag;
        args[1] = indexFlag;
        args[2] = hotTtlMillis;
        args[3] = requestIdTtlMillis;
        args[4] = keys.bucketPrefix(content);
        args[5] = outboxFlag;
        args[6] = indexSelf ? content.toString() : "";
        args[7] = Integer.toString(buckets.size());
        String bucketPrefix = args[4];
        buckets.forEach((bucketId, j) -> {
            scriptKeys[5 + j] = bucketPrefix + bucketId;
            args[7 + j] = Long.toString(bucketId);
        });
        StringBuilder event = new StringBuilder(96);
        int a = 8 + buckets.size();
        for (int i = 0; i < batch.size(); i++) {
            LikeMutation m = batch.get(i);
            args[a] = m.action() == LikeAction.LIKE ? "1" : "0";
            args[a + 1] = bucketOf[i];
            args[a + 2] = Keys.field(m.userId());
            args[a + 3] = Long.toString(m.at().getEpochSecond());
            args[a + 4] = m.requestId() == null ? "" : Keys.requestMember(m.userId(), m.requestId());
            args[a + 5] = index ? Keys.pad(m.userId(), 20) : ""; // only the likers index needs it
            args[a + 6] = OutboxEvents.fixedPart(event, m);
            a += 7;
        }
        return redis.<List<Object>>script(script, scriptKeys, args).thenApply(reply -> {
            if (reply.size() == 1 && reply.get(0) instanceof Long) {
                return null; // {-1}: not loaded
            }
            // the script returns the count and version before the batch and its first applied version; each
            // applied change moves the count by one and the version (after the first) by one
            long count = (Long) reply.get(1);
            long version = (Long) reply.get(2);
            long firstVersion = (Long) reply.get(3);
            boolean first = true;
            List<LikeResult> results = new ArrayList<>(batch.size());
            for (int i = 0; i < batch.size(); i++) {
                long code = (Long) reply.get(4 + i);
                long status = code >> 1;
                boolean liked = (code & 1) == 1;
                if (status == 1) {
                    count += liked ? 1 : -1;
                    version = first ? firstVersion : version + 1;
                    first = false;
                }
                results.add(new LikeResult(
                        status == 1
                                ? LikeResult.Status.APPLIED
                                : status == 2 ? LikeResult.Status.UNCHANGED : LikeResult.Status.DUPLICATE_REQUEST,
                        liked,
                        count,
                        version));
            }
            return new Applied(results, String.valueOf(reply.get(0)));
        });
    }
}
