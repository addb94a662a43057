/**
 * The durable tier of the like service on MySQL or MariaDB (module {@code like-jdbc}): {@link
 * dev.likes.jdbc.JdbiLikeStore}, on Jdbi, with the schema as versioned migrations under {@code db/migration/like}.
 */
package dev.likes.jdbc;
