package dev.likes.redis;

import dev.likes.core.ContentRef;
import dev.likes.core.LikeAction;
import dev.likes.core.LikeMutation;
import dev.likes.core.LikeResult;
import dev.likes.core.Liker;
import dev.likes.core.UserLike;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.ScriptOutputType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * The newest-first listings Redis keeps when it is the source of truth: per content, a sorted set of likers whose
 * members sort as (time, user), kept by the like script itself; per user, a sorted set of likes whose members sort as
 * (time, type, id), kept by the like script too on one Redis node, and on a cluster by {@code user-index.lua} right
 * after the content's script, order-safely by version. Pages
 * are {@code ZREVRANGEBYLEX} reads that start strictly after the last item of the page before.
 */
final class Listings {

    private final Redis redis;
    private final Keys keys;
    private final Redis.Script userIndexScript = Redis.Script.load("user-index", ScriptOutputType.INTEGER);

    Listings(Redis redis, Keys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    CompletionStage<List<Liker>> likers(ContentRef content, @Nullable Liker after, int limit) {
        Range<String> range = after == null
                ? Range.unbounded()
                : Range.from(Range.Boundary.unbounded(),
                        Range.Boundary.excluding(Keys.likerMember(after.likedAt().getEpochSecond(), after.userId())));
        return redis.call(
                        "ZREVRANGEBYLEX likers",
                        c -> c.zrevrangebylex(keys.likers(content), range, Limit.create(0, limit)))
                .thenApply(members -> {
                    List<Liker> page = new ArrayList<>(members.size());
                    for (String member : members) {
                        int colon = member.indexOf(':');
                        page.add(new Liker(
                                Long.parseLong(member.substring(colon + 1)),
                                Instant.ofEpochSecond(Long.parseLong(member.substring(0, colon)))));
                    }
                    return page;
                });
    }

    CompletionStage<List<UserLike>> likesOf(long userId, @Nullable String contentType, @Nullable UserLike after,
            int limit) {
        String from = after == null
                ? null
                : Keys.userLikeMember(after.likedAt().getEpochSecond(), after.content());
        return scanUserLikes(userId, contentType, from, limit, new ArrayList<>(Math.min(limit, 64)));
    }

    /** Reads the user's index from {@code from} on, keeping the likes of {@code contentType}, until the page is full. */
    private CompletableFuture<List<UserLike>> scanUserLikes(
            long userId, @Nullable String contentType, @Nullable String from, int limit, List<UserLike> page) {
        int batch = contentType == null ? limit - page.size() : Math.max(100, limit - page.size());
        Range<String> range = from == null
                ? Range.unbounded()
                : Range.from(Range.Boundary.unbounded(), Range.Boundary.excluding(from));
        return redis.call("ZREVRANGEBYLEX user likes",
                        c -> c.zrevrangebylex(keys.userLikes(userId), range, Limit.create(0, batch)))
                .thenCompose(members -> {
                    for (String member : members) {
                        String[] parts = member.split("!");
                        if (contentType == null || contentType.equals(parts[1])) {
                            page.add(new UserLike(
                                    ContentRef.of(parts[1], Long.parseLong(parts[2])),
                                    Instant.ofEpochSecond(Long.parseLong(parts[0]))));
                            if (page.size() == limit) {
                                return CompletableFuture.completedFuture(page);
                            }
                        }
                    }
                    if (members.size() < batch) {
                        return CompletableFuture.completedFuture(page);
                    }
                    return scanUserLikes(userId, contentType, members.get(members.size() - 1), limit, page);
                });
    }

    /**
     * Records applied changes in the acting users' indexes, one call per user shard (Redis Cluster, where the apply
     * script cannot reach them); completes once all are recorded.
     */
    CompletableFuture<Void> recordForUsers(List<LikeMutation> mutations, List<LikeResult> results) {
        Map<Integer, List<Integer>> byShard = new HashMap<>();
        for (int k = 0; k < mutations.size(); k++) {
            LikeResult result = results.get(k);
            if (result != null && result.changed()) {
                byShard.computeIfAbsent(keys.userShard(mutations.get(k).userId()), s -> new ArrayList<>()).add(k);
            }
        }
        List<CompletableFuture<Long>> calls = new ArrayList<>(byShard.size());
        for (List<Integer> changes : byShard.values()) {
            String[] scriptKeys = new String[2 * changes.size()];
            String[] args = new String[4 * changes.size()];
            for (int j = 0; j < changes.size(); j++) {
                LikeMutation m = mutations.get(changes.get(j));
                scriptKeys[2 * j] = keys.userLikes(m.userId());
                scriptKeys[2 * j + 1] = keys.userVersions(m.userId());
                args[4 * j] = m.content().toString();
                args[4 * j + 1] = Long.toString(results.get(changes.get(j)).version());
                args[4 * j + 2] = m.action() == LikeAction.LIKE ? "1" : "0";
                args[4 * j + 3] = Keys.userLikeMember(m.at().getEpochSecond(), m.content());
            }
            calls.add(redis.script(userIndexScript, scriptKeys, args));
        }
        return CompletableFuture.allOf(calls.toArray(new CompletableFuture<?>[0]));
    }
}
