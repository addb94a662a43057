/** The Redis tier of the like service (module {@code like-redis}); its store arrives with its own issue. */
package dev.likes.redis;
