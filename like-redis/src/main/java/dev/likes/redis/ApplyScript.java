package dev.likes.redis;

import dev.likes.core.ContentRef;
import dev.likes.core.LikeAction;
import dev.likes.core.LikeMutation;
import dev.likes.core.LikeResult;
import io.lettuce.core.ScriptOutputType;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** The call of {@code apply.lua}: encodes a batch of one content's mutations and decodes the per-mutation results. */
final class ApplyScript {

    private final Redis redis;
    private final Keys keys;
    private final Redis.Script script = Redis.Script.load("apply", ScriptOutputType.MULTI);
    private final String truthFlag;
    private final String indexFlag;
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
        String meta = keys.meta(content);
        String[] scriptKeys = new String[5 + 2 * batch.size()];
        scriptKeys[0] = meta;
        scriptKeys[1] = keys.bucketSet(content);
        scriptKeys[2] = keys.likers(content);
        scriptKeys[3] = keys.outbox(content);
        scriptKeys[4] = indexSelf ? keys.outboxIndex() : meta;
        String[] args = new String[7 + 7 * batch.size()];
        args[0] = truthFlag;
        args[1] = indexFlag;
        args[2] = hotTtlMillis;
        args[3] = requestIdTtlMillis;
        args[4] = keys.bucketPrefix(content);
        args[5] = outboxFlag;
        args[6] = indexSelf ? content.toString() : "";
        StringBuilder event = new StringBuilder(96);
        for (int i = 0; i < batch.size(); i++) {
            LikeMutation m = batch.get(i);
            String bucket = keys.bucket(content, m.userId());
            scriptKeys[5 + 2 * i] = bucket;
            // without a request ID the slot is filled with a key of the same hash slot that the script leaves alone
            scriptKeys[6 + 2 * i] = m.requestId() == null ? bucket : keys.request(content, m.userId(), m.requestId());
            int a = 7 + 7 * i;
            args[a] = m.action() == LikeAction.LIKE ? "1" : "0";
            args[a + 1] = Keys.field(m.userId());
            args[a + 2] = Long.toString(Keys.bucketId(m.userId()));
            args[a + 3] = Long.toString(m.at().getEpochSecond());
            args[a + 4] = m.requestId() == null ? "0" : "1";
            args[a + 5] = Keys.pad(m.userId(), 20);
            args[a + 6] = OutboxEvents.fixedPart(event, m);
        }
        return redis.<List<Object>>script(script, scriptKeys, args).thenApply(reply -> {
            if (reply.size() == 1 && reply.get(0) instanceof Long) {
                return null; // {-1}: not loaded
            }
            List<LikeResult> results = new ArrayList<>(batch.size());
            for (int i = 0; i < batch.size(); i++) {
                int at = 1 + 4 * i;
                long status = (Long) reply.get(at);
                results.add(new LikeResult(
                        status == 1
                                ? LikeResult.Status.APPLIED
                                : status == 2 ? LikeResult.Status.UNCHANGED : LikeResult.Status.DUPLICATE_REQUEST,
                        (Long) reply.get(at + 1) == 1,
                        (Long) reply.get(at + 2),
                        (Long) reply.get(at + 3)));
            }
            return new Applied(results, String.valueOf(reply.get(0)));
        });
    }
}
