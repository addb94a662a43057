/**
 * The like service: its API ({@link dev.likes.core.LikeService}, {@link dev.likes.core.AsyncLikeService}), the
 * storage SPI ({@link dev.likes.core.LikeStore}), the event SPI ({@link dev.likes.core.EventPublisher}), the domain
 * types and the in-memory store.
 *
 * <p>Every public type of this package is either immutable or documented as thread-safe. Arguments are never
 * {@code null} unless a parameter says so; a {@code null} or otherwise invalid argument is rejected with an
 * {@link java.lang.IllegalArgumentException} (or {@link java.lang.NullPointerException} for {@code null}) whose
 * message names the argument and the rule, before anything is written.
 */
@NullMarked
package dev.likes.core;

import org.jspecify.annotations.NullMarked;
