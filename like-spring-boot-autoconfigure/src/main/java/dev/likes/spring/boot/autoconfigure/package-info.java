/**
 * Spring Boot auto-configuration of the like service (module {@code like-spring-boot-autoconfigure}, brought by
 * {@code like-spring-boot-starter}): {@link dev.likes.spring.boot.autoconfigure.LikeAutoConfiguration}, its
 * {@code like.*} {@linkplain dev.likes.spring.boot.autoconfigure.LikeProperties properties} and {@link
 * dev.likes.spring.boot.autoconfigure.LikePipelineCustomizer}. Works with Spring Boot 3.5 and 4.0.
 */
@NullMarked
package dev.likes.spring.boot.autoconfigure;

import org.jspecify.annotations.NullMarked;
