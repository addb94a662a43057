/**
 * The {@code like-admin} command ({@link dev.likes.admin.LikeAdmin}): status, reconcile, recount, archive,
 * purge-requests, replay-dlq and forget-user against a running like system. Run the jar of classifier {@code all}:
 * {@code java -jar like-admin-VERSION-all.jar --help}.
 *
 * <p>Nothing here returns or accepts {@code null} unless a parameter says so.
 */
@NullMarked
package dev.likes.admin;

import org.jspecify.annotations.NullMarked;
