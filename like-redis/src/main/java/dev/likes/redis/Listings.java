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
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The newest-first listings Redis keeps when it is the source of truth: per content, a sorted set of likers whose
 * members sort as (time, user), kept by the like script itself; per user, a sorted set of likes whose members sort as
 * (time, type, id), kept by {@code user-index.lua} right after the content's script, order-safely by version. Pages
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

    CompletionStage<List<Liker>> likers(ContentRef content, Liker after, int limit) {
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

    CompletionStage<List<UserLike>> likesOf(long userId, String contentType, UserLike after, int limit) {
        String from = after == null
                ? null
                : Keys.userLikeMember(after.likedAt().getEpochSecond(), after.content());
        return scanUserLikes(userId, contentType, from, limit, new ArrayList<>(Math.min(limit, 64)));
    }

    /** Reads the user's index from {@code from} on, keeping the likes of {@code contentType}, until the page is full. */
    private CompletableFuture<List<UserLike>> scanUserLikes(
            long userId, String contentType, String from, int limit, List<UserLike> page) {
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

    /** Records an applied change in the acting user's index; completes with {@code result} once recorded. */
    CompletionStage<LikeResult> recordForUser(LikeMutation m, LikeResult result) {
        String member = Keys.userLikeMember(m.at().getEpochSecond(), m.content());
        return redis.<Long>script(
                        userIndexScript,
                        new String[] {keys.userLikes(m.userId()), keys.userVersions(m.userId())},
                        m.content().toString(),
                        Long.toString(result.version()),
                        m.action() == LikeAction.LIKE ? "1" : "0",
                        member)
                .thenApply(ignored -> result);
    }
}
