/**
 * The Redis tier of the like service (module {@code like-redis}): {@link dev.likes.redis.RedisLikeStore}, on Lettuce,
 * for a single Redis or a Redis Cluster.
 */
@NullMarked
package dev.likes.redis;

import org.jspecify.annotations.NullMarked;
