package dev.likes.core;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class LikeMutationTest {

    @Test
    void eraseIsAnEventActionOnly() {
        assertThatThrownBy(() -> new LikeMutation("e", 1, ContentRef.of("post", 1), LikeAction.ERASE, null,
                Instant.EPOCH))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("action must be LIKE or UNLIKE in a mutation, but was ERASE");
    }
}
