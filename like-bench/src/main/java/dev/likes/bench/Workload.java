package dev.likes.bench;

import dev.likes.core.ContentRef;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The production shapes of {@code shared/WORKLOADS.md}, drawn ahead of a run so drawing costs nothing inside it:
 * who likes (random 63-bit ids, snowflake ids, dense ids) and what (one hot post, uniform over N posts, Zipf(1.0) over
 * N posts).
 */
final class Workload {

    /** The users of likes 0..n-1. */
    final long[] users;
    /** The contents of likes 0..n-1. */
    final ContentRef[] contents;
    /** What the shape is, for the table. */
    final String name;

    private Workload(String name, long[] users, ContentRef[] contents) {
        this.name = name;
        this.users = users;
        this.contents = contents;
    }

    enum Users {
        /** Uniform positive 63-bit longs. */
        RANDOM,
        /** {@code timestampMillis << 22 | worker << 12 | sequence}. */
        SNOWFLAKE,
        /** 1..n. */
        DENSE
    }

    enum Contents {
        HOT, SPREAD_10K, SPREAD_1M, ZIPF_1M
    }

    static Workload of(Users users, Contents contents, int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        long[] u = new long[n];
        long millis = 1_764_345_603_000L;
        for (int i = 0; i < n; i++) {
            u[i] = switch (users) {
                case RANDOM -> 1 + (random.nextLong() >>> 1) % (Long.MAX_VALUE - 1);
                case SNOWFLAKE -> ((millis + i / 4) << 22) | ((long) random.nextInt(1024) << 12) | (i % 4);
                case DENSE -> seed * n + i + 1;
            };
        }
        ContentRef[] c = new ContentRef[n];
        double[] zipf = contents == Contents.ZIPF_1M ? zipfCdf(1_000_000) : null;
        for (int i = 0; i < n; i++) {
            long id = switch (contents) {
                case HOT -> 1;
                case SPREAD_10K -> 1 + random.nextInt(10_000);
                case SPREAD_1M -> 1 + random.nextInt(1_000_000);
                case ZIPF_1M -> 1 + sample(zipf, random.nextDouble());
            };
            c[i] = ContentRef.of(i % 2 == 0 || contents == Contents.HOT ? "post" : "comment", id);
        }
        String name = switch (contents) {
            case HOT -> "one hot post";
            case SPREAD_10K -> "spread over 10,000 posts";
            case SPREAD_1M -> "spread over 1,000,000 posts";
            case ZIPF_1M -> "Zipf(1.0) over 1,000,000 posts";
        } + ", " + switch (users) {
            case RANDOM -> "random 63-bit user ids";
            case SNOWFLAKE -> "snowflake user ids";
            case DENSE -> "dense user ids";
        };
        return new Workload(name, u, c);
    }

    /** The distinct contents the workload touches. */
    Set<ContentRef> distinctContents() {
        return new HashSet<>(Arrays.asList(contents));
    }

    private static double[] zipfCdf(int n) {
        double[] cdf = new double[n];
        double sum = 0;
        for (int k = 0; k < n; k++) {
            sum += 1.0 / (k + 1);
            cdf[k] = sum;
        }
        for (int k = 0; k < n; k++) {
            cdf[k] /= sum;
        }
        return cdf;
    }

    private static int sample(double[] cdf, double p) {
        int i = Arrays.binarySearch(cdf, p);
        return i >= 0 ? i : Math.min(cdf.length - 1, -i - 1);
    }
}
