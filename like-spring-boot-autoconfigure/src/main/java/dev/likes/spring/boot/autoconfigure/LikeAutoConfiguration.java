package dev.likes.spring.boot.autoconfigure;

import dev.likes.core.InMemoryLikeStore;
import dev.likes.core.LikeService;
import dev.likes.core.LikeStore;
import dev.likes.pipeline.LikePipeline;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.lettuce.core.RedisURI;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;

/**
 * Auto-configuration of the like service. With {@code like.mode=pipeline} (the default, when {@code like-pipeline} is
 * on the class path) it builds a {@link LikePipeline} on the host's {@link DataSource}, the Redis and Kafka of Spring
 * Boot's own properties (or {@code like.redis.uri} and {@code like.kafka.bootstrap-servers}; with
 * {@code like.queue=rabbitmq}, RabbitMQ from {@code spring.rabbitmq.*} or {@code like.rabbitmq.uri}), and the host's
 * {@code MeterRegistry} and {@code ObservationRegistry}, and exposes its {@link LikeService}; with {@code like.mode=memory}, a {@link LikeService} over
 * an {@link InMemoryLikeStore}. Every bean backs off when the host defines one of its type; {@link
 * LikePipelineCustomizer} beans adjust the pipeline beyond the properties. {@link LikeHealthAutoConfiguration} adds
 * the pipeline's health indicator.
 */
@AutoConfiguration(afterName = {
    "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration",
    "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
    "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration",
    "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration"})
@EnableConfigurationProperties(LikeProperties.class)
public class LikeAutoConfiguration {

    /** Creates the auto-configuration; Spring Boot does. */
    public LikeAutoConfiguration() {}

    /** {@code like.mode=memory}: one process's memory. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(prefix = "like", name = "mode", havingValue = "memory")
    static class MemoryConfiguration {

        @Bean
        @ConditionalOnMissingBean(LikeStore.class)
        InMemoryLikeStore likeStore() {
            return InMemoryLikeStore.create();
        }

        @Bean
        @ConditionalOnMissingBean(LikeService.class)
        LikeService likeService(LikeStore likeStore, LikeProperties properties) {
            return LikeService.builder(likeStore).callTimeout(properties.getCallTimeout()).build();
        }
    }

    /** {@code like.mode=pipeline}: the design, on the host's data source, Redis and Kafka. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "dev.likes.pipeline.LikePipeline")
    @ConditionalOnProperty(prefix = "like", name = "mode", havingValue = "pipeline", matchIfMissing = true)
    @Import({Boot3Kafka.class, Boot4Kafka.class, BootRedis.class})
    static class PipelineConfiguration {

        @Bean(destroyMethod = "close")
        @ConditionalOnMissingBean({LikePipeline.class, LikeService.class})
        LikePipeline likePipeline(LikeProperties properties, Environment environment,
                ObjectProvider<DataSource> dataSource, ObjectProvider<BootKafkaSettings> bootKafka,
                ObjectProvider<CircuitBreakerRegistry> breakers, ObjectProvider<LikePipelineCustomizer> customizers) {
            DataSource database = dataSource.getIfUnique();
            if (database == null) {
                throw new IllegalStateException("like.mode=pipeline needs one DataSource bean holding like_records"
                        + " (spring-boot-starter-jdbc, which the starter brings, and spring.datasource.url); or set"
                        + " like.mode=memory for development");
            }
            LikePipeline.Builder builder = LikePipeline.builder()
                    .redis(redisUri(properties, environment))
                    .mysql(Jdbi.create(database))
                    .callTimeout(properties.getCallTimeout())
                    .maxInFlight(properties.getMaxInFlight())
                    .maxDegraded(properties.getMaxDegraded())
                    .repairInterval(properties.getRepairInterval());
            LikeRateLimitProperties limit = properties.getRateLimit();
            if (limit.isEnabled()) {
                builder.rateLimit(limit.getPerSecond(), limit.getBurst());
            } else {
                builder.noRateLimit();
            }
            PipelineSettings.stores(builder, properties);
            if (properties.getQueue() == LikeProperties.Queue.RABBITMQ) {
                if (!ClassUtils.isPresent("dev.likes.rabbitmq.RabbitLikeConsumer", getClass().getClassLoader())) {
                    throw new IllegalStateException("like.queue=rabbitmq needs dev.likes:like-rabbitmq on the class"
                            + " path: add it next to the starter (its version comes from the like BOM)");
                }
                RabbitSettings.apply(builder, properties, environment);
            } else {
                KafkaSettings.apply(builder, properties, bootKafka.getIfAvailable(), environment);
            }
            CircuitBreakerRegistry registry = breakers.getIfUnique();
            if (registry != null) {
                builder.circuitBreakerRegistry(registry);
            }
            customizers.orderedStream().forEach(customizer -> customizer.customize(builder));
            return builder.build();
        }

        @Bean(destroyMethod = "")
        @ConditionalOnMissingBean(LikeService.class)
        LikeService likeService(LikePipeline likePipeline) {
            return likePipeline.service();
        }

        /** The host's meter registry, when it has Micrometer. */
        @Configuration(proxyBeanMethods = false)
        @ConditionalOnClass(MeterRegistry.class)
        static class MetricsConfiguration {

            @Bean
            LikePipelineCustomizer likeMeterRegistryCustomizer(ObjectProvider<MeterRegistry> registry) {
                return builder -> {
                    MeterRegistry unique = registry.getIfUnique();
                    if (unique != null) {
                        builder.meterRegistry(unique);
                    }
                };
            }
        }

        /** The host's observation registry (Spring Boot's, with Micrometer Tracing when the host has it). */
        @Configuration(proxyBeanMethods = false)
        @ConditionalOnClass(ObservationRegistry.class)
        static class ObservationConfiguration {

            @Bean
            LikePipelineCustomizer likeObservationRegistryCustomizer(ObjectProvider<ObservationRegistry> registry) {
                return builder -> {
                    ObservationRegistry unique = registry.getIfUnique();
                    if (unique != null && !unique.isNoop()) {
                        builder.observationRegistry(unique);
                    }
                };
            }
        }
    }

    static RedisURI redisUri(LikeProperties properties, Environment environment) {
        String uri = properties.getRedis().getUri();
        if (uri == null || uri.isBlank()) {
            uri = environment.getProperty("spring.data.redis.url");
        }
        if (uri != null && !uri.isBlank()) {
            return RedisURI.create(uri);
        }
        RedisURI.Builder builder = RedisURI.builder()
                .withHost(environment.getProperty("spring.data.redis.host", "localhost"))
                .withPort(environment.getProperty("spring.data.redis.port", Integer.class, 6379))
                .withDatabase(environment.getProperty("spring.data.redis.database", Integer.class, 0))
                .withSsl(environment.getProperty("spring.data.redis.ssl.enabled", Boolean.class, false));
        String password = environment.getProperty("spring.data.redis.password");
        if (password != null && !password.isEmpty()) {
            String username = environment.getProperty("spring.data.redis.username");
            if (username != null && !username.isEmpty()) {
                builder.withAuthentication(username, password);
            } else {
                builder.withPassword(password.toCharArray());
            }
        }
        return builder.build();
    }
}
