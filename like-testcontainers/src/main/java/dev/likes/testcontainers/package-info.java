/**
 * Testcontainers for the servers a like pipeline runs on: {@link dev.likes.testcontainers.LikeContainers} makes
 * each container, {@link dev.likes.testcontainers.LikeStack} starts the three together. Both configure the servers
 * as the project's {@code docker-compose.yml} does. Add {@code like-testcontainers} with test scope; it needs a
 * Docker engine.
 */
@NullMarked
package dev.likes.testcontainers;

import org.jspecify.annotations.NullMarked;
