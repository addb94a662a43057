package dev.likes.jdbc;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/** Times are stored as UTC {@code DATETIME(3)}: bound and read as {@link LocalDateTime} in UTC, never shifted. */
final class Times {

    /** The first instant a {@code DATETIME} holds. */
    static final Instant EARLIEST = Instant.parse("1000-01-01T00:00:00Z");
    /** The last millisecond a {@code DATETIME(3)} holds. */
    static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999Z");

    private static final DateTimeFormatter SQL =
            DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSS");

    private Times() {}

    static boolean storable(Instant instant) {
        return !instant.isBefore(EARLIEST) && !instant.isAfter(LATEST);
    }

    /**
     * The instant as a {@code DATETIME(3)} literal in UTC, {@code yyyy-MM-dd HH:mm:ss.SSS}, bound as a string: MySQL
     * Connector/J takes MariaDB's handshake version ({@code 5.5.5-...}) for a MySQL without fractional seconds and
     * would send a {@link LocalDateTime} as whole seconds. The server converts the string, milliseconds included.
     */
    static String toSql(Instant instant) {
        return SQL.format(LocalDateTime.ofInstant(instant.truncatedTo(ChronoUnit.MILLIS), ZoneOffset.UTC));
    }

    static Instant fromSql(LocalDateTime time) {
        return time.toInstant(ZoneOffset.UTC);
    }
}
