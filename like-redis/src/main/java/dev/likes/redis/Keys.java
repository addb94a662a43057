package dev.likes.redis;

import dev.likes.core.ContentRef;

/**
 * The key layout. Every key of one content carries the content's hash tag, {@code {type:id}}, so a content lives in
 * one cluster slot and one script can change all of it; every key of one user's index carries {@code {u:id}}.
 *
 * <pre>
 * P:m:{post:1}          hash   n = count, v = version, s = '1' loaded / '0' count only, x = expiry (ms)
 * P:s:{post:1}:B        hash   the status bucket B = userId / 128: field userId % 128 -> like time (s)
 * P:b:{post:1}          set    bucket ids (only when keys expire)
 * P:l:{post:1}          zset   likers index, members "tttttttttt:uuuuuuuuuuuuuuuuuuuu" (only without a backing store)
 * P:r:{post:1}          zset   request IDs seen, members "userId:requestId" scored by when they may be forgotten (ms)
 * P:lock:{post:1}       string load lock of the read-through
 * P:o:{post:1}          stream the outbox: applied changes not yet acknowledged by the event log (only with an outbox)
 * P:ob                  zset   the outbox index: 'type:id' -> time (ms) of its latest write (only with an outbox)
 * P:u:{u:42}            zset   the user's likes, members "tttttttttt!type!iiiiiiiiiiiiiiiiiiii" (only without a backing store)
 * P:rl:{u:42}          hash   the user's rate-limit token bucket (k tokens, t last refill ms), expiring
 * P:uv:{u:42}           hash   'type:id' -> 'version|member' of the user's last change per content
 * </pre>
 *
 * Nothing from a request reaches a key unvalidated: types, ids and request IDs are checked by the core types.
 */
final class Keys {

    /** Users per status bucket; at most Redis' default {@code hash-max-listpack-entries} (128), so buckets stay compact. */
    static final int BUCKET_SIZE = 128;

    private final String prefix;

    Keys(String prefix) {
        this.prefix = prefix;
    }

    static String tag(ContentRef content) {
        return "{" + content.type() + ':' + content.id() + '}';
    }

    String meta(ContentRef content) {
        return prefix + ":m:" + tag(content);
    }

    String bucketSet(ContentRef content) {
        return prefix + ":b:" + tag(content);
    }

    String likers(ContentRef content) {
        return prefix + ":l:" + tag(content);
    }

    String outbox(ContentRef content) {
        return prefix + ":o:" + tag(content);
    }

    String outboxIndex() {
        return prefix + ":ob";
    }

    /** The pattern that SCAN matches every meta key with. */
    String metaPattern() {
        return prefix + ":m:{*}";
    }

    /** The content a meta key belongs to, or null. */
    ContentRef metaContent(String key) {
        return contentOf(key, ":m:{");
    }

    private ContentRef contentOf(String key, String kind) {
        String head = prefix + kind;
        if (!key.startsWith(head) || !key.endsWith("}")) {
            return null;
        }
        String tag = key.substring(head.length(), key.length() - 1);
        int colon = tag.lastIndexOf(':');
        if (colon <= 0) {
            return null;
        }
        try {
            return ContentRef.of(tag.substring(0, colon), Long.parseLong(tag.substring(colon + 1)));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    String lock(ContentRef content) {
        return prefix + ":lock:" + tag(content);
    }

    /** The prefix of the content's bucket keys; a bucket id completes it. */
    String bucketPrefix(ContentRef content) {
        return prefix + ":s:" + tag(content) + ':';
    }

    String bucket(ContentRef content, long userId) {
        return bucketPrefix(content) + bucketId(userId);
    }

    String requests(ContentRef content) {
        return prefix + ":r:" + tag(content);
    }

    /** The member of {@link #requests} for one user's request ID. */
    static String requestMember(long userId, String requestId) {
        return Long.toString(userId) + ':' + requestId;
    }

    String userLikes(long userId) {
        return prefix + ":u:{u:" + userId + '}';
    }

    String rateLimit(long userId) {
        return prefix + ":rl:{u:" + userId + '}';
    }

    String userVersions(long userId) {
        return prefix + ":uv:{u:" + userId + '}';
    }

    static long bucketId(long userId) {
        return userId / BUCKET_SIZE;
    }

    static String field(long userId) {
        return Long.toString(userId % BUCKET_SIZE);
    }

    static String pad(long value, int width) {
        String digits = Long.toString(value);
        return "0".repeat(Math.max(0, width - digits.length())) + digits;
    }

    /** A likers-index member: time then user, fixed width, so byte order is (time, user) order. */
    static String likerMember(long epochSecond, long userId) {
        return pad(epochSecond, 10) + ':' + pad(userId, 20);
    }

    /**
     * A user-index member: time, type, id. '!' sorts below every character a type may hold, so byte order is the
     * order of (time, type, id) as {@code UserLike.NEWEST_FIRST} compares them.
     */
    static String userLikeMember(long epochSecond, ContentRef content) {
        return pad(epochSecond, 10) + '!' + content.type() + '!' + pad(content.id(), 20);
    }
}
