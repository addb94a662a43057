package dev.likes.spring.boot.autoconfigure;

import dev.likes.pipeline.LikePipeline;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The health indicator {@code like} of an auto-configured (or host-defined) {@link LikePipeline}, on Spring Boot
 * 3.5's actuator or Spring Boot 4.0's health module, whichever is on the class path: down when the consumer this
 * process should run has stopped, up otherwise, with the circuit breaker's state, the degraded and outbox backlogs
 * and the consumer's lag as details. Backs off when the host defines a bean named {@code likeHealthIndicator}.
 */
@AutoConfiguration(after = LikeAutoConfiguration.class)
@ConditionalOnClass(name = "dev.likes.pipeline.LikePipeline")
public class LikeHealthAutoConfiguration {

    /** Creates the auto-configuration; Spring Boot does. */
    public LikeHealthAutoConfiguration() {}

    /** Spring Boot 3.5's actuator. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.actuate.health.HealthIndicator")
    @ConditionalOnMissingClass("org.springframework.boot.health.contributor.HealthIndicator")
    static class Boot3 {

        @Bean
        @ConditionalOnBean(LikePipeline.class)
        @ConditionalOnMissingBean(name = "likeHealthIndicator")
        Boot3LikeHealthIndicator likeHealthIndicator(LikePipeline likePipeline) {
            return new Boot3LikeHealthIndicator(likePipeline);
        }
    }

    /** Spring Boot 4.0's health module. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
    static class Boot4 {

        @Bean
        @ConditionalOnBean(LikePipeline.class)
        @ConditionalOnMissingBean(name = "likeHealthIndicator")
        Boot4LikeHealthIndicator likeHealthIndicator(LikePipeline likePipeline) {
            return new Boot4LikeHealthIndicator(likePipeline);
        }
    }
}
