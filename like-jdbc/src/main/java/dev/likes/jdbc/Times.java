package dev.likes.jdbc;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/** Times are stored as UTC {@code DATETIME(3)}: bound and read as {@link LocalDateTime} in UTC, never shifted. */
final class Times {

    /** The first instant a {@code DATETIME} holds. */
    static final Instant EARLIEST = Instant.parse("1000-01-01T00:00:00Z");
    /** The last millisecond a {@code DATETIME(3)} holds. */
    static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999Z");

    private Times() {}

    static boolean storable(Instant instant) {
        return !instant.isBefore(EARLIEST) && !instant.isAfter(LATEST);
    }

    static LocalDateTime toSql(Instant instant) {
        return LocalDateTime.ofInstant(instant.truncatedTo(ChronoUnit.MILLIS), ZoneOffset.UTC);
    }

    static Instant fromSql(LocalDateTime time) {
        return time.toInstant(ZoneOffset.UTC);
    }
}
