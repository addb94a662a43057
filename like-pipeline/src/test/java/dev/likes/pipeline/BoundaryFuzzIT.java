package dev.likes.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.likes.core.ContentRef;
import dev.likes.core.LikeService;
import dev.likes.core.PageRequest;
import dev.likes.testservers.TestServices;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Hostile and random input at the boundary (content types, ids, user ids, request IDs, batch sizes, cursors, page
 * sizes): every one is refused with an exception that names the argument, and nothing reaches Redis, Kafka or MySQL.
 */
class BoundaryFuzzIT {

    private static final List<String> HOSTILE_TYPES = List.of("post:1", "{x}", "' OR 1=1 --", "post;DROP TABLE x",
            "po st", "", "POST*", "a\u0000b", "\u00e9t\u00e9", "\ud83d\udc4d", "x".repeat(10_240), "post\n", "../../etc",
            "post}", "*", "%s%n", "${jndi:ldap://x}");
    private static final List<String> HOSTILE_REQUEST_IDS = List.of("", " ", "a:b", "{tag}", "' OR '1'='1", "x".repeat(65),
            "r\nid", "\u00fcber", "*", "id;DEL *");
    private static final List<String> HOSTILE_CURSORS = List.of("", "not a cursor", "' OR 1=1 --", "{x}", "AAAA",
            "x".repeat(10_240), "\ud83d\udc4d", "eyJ0IjoxfQ");

    private final Harness h = new Harness();

    @AfterEach
    void tearDown() {
        h.close();
    }

    @Test
    void everyHostileOrRandomInputIsRefusedAndNothingIsWritten() {
        Random random = new Random(20261128);
        List<String> types = new ArrayList<>(HOSTILE_TYPES);
        for (int i = 0; i < 300; i++) {
            types.add(randomString(random));
        }
        int refused = 0;
        try (LikePipeline p = h.pipeline().build()) {
            LikeService likes = p.service();
            for (String type : types) {
                if (type.matches("[a-z][a-z0-9_]{0,19}")) {
                    continue; // a legal type (random strings rarely are)
                }
                assertThatThrownBy(() -> ContentRef.of(type, 1)).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("contentType");
                refused++;
            }
            for (long id : new long[] {0, -1, Long.MIN_VALUE}) {
                assertThatThrownBy(() -> ContentRef.of("post", id)).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("contentId");
                refused++;
            }
            ContentRef post = ContentRef.of("post", 1);
            for (long user : new long[] {0, -1, Long.MIN_VALUE, -random.nextInt(Integer.MAX_VALUE)}) {
                assertThatThrownBy(() -> likes.like(user, post)).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("userId");
                assertThatThrownBy(() -> likes.unlike(user, post)).hasMessageContaining("userId");
                assertThatThrownBy(() -> likes.feed(user, List.of(post))).hasMessageContaining("userId");
                refused += 3;
            }
            for (String requestId : HOSTILE_REQUEST_IDS) {
                assertThatThrownBy(() -> likes.like(1, post, requestId)).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("requestId");
                refused++;
            }
            assertThatThrownBy(() -> likes.like(1, null)).isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("content");
            assertThatThrownBy(() -> likes.counts(List.of())).hasMessageContaining("contents");
            assertThatThrownBy(() -> likes.counts(Collections.nCopies(1_001, post))).hasMessageContaining("contents");
            assertThatThrownBy(() -> likes.feed(1, Collections.nCopies(5_000, post))).hasMessageContaining("contents");
            refused += 4;
            for (String cursor : HOSTILE_CURSORS) {
                assertThatThrownBy(() -> likes.likers(post, PageRequest.after(cursor, 10)))
                        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cursor");
                assertThatThrownBy(() -> likes.likesOf(1, PageRequest.after(cursor, 10)))
                        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cursor");
                refused += 2;
            }
            for (int limit : new int[] {0, -1, PageRequest.MAX_LIMIT + 1, Integer.MAX_VALUE}) {
                assertThatThrownBy(() -> PageRequest.first(limit)).hasMessageContaining("limit");
                refused++;
            }
            for (String type : HOSTILE_TYPES) {
                assertThatThrownBy(() -> likes.likesOf(1, type, PageRequest.first(10))).hasMessageContaining("contentType");
                refused++;
            }
        }
        // nothing was written anywhere
        RedisClient client = RedisClient.create(TestServices.redisUri());
        try (StatefulRedisConnection<String, String> admin = client.connect()) {
            assertThat(admin.sync().keys(h.prefix + ":*")).isEmpty();
        } finally {
            client.shutdown();
        }
        assertThat(h.mysqlRecordRows()).isZero();
        assertThat(h.mysqlCounts()).isEmpty();
        Invariants.report(String.format("%-34s refused=%d written=0", "bad input at the boundary", refused));
    }

    private static String randomString(Random random) {
        int length = random.nextInt(4) == 0 ? 21 + random.nextInt(2_000) : 1 + random.nextInt(20);
        StringBuilder s = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            int kind = random.nextInt(4);
            s.append(kind == 0 ? (char) (32 + random.nextInt(95))
                    : kind == 1 ? (char) random.nextInt(0x2FFF)
                    : kind == 2 ? (char) ('a' + random.nextInt(26)) : "{}:'\";*?[]\\ \n".charAt(random.nextInt(13)));
        }
        return s.toString();
    }
}
