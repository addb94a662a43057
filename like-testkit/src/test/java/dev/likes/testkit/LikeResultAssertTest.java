package dev.likes.testkit;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.likes.core.LikeResult;
import org.junit.jupiter.api.Test;

class LikeResultAssertTest {

    private static final LikeResult APPLIED = new LikeResult(LikeResult.Status.APPLIED, true, 3, 17);

    @Test
    void passesOnWhatTheResultSays() {
        LikeAssertions.assertThat(APPLIED).isApplied().isLiked().hasCount(3).hasVersionAbove(16);
        LikeAssertions.assertThat(new LikeResult(LikeResult.Status.UNCHANGED, false, 0, 4)).isUnchanged().isNotLiked();
    }

    @Test
    void failsNamingTheWholeResult() {
        assertThatThrownBy(() -> LikeAssertions.assertThat(APPLIED).isDuplicateRequest())
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("DUPLICATE_REQUEST")
                .hasMessageContaining("count=3");
        assertThatThrownBy(() -> LikeAssertions.assertThat(APPLIED).hasCount(4)).hasMessageContaining("count 4");
        assertThatThrownBy(() -> LikeAssertions.assertThat(APPLIED).isNotLiked()).hasMessageContaining("not liked");
        assertThatThrownBy(() -> LikeAssertions.assertThat(APPLIED).hasVersionAbove(17))
                .hasMessageContaining("above 17");
        assertThatThrownBy(() -> LikeAssertions.assertThat(APPLIED).isAccepted()).isInstanceOf(AssertionError.class);
    }
}
