package dev.likes.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class CursorsTest {

    private static final Instant AT = Instant.parse("2026-03-04T05:06:07.123456789Z");

    private static final ContentRef POST = ContentRef.of("post", 7);

    @Test
    void likerCursorRoundTrips() {
        Liker liker = new Liker(42, AT);

        assertThat(Cursors.decodeLiker(POST, Cursors.encode(POST, liker))).isEqualTo(liker);
    }

    @Test
    void userLikeCursorRoundTrips() {
        UserLike like = new UserLike(ContentRef.of("comment_v2", 9), AT);

        assertThat(Cursors.decodeUserLike(5, null, Cursors.encode(5, null, like))).isEqualTo(like);
        assertThat(Cursors.decodeUserLike(5, "comment_v2", Cursors.encode(5, "comment_v2", like))).isEqualTo(like);
    }

    @Test
    void cursorsAreUrlSafe() {
        assertThat(Cursors.encode(Long.MAX_VALUE, "post", new UserLike(ContentRef.of("post", Long.MAX_VALUE), AT)))
                .matches("[A-Za-z0-9_-]+");
    }

    @Test
    void aCursorOfOneListingIsRejectedByEveryOther() {
        String likerCursor = Cursors.encode(POST, new Liker(1, AT));
        String userCursor = Cursors.encode(5, null, new UserLike(POST, AT));
        String typedCursor = Cursors.encode(5, "post", new UserLike(POST, AT));

        assertThatThrownBy(() -> Cursors.decodeUserLike(5, null, likerCursor)).hasMessageStartingWith("cursor must be");
        assertThatThrownBy(() -> Cursors.decodeLiker(ContentRef.of("post", 8), likerCursor))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("cursor must be");
        assertThatThrownBy(() -> Cursors.decodeLiker(ContentRef.of("comment", 7), likerCursor))
                .hasMessageStartingWith("cursor must be");
        assertThatThrownBy(() -> Cursors.decodeUserLike(6, null, userCursor)).hasMessageStartingWith("cursor must be");
        assertThatThrownBy(() -> Cursors.decodeUserLike(5, "post", userCursor)).hasMessageStartingWith("cursor must be");
        assertThatThrownBy(() -> Cursors.decodeUserLike(5, null, typedCursor)).hasMessageStartingWith("cursor must be");
    }

    @Test
    void tamperedCursorsAreRejected() {
        long max = Instant.MAX.getEpochSecond();
        for (String text : new String[] {
            "L2.post.7.1.2", "L2.post.7.1.2.3.4", "L2.post.7.x.0.1", "L2.post.7.1.1000000000.1", "L2.post.7.1.0.0",
            "L2.post.7.1.0.-5", "L2.post.7." + max + ".0.1", "L2.post.7.-99999999999.0.1", "L1.1.0.1",
            "U2.5.*.1.0.Post.1", "U2.5.*.1.0.post.0", "U2.5.*." + max + ".999999999.post.1"
        }) {
            String cursor = Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
            assertThatThrownBy(() -> Cursors.decodeLiker(POST, cursor))
                    .as(text)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("cursor must be");
            assertThatThrownBy(() -> Cursors.decodeUserLike(5, null, cursor))
                    .as(text)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("cursor must be");
        }
    }
}
