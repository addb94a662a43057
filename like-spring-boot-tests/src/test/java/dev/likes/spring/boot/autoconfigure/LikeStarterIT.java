package dev.likes.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.likes.core.ContentRef;
import dev.likes.core.LikeService;
import dev.likes.jdbc.JdbiLikeStore;
import dev.likes.pipeline.LikePipeline;
import dev.likes.rabbitmq.RabbitLikeConsumer;
import dev.likes.testservers.JdbcEndpoint;
import dev.likes.testservers.TestServices;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * A Spring Boot application with the starter against the real Redis, Kafka (or RabbitMQ) and MariaDB: nothing but
 * Spring Boot's own properties for the three servers and a topic; a like goes through Redis and Kafka into MySQL, the meters land in
 * the host's registry under Boot's meter filters, the health indicator reports the pipeline, and closing the context
 * closes the pipeline.
 */
class LikeStarterIT {

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class HostApp {
        @Bean
        MeterRegistry meterRegistry() {
            return new SimpleMeterRegistry();
        }
    }

    @Test
    void aHostAppLikesThroughTheWholePipelineFromSpringBootsOwnProperties() throws Exception {
        JdbcEndpoint database = TestServices.freshDatabase();
        JdbiLikeStore.createSchema(Jdbi.create(database.url(), database.user(), database.password()));
        String topic = TestServices.uniqueName("boot_likes");
        Map<String, Object> properties = Map.of(
                "spring.datasource.url", database.url(),
                "spring.datasource.username", database.user(),
                "spring.datasource.password", database.password(),
                "spring.data.redis.url", TestServices.redisUri(),
                "spring.kafka.bootstrap-servers", TestServices.kafkaBootstrap(),
                "like.kafka.topic", topic,
                "like.kafka.consumer-group", topic + "_writer",
                "like.kafka.create-topic-partitions", "2",
                "management.endpoint.health.show-details", "always",
                "management.metrics.enable.likes.consumer", "false");
        ContentRef post = ContentRef.of("post", ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE));
        long user = ThreadLocalRandom.current().nextLong(1L << 62, Long.MAX_VALUE);
        LikePipeline pipeline;
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(HostApp.class)
                .properties(properties)
                .run()) {
            LikeService likes = context.getBean(LikeService.class);
            pipeline = context.getBean(LikePipeline.class);
            assertThat(likes).isSameAs(pipeline.service());

            assertThat(likes.like(user, post).count()).isEqualTo(1);
            assertThat(likes.hasLiked(user, post)).isTrue();
            // the consumer writes the event into MySQL
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                    assertThat(pipeline.mysqlStore().count(post).toCompletableFuture().join()).isEqualTo(1));

            // Boot's meter filters apply to the library's meters by prefix
            assertThat(context.getBean(MeterRegistry.class).getMeters())
                    .anySatisfy(meter -> assertThat(meter.getId().getName()).isEqualTo("likes.mutations"))
                    .noneSatisfy(meter -> assertThat(meter.getId().getName()).startsWith("likes.consumer."));
            Object indicator = context.getBean("likeHealthIndicator");
            assertThat(HealthProbe.statusAndDetails(indicator))
                    .startsWith("UP")
                    .contains("circuitBreaker", "consumerRunning=true", "outboxBacklog");
        }
        assertThat(pipeline.consumer()).hasValueSatisfying(consumer -> assertThat(consumer.isRunning()).isFalse());
    }

    @Test
    void aHostAppOnRabbitMqLikesThroughTheWholePipelineFromSpringBootsOwnProperties() throws Exception {
        JdbcEndpoint database = TestServices.freshDatabase();
        JdbiLikeStore.createSchema(Jdbi.create(database.url(), database.user(), database.password()));
        URI rabbit = URI.create(TestServices.rabbitMqUri());
        String[] login = rabbit.getUserInfo().split(":", 2);
        Map<String, Object> properties = Map.of(
                "spring.datasource.url", database.url(),
                "spring.datasource.username", database.user(),
                "spring.datasource.password", database.password(),
                "spring.data.redis.url", TestServices.redisUri(),
                "spring.rabbitmq.host", rabbit.getHost(),
                "spring.rabbitmq.port", rabbit.getPort(),
                "spring.rabbitmq.username", login[0],
                "spring.rabbitmq.password", login[1],
                "like.queue", "rabbitmq",
                "like.rabbitmq.exchange", TestServices.uniqueName("boot_likes"));
        ContentRef post = ContentRef.of("post", ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE));
        long user = ThreadLocalRandom.current().nextLong(1L << 62, Long.MAX_VALUE);
        LikePipeline pipeline;
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(HostApp.class)
                .properties(properties)
                .run()) {
            LikeService likes = context.getBean(LikeService.class);
            pipeline = context.getBean(LikePipeline.class);
            assertThat(likes.like(user, post).count()).isEqualTo(1);
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                    assertThat(pipeline.mysqlStore().count(post).toCompletableFuture().join()).isEqualTo(1));
            assertThat(pipeline.eventConsumer()).hasValueSatisfying(consumer ->
                    assertThat(consumer).isInstanceOf(RabbitLikeConsumer.class));
            assertThat(HealthProbe.statusAndDetails(context.getBean("likeHealthIndicator")))
                    .startsWith("UP")
                    .contains("consumerRunning=true", "consumerHealthy=true");
        }
        assertThat(pipeline.eventConsumer()).hasValueSatisfying(consumer -> assertThat(consumer.isRunning()).isFalse());
    }
}
