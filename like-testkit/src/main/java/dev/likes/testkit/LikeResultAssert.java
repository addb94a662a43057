package dev.likes.testkit;

import dev.likes.core.LikeResult;
import org.assertj.core.api.AbstractAssert;

/**
 * AssertJ assertions on a {@link LikeResult}, whose failure messages name the whole result:
 * {@code assertThat(service.like(user, post)).isApplied().isLiked().hasCount(1)}. Start from
 * {@link LikeAssertions#assertThat(LikeResult)}. Not thread-safe (as AssertJ assertions are not).
 */
public final class LikeResultAssert extends AbstractAssert<LikeResultAssert, LikeResult> {

    LikeResultAssert(LikeResult actual) {
        super(actual, LikeResultAssert.class);
    }

    /**
     * The status is the given one.
     *
     * @param status the expected status
     * @return this assertion
     */
    public LikeResultAssert hasStatus(LikeResult.Status status) {
        isNotNull();
        if (actual.status() != status) {
            failWithMessage("Expected status %s but was %s", status, actual);
        }
        return this;
    }

    /**
     * The change was applied (and its event published).
     *
     * @return this assertion
     */
    public LikeResultAssert isApplied() {
        return hasStatus(LikeResult.Status.APPLIED);
    }

    /**
     * Nothing changed: the user was already in the asked-for state.
     *
     * @return this assertion
     */
    public LikeResultAssert isUnchanged() {
        return hasStatus(LikeResult.Status.UNCHANGED);
    }

    /**
     * The request ID was seen before: the change was not applied again.
     *
     * @return this assertion
     */
    public LikeResultAssert isDuplicateRequest() {
        return hasStatus(LikeResult.Status.DUPLICATE_REQUEST);
    }

    /**
     * "Liked, will show later": accepted in degraded mode.
     *
     * @return this assertion
     */
    public LikeResultAssert isAccepted() {
        return hasStatus(LikeResult.Status.ACCEPTED);
    }

    /**
     * The user likes the content after the call.
     *
     * @return this assertion
     */
    public LikeResultAssert isLiked() {
        isNotNull();
        if (!actual.liked()) {
            failWithMessage("Expected the content liked but was %s", actual);
        }
        return this;
    }

    /**
     * The user does not like the content after the call.
     *
     * @return this assertion
     */
    public LikeResultAssert isNotLiked() {
        isNotNull();
        if (actual.liked()) {
            failWithMessage("Expected the content not liked but was %s", actual);
        }
        return this;
    }

    /**
     * The count after the call is the given one.
     *
     * @param count the expected count
     * @return this assertion
     */
    public LikeResultAssert hasCount(long count) {
        isNotNull();
        if (actual.count() != count) {
            failWithMessage("Expected count %d but was %s", count, actual);
        }
        return this;
    }

    /**
     * The content's version after the call is above the given one (a change moves it forward).
     *
     * @param version the version it must exceed
     * @return this assertion
     */
    public LikeResultAssert hasVersionAbove(long version) {
        isNotNull();
        if (actual.version() <= version) {
            failWithMessage("Expected a version above %d but was %s", version, actual);
        }
        return this;
    }
}
