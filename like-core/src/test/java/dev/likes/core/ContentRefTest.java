package dev.likes.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ContentRefTest {

    @Test
    void printsAndParsesTypeColonId() {
        ContentRef ref = ContentRef.of("post", 123);

        assertThat(ref).hasToString("post:123");
        assertThat(ContentRef.parse("post:123")).isEqualTo(ref);
        assertThat(ContentRef.of("a_b9", Long.MAX_VALUE).type()).isEqualTo("a_b9");
        assertThat(ContentRef.of("a".repeat(20), 1).type()).hasSize(20);
    }

    @Test
    void parseRejectsWhatIsNotTypeColonId() {
        for (String bad : new String[] {"post", "post:", ":1", "post:1:2", "post:x", "post:-1", "Post:1", "post: 1",
            "post:+1", "post:0001", "post:0", "post:\u0661\u0662", "post:\uff11", "post:9223372036854775808", "post:1 "}) {
            assertThatThrownBy(() -> ContentRef.parse(bad))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("content");
        }
    }

    @Test
    void messagesNameTheRuleAndShowAShortEscapedValue() {
        assertThatThrownBy(() -> ContentRef.of("x".repeat(10_000), 1))
                .hasMessageStartingWith("contentType must be 1 to 20 characters of [a-z0-9_] starting with a letter")
                .hasMessageContaining("(10000 characters)")
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(200));
        assertThatThrownBy(() -> ContentRef.of("a\nb", 1)).hasMessageContaining("a\\u000ab");
        assertThatThrownBy(() -> ContentRef.of("post", 0)).hasMessage("contentId must be greater than 0, but was 0");
        assertThatThrownBy(() -> ContentRef.of(null, 1))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("contentType must not be null");
    }
}
