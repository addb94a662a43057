package dev.likes.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ContentSnapshotTest {

    @Test
    void rejectsNegativeCountsAndVersionsNamingThem() {
        assertThatThrownBy(() -> new ContentSnapshot(-1, 0, List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("count");
        assertThatThrownBy(() -> new ContentSnapshot(0, -1, List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("version");
        assertThatThrownBy(() -> new ContentSnapshot(0, 0, null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("newestLikers");
    }

    @Test
    void keepsACopyOfTheLikers() {
        List<Liker> likers = new ArrayList<>(List.of(new Liker(1, Instant.EPOCH)));
        ContentSnapshot snapshot = new ContentSnapshot(1, 5, likers);
        likers.clear();
        assertThat(snapshot.newestLikers()).containsExactly(new Liker(1, Instant.EPOCH));
    }
}
