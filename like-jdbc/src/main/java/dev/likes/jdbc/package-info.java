/** The MySQL/MariaDB tier of the like service (module {@code like-jdbc}); its store arrives with its own issue. */
package dev.likes.jdbc;
