package dev.likes.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link Clock} that stands still until a test moves it, so that like times, expiry and ordering are tested without
 * sleeping. Thread-safe; always in UTC.
 */
public final class MutableClock extends Clock {

    private final AtomicReference<Instant> now;

    private MutableClock(Instant start) {
        this.now = new AtomicReference<>(Objects.requireNonNull(start, "start must not be null"));
    }

    /**
     * A clock that reads {@code start} until moved.
     *
     * @param start the first instant
     * @return the clock
     */
    public static MutableClock at(Instant start) {
        return new MutableClock(start);
    }

    /**
     * Moves the clock forward.
     *
     * @param amount how far; must not be negative
     * @return the new instant
     * @throws IllegalArgumentException if {@code amount} is negative
     */
    public Instant advance(Duration amount) {
        if (amount.isNegative()) {
            throw new IllegalArgumentException("amount must not be negative, but was " + amount);
        }
        return now.updateAndGet(t -> t.plus(amount));
    }

    /**
     * Sets the clock to any instant, also backwards.
     *
     * @param instant the new instant
     */
    public void set(Instant instant) {
        now.set(Objects.requireNonNull(instant, "instant must not be null"));
    }

    @Override
    public Instant instant() {
        return Objects.requireNonNull(now.get());
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    /**
     * Returns this clock for UTC; other zones are not supported.
     *
     * @param zone must be UTC
     * @return this clock
     * @throws UnsupportedOperationException for any other zone
     */
    @Override
    public Clock withZone(ZoneId zone) {
        if (!ZoneOffset.UTC.equals(zone.normalized())) {
            throw new UnsupportedOperationException("MutableClock is UTC only, but " + zone + " was asked for");
        }
        return this;
    }
}
