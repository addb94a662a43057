/**
 * A Spring Boot application on the like starter (module {@code examples-spring-boot}, not published): {@link
 * dev.likes.examples.boot.LikeBootApplication}.
 */
package dev.likes.examples.boot;
