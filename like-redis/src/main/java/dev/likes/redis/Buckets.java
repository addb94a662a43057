package dev.likes.redis;

/**
 * How a content's likers are spread over its status buckets: a hash of the user id, the same in Java and in the
 * scripts, picks the bucket by linear hashing, and the buckets split as likers come so that each holds about
 * {@link #load(int)} users and stays a compact listpack.
 */
final class Buckets {

    /* The address hash: a linear map modulo a prime below 2^24 of the user id's decimal halves (the last nine digits
       and the rest). Every product stays below 2^48, so Lua's doubles compute it exactly, the same as Java's longs. */
    static final long HASH_PRIME = 16_777_213L;
    private static final long HA = 9_576_883L;
    private static final long HB = 5_382_577L;
    private static final long HD = 12_582_917L;
    private static final long HE = 3_141_592L;

    /** The {@code hash-max-listpack-entries} assumed when the server's cannot be read: the value of its redis.conf. */
    static final int DEFAULT_LISTPACK_ENTRIES = 128;

    private Buckets() {}

    /**
     * Users per status bucket on average: a content's buckets split (linear hashing, one bucket at a time) when it has
     * more likers than this many per bucket. A bucket not yet split in a round holds up to twice the average, so the
     * load is 5/16 of the server's {@code hash-max-listpack-entries}: with its scatter even the fullest of a million
     * likers' buckets stays under the limit and keeps the compact listpack encoding. 40 users for the 128 of
     * redis.conf, 160 (the most, since a lookup in a listpack scans it) for the 512 of a server started without one.
     */
    static int load(int listpackEntries) {
        return Math.max(8, Math.min(160, listpackEntries * 5 / 16));
    }

    /** The hash of a user id that picks its status bucket, in 0 .. {@link #HASH_PRIME}; see {@code apply.lua}. */
    static long addressHash(long userId) {
        long lo = userId % 1_000_000_000L;
        long hi = userId / 1_000_000_000L;
        long h = ((lo % HASH_PRIME) * HA + (hi % HASH_PRIME) * HB) % HASH_PRIME;
        return (h * HD + HE) % HASH_PRIME;
    }

    /** The bucket address of a hash under linear hashing at {@code level} with split pointer {@code split}. */
    static long address(long hash, int level, long split) {
        long a = hash & ((1L << level) - 1);
        return a < split ? hash & ((1L << (level + 1)) - 1) : a;
    }
}
