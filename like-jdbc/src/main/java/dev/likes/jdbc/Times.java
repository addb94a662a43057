package dev.likes.jdbc;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/** Times are stored as UTC {@code DATETIME(3)}: bound and read as {@link LocalDateTime} in UTC, never shifted. */
final class Times {

    private Times() {}

    static LocalDateTime toSql(Instant instant) {
        return LocalDateTime.ofInstant(instant.truncatedTo(ChronoUnit.MILLIS), ZoneOffset.UTC);
    }

    static Instant fromSql(LocalDateTime time) {
        return time.toInstant(ZoneOffset.UTC);
    }
}
