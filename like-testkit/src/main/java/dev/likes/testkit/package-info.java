/**
 * The contract test kit: {@link dev.likes.testkit.LikeStoreCompatibilityKit} is the suite every
 * {@link dev.likes.core.LikeStore} must pass, and {@link dev.likes.testkit.MutableClock} the clock it runs on.
 * Add {@code like-testkit} with test scope; it brings JUnit 5, AssertJ and jqwik.
 */
@NullMarked
package dev.likes.testkit;

import org.jspecify.annotations.NullMarked;
