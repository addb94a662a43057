package dev.likes.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class CursorsTest {

    private static final Instant AT = Instant.parse("2026-03-04T05:06:07.123456789Z");

    @Test
    void likerCursorRoundTrips() {
        Liker liker = new Liker(42, AT);

        assertThat(Cursors.decodeLiker(Cursors.encode(liker))).isEqualTo(liker);
    }

    @Test
    void userLikeCursorRoundTrips() {
        UserLike like = new UserLike(ContentRef.of("comment_v2", 9), AT);

        assertThat(Cursors.decodeUserLike(Cursors.encode(like))).isEqualTo(like);
    }

    @Test
    void cursorsAreUrlSafe() {
        assertThat(Cursors.encode(new UserLike(ContentRef.of("post", Long.MAX_VALUE), AT))).matches("[A-Za-z0-9_-]+");
    }

    @Test
    void aCursorOfOneListingIsRejectedByTheOther() {
        String likerCursor = Cursors.encode(new Liker(1, AT));

        assertThatThrownBy(() -> Cursors.decodeUserLike(likerCursor))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("cursor must be");
    }

    @Test
    void tamperedCursorsAreRejected() {
        for (String text : new String[] {
            "L1.1.2", "L1.1.2.3.4", "L1.x.0.1", "L1.1.1000000000.1", "L1.1.0.0", "L1.1.0.-5", "U1.1.0.Post.1", "U1.1.0.post.0"
        }) {
            String cursor = Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
            assertThatThrownBy(() -> {
                        Cursors.decodeLiker(cursor);
                        Cursors.decodeUserLike(cursor);
                    })
                    .as(text)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("cursor must be");
        }
    }
}
