package dev.likes.testkit;

import dev.likes.core.LikeResult;

/**
 * The entry point of the kit's AssertJ assertions, beside AssertJ's own {@code Assertions.assertThat}:
 * {@code import static dev.likes.testkit.LikeAssertions.assertThat;}.
 */
public final class LikeAssertions {

    private LikeAssertions() {}

    /**
     * Assertions on a like or unlike's result.
     *
     * @param actual the result
     * @return the assertion
     */
    public static LikeResultAssert assertThat(LikeResult actual) {
        return new LikeResultAssert(actual);
    }
}
