/**
 * The contract test kits and the test doubles they run on. {@link dev.likes.testkit.LikeStoreCompatibilityKit} is the
 * suite every {@link dev.likes.core.LikeStore} must pass, {@link dev.likes.testkit.LikeEventSinkCompatibilityKit} the
 * one every {@link dev.likes.core.LikeEventSink} must pass, {@link dev.likes.testkit.JobLeasesCompatibilityKit} the one
 * of job leases; {@link dev.likes.testkit.LikeAssertions} gives AssertJ assertions on results; the doubles are
 * {@link dev.likes.testkit.MutableClock}, {@link dev.likes.testkit.RecordingEventPublisher},
 * {@link dev.likes.testkit.InMemoryEventSink} and {@link dev.likes.testkit.EventHistory}. Add {@code like-testkit}
 * with test scope; it brings JUnit 5, AssertJ and jqwik.
 */
@NullMarked
package dev.likes.testkit;

import org.jspecify.annotations.NullMarked;
