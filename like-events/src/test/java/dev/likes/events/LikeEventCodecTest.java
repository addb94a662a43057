package dev.likes.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.likes.core.ContentRef;
import dev.likes.core.LikeAction;
import dev.likes.core.LikeEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LikeEventCodecTest {

    private static final LikeEvent EVENT = new LikeEvent("e-1", "click-7", 42, ContentRef.of("post", 123),
            LikeAction.LIKE, Instant.parse("2026-11-28T16:06:43.123Z"), 1_764_345_603_123_456L, 17);

    @Test
    void roundTripsEveryField() {
        assertThat(LikeEventCodec.decode(LikeEventCodec.encode(EVENT))).isEqualTo(EVENT);
        LikeEvent noRequest = new LikeEvent("e-2", null, 1, ContentRef.of("comment", 9), LikeAction.UNLIKE,
                Instant.EPOCH, 5, 0);
        assertThat(LikeEventCodec.decode(LikeEventCodec.encode(noRequest))).isEqualTo(noRequest);
        LikeEvent erase = new LikeEvent("e-3", null, 1, ContentRef.of("post", 9), LikeAction.ERASE, Instant.EPOCH, 5, 0);
        assertThat(LikeEventCodec.decode(LikeEventCodec.encode(erase))).isEqualTo(erase);
    }

    @Test
    void isPlainVersionedJson() {
        String json = new String(LikeEventCodec.encode(EVENT), StandardCharsets.UTF_8);

        assertThat(json).isEqualTo("{\"v\":1,\"eventId\":\"e-1\",\"requestId\":\"click-7\",\"userId\":42,"
                + "\"contentType\":\"post\",\"contentId\":123,\"action\":\"LIKE\","
                + "\"occurredAt\":\"2026-11-28T16:06:43.123Z\",\"version\":1764345603123456,\"count\":17}");
    }

    @Test
    void rejectsWhatIsNotAKnownValidEvent() {
        String valid = new String(LikeEventCodec.encode(EVENT), StandardCharsets.UTF_8);
        String[] bad = {
            "not json",
            "[1,2]",
            valid.replace("\"v\":1", "\"v\":2"),
            valid.replace("\"v\":1,", ""),
            valid.replace("\"contentType\":\"post\"", "\"contentType\":\"' OR 1=1 --\""),
            valid.replace("\"userId\":42", "\"userId\":0"),
            valid.replace("\"action\":\"LIKE\"", "\"action\":\"LOVE\""),
            valid.replace("\"occurredAt\":\"2026-11-28T16:06:43.123Z\"", "\"occurredAt\":\"yesterday\""),
            valid.replace(",\"count\":17", ""),
            valid.replace("}", ",\"extra\":1}"),
            "null",
            "",
            "17",
            valid.replace("\"userId\":42", "\"userId\":\"42\""),
            valid.replace("\"userId\":42", "\"userId\":42.7"),
            valid.replace("\"userId\":42", "\"userId\":99999999999999999999"),
            valid.replace("\"v\":1", "\"v\":1.9"),
            valid.replace("\"v\":1", "\"v\":\"1\""),
            valid.replace("\"count\":17", "\"count\":17,\"count\":18"),
            valid.replace("\"userId\":42", "\"userId\":42,\"userId\":43"),
            valid.replace("\"requestId\":\"click-7\"", "\"requestId\":\"" + "r".repeat(300) + "\""),
            valid.replace("\"requestId\":\"click-7\"", "\"requestId\":\"a b\""),
            valid.replace("\"eventId\":\"e-1\"", "\"eventId\":\"\""),
            valid.replace("2026-11-28T16:06:43.123Z", "+10000-01-01T00:00:00Z"),
            valid.replace("2026-11-28T16:06:43.123Z", "0999-12-31T23:59:59Z"),
            valid.replace("\"version\":1764345603123456", "\"version\":1.764345603123456E15"),
            valid + " {}"
        };
        for (String text : bad) {
            assertThatThrownBy(() -> LikeEventCodec.decode(text.getBytes(StandardCharsets.UTF_8)))
                    .as(text)
                    .isInstanceOf(LikeEventFormatException.class);
        }
        assertThatThrownBy(() -> LikeEventCodec.decode(null)).isInstanceOf(LikeEventFormatException.class);
    }

    @Test
    void acceptsTheEdgesOfWhatSqlCanStore() {
        for (Instant at : new Instant[] {LikeEventCodec.EARLIEST, LikeEventCodec.LATEST}) {
            LikeEvent event = new LikeEvent("e-3", null, Long.MAX_VALUE, ContentRef.of("post", Long.MAX_VALUE),
                    LikeAction.LIKE, at, Long.MAX_VALUE, 0);
            assertThat(LikeEventCodec.decode(LikeEventCodec.encode(event))).isEqualTo(event);
        }
    }

    @Test
    void aRejectionQuotesOnlyAShortEscapedPieceOfTheRecord() {
        String hostile = "\u001b[31m" + "x".repeat(100_000) + "\n";
        assertThatThrownBy(() -> LikeEventCodec.decode(hostile.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(LikeEventFormatException.class)
                .satisfies(e -> {
                    assertThat(e.getMessage()).hasSizeLessThan(400).doesNotContain("\u001b").doesNotContain("\n");
                });
        String field = new String(LikeEventCodec.encode(EVENT), StandardCharsets.UTF_8)
                .replace("\"contentType\":\"post\"", "\"contentType\":\"\\u001b" + "y".repeat(5_000) + "\"");
        assertThatThrownBy(() -> LikeEventCodec.decode(field.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(LikeEventFormatException.class)
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(400).doesNotContain("\u001b"));
    }
}
