/**
 * Internal helpers shared by the library's modules (argument checks, futures). Not API: no compatibility promise,
 * not for host code.
 */
@NullMarked
package dev.likes.core.internal;

import org.jspecify.annotations.NullMarked;
