package dev.likes.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.likes.core.ContentRef;
import dev.likes.core.LikeAction;
import dev.likes.core.LikeEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The codec kept in this package for hosts that still use it reads and writes the shared format. */
@SuppressWarnings("removal")
class DeprecatedCodecTest {

    @Test
    void writesAndReadsTheSharedFormat() {
        LikeEvent event = new LikeEvent("e-1", null, 42, ContentRef.of("post", 7), LikeAction.LIKE,
                Instant.parse("2026-12-05T10:00:00Z"), 3, 1);
        assertThat(LikeEventCodec.encode(event)).isEqualTo(dev.likes.events.LikeEventCodec.encode(event));
        assertThat(LikeEventCodec.decode(dev.likes.events.LikeEventCodec.encode(event))).isEqualTo(event);
    }

    @Test
    void aBadRecordFailsWithTheExceptionOfThisPackageWhichIsTheSharedOne() {
        assertThatThrownBy(() -> LikeEventCodec.decode("{}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(LikeEventFormatException.class)
                .isInstanceOf(dev.likes.events.LikeEventFormatException.class)
                .hasMessageContaining("schema version");
    }
}
