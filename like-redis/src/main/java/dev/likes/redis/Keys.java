package dev.likes.redis;

import dev.likes.core.ContentRef;
import org.jspecify.annotations.Nullable;

/**
 * The key layout. Contents are spread over a fixed number of shards; every key of a content, and the shard's own keys
 * (its outbox stream and its request IDs), carry the shard's hash tag {@code {s:N}}, so a shard lives in one cluster
 * slot and one script call can apply a batch of likes of many contents of that shard.
 *
 * <pre>
 * P:c:{s:N}:post:1        hash   the content: meta fields (letters) and its status bucket 0 (user id -> like time)
 *                                s = '1' loaded / '0' count only, n = count, v = version, b = time base (s),
 *                                g = generation, l + p = the linear-hashing level and split pointer of its buckets,
 *                                x = expiry (ms), y + c = the expiry being moved to its buckets and the next bucket
 * P:b:{s:N}:post:1:G:A    hash   status bucket A (1 .. 2^l + p - 1) of generation G: user id -> like time - b (s)
 * P:l:{s:N}:post:1        zset   likers index, members "tttttttttt:uuuuuuuuuuuuuuuuuuuu" (only without a backing store)
 * P:lock:{s:N}:post:1     string load lock of the read-through
 * P:o:{s:N}               stream the shard's outbox: applied changes not yet acknowledged by the event log
 * P:ol:{s:N}              string the shard's sweep lease (one process sweeps a shard at a time)
 * P:r:{s:N}               hash   the shard's request-ID epochs: e = the current one, t = when it began (ms)
 * P:r:{s:N}:E             hash   the request IDs of epoch E: "type:id:userId:requestId" -> when it may be forgotten (ms)
 * P:u:{s:M}:42            zset   user 42's likes, members "tttttttttt!type!iiiiiiiiiiiiiiiiiiii" (only without a
 *                                backing store); M is the user's shard
 * P:uv:{s:M}:42           hash   'type:id' -> 'version|member' of the user's last change per content (Redis Cluster)
 * P:rl:{u:42}             hash   the user's rate-limit token bucket (k tokens, t last refill ms), expiring
 * </pre>
 *
 * <p>A user's bucket is picked by {@link Buckets#addressHash(long)}, a hash of the user id that the scripts compute the same
 * way, so buckets stay near {@link #bucketLoad()} users whatever the ids look like (dense, random 63-bit, snowflake).
 * Nothing from a request reaches a key unvalidated: types, ids and request IDs are checked by the core types.
 */
final class Keys {

    private final String prefix;
    private final int shards;
    private final int bucketLoad;

    /**
     * @param listpackEntries the servers' {@code hash-max-listpack-entries} (the smallest, on a cluster)
     */
    Keys(String prefix, int shards, int listpackEntries) {
        this.prefix = prefix;
        this.shards = shards;
        this.bucketLoad = Buckets.load(listpackEntries);
    }

    int bucketLoad() {
        return bucketLoad;
    }

    int shards() {
        return shards;
    }

    /** The shard of a content: a stable hash of its type and id, the same in every process and version. */
    int shard(ContentRef content) {
        return Math.floorMod(mix(content.id() * 31 + content.type().hashCode()), shards);
    }

    /** The shard of a user's index keys. */
    int userShard(long userId) {
        return Math.floorMod(mix(userId), shards);
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }

    static String shardTag(int shard) {
        return "{s:" + shard + '}';
    }

    String main(ContentRef content) {
        return prefix + ":c:" + shardTag(shard(content)) + ':' + content;
    }

    /** The prefix of the content's bucket keys; "generation:address" completes it. */
    String bucketPrefix(ContentRef content) {
        return prefix + ":b:" + shardTag(shard(content)) + ':' + content + ':';
    }

    String bucket(ContentRef content, String generation, long address) {
        return address == 0 ? main(content) : bucketPrefix(content) + generation + ':' + address;
    }

    String likers(ContentRef content) {
        return prefix + ":l:" + shardTag(shard(content)) + ':' + content;
    }

    String lock(ContentRef content) {
        return prefix + ":lock:" + shardTag(shard(content)) + ':' + content;
    }

    String outbox(int shard) {
        return prefix + ":o:" + shardTag(shard);
    }

    String sweepLease(int shard) {
        return prefix + ":ol:" + shardTag(shard);
    }

    String requests(int shard) {
        return prefix + ":r:" + shardTag(shard);
    }

    /** The member of {@link #requests} for one user's request ID on one content. */
    static String requestMember(ContentRef content, long userId, String requestId) {
        return content.toString() + ':' + userId + ':' + requestId;
    }

    /** The pattern that SCAN matches every content's main hash with. */
    String mainPattern() {
        return prefix + ":c:{s:*}:*";
    }

    /** The content a main key belongs to, or null. */
    @Nullable ContentRef mainContent(String key) {
        String head = prefix + ":c:{s:";
        if (!key.startsWith(head)) {
            return null;
        }
        int close = key.indexOf("}:", head.length());
        if (close < 0) {
            return null;
        }
        try {
            return ContentRef.parse(key.substring(close + 2));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    String userLikes(long userId) {
        return prefix + ":u:" + shardTag(userShard(userId)) + ':' + userId;
    }

    String userVersions(long userId) {
        return prefix + ":uv:" + shardTag(userShard(userId)) + ':' + userId;
    }

    String rateLimit(long userId) {
        return prefix + ":rl:{u:" + userId + '}';
    }

    static String pad(long value, int width) {
        String digits = Long.toString(value);
        return "0".repeat(Math.max(0, width - digits.length())) + digits;
    }

    /** A likers-index member: time then user, fixed width, so byte order is (time, user) order. */
    static String likerMember(long epochSecond, long userId) {
        return pad(epochSecond, 10) + ':' + pad(userId, 20);
    }

    /** The part of a user-index member after the time: {@code !type!id}, the id padded to 20 digits. */
    static String userLikeSuffix(ContentRef content) {
        return "!" + content.type() + '!' + pad(content.id(), 20);
    }

    /**
     * A user-index member: time, type, id. '!' sorts below every character a type may hold, so byte order is the
     * order of (time, type, id) as {@code UserLike.NEWEST_FIRST} compares them.
     */
    static String userLikeMember(long epochSecond, ContentRef content) {
        return pad(epochSecond, 10) + userLikeSuffix(content);
    }
}
