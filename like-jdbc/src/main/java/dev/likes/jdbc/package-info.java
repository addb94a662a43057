/**
 * The durable tier of the like service on MySQL or MariaDB (module {@code like-jdbc}): {@link
 * dev.likes.jdbc.JdbiLikeStore}, on Jdbi, with the schema as versioned migrations under {@code
 * dev/likes/jdbc/migration} (in Flyway's naming, with a Liquibase changelog beside them).
 */
@NullMarked
package dev.likes.jdbc;

import org.jspecify.annotations.NullMarked;
