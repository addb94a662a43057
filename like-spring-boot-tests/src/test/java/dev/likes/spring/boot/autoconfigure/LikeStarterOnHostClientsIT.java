package dev.likes.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.likes.core.ContentRef;
import dev.likes.core.LikeResult;
import dev.likes.core.LikeService;
import dev.likes.jdbc.JdbiLikeStore;
import dev.likes.pipeline.LikePipeline;
import dev.likes.testservers.JdbcEndpoint;
import dev.likes.testservers.TestServices;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.event.connection.ConnectionActivatedEvent;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * A Spring Boot application that has spring-data-redis, spring-kafka and a Resilience4j registry: the pipeline runs on
 * what the host has. Kafka is the broker's SASL listener, with a different login for the producers, the consumer
 * and the admin client, each given only in Boot's per-client properties, and ACLs that deny each user what the
 * others do: the topic is created, a like reaches MySQL and a poison record reaches the dead-letter topic only if
 * each of the four clients logged in as its own kind (the dead-letter producer as a producer). Redis is
 * reached through the host's Lettuce resources and connection settings (its client name), the circuit breaker is the
 * registry's, and closing the context takes the pipeline's meters and breaker out of the host's registries.
 */
class LikeStarterOnHostClientsIT {

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class HostApp {
        @Bean
        MeterRegistry meterRegistry() {
            return new SimpleMeterRegistry();
        }

        @Bean(destroyMethod = "shutdown")
        ClientResources lettuceClientResources() {
            return DefaultClientResources.create();
        }

        @Bean
        CircuitBreakerRegistry circuitBreakerRegistry() {
            return CircuitBreakerRegistry.ofDefaults();
        }
    }

    private static String login(String user) {
        return "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + user
                + "\" password=\"" + user + "-pw\";";
    }

    private static Map<String, Object> sasl(String user) {
        Map<String, Object> config = new HashMap<>();
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, TestServices.kafkaSaslBootstrap());
        config.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT");
        config.put(SaslConfigs.SASL_MECHANISM, "PLAIN");
        config.put(SaslConfigs.SASL_JAAS_CONFIG, login(user));
        return config;
    }

    @Test
    void thePipelineRunsOnTheHostsKafkaLoginsRedisClientAndBreakerRegistry() throws Exception {
        JdbcEndpoint database = TestServices.freshDatabase();
        JdbiLikeStore.createSchema(Jdbi.create(database.url(), database.user(), database.password()));
        String topic = TestServices.uniqueName("boot_sasl");
        String clientName = TestServices.uniqueName("host");
        Map<String, Object> properties = new HashMap<>();
        properties.put("spring.datasource.url", database.url());
        properties.put("spring.datasource.username", database.user());
        properties.put("spring.datasource.password", database.password());
        properties.put("spring.data.redis.url", TestServices.redisUri());
        properties.put("spring.data.redis.client-name", clientName);
        properties.put("spring.kafka.bootstrap-servers", TestServices.kafkaSaslBootstrap());
        properties.put("spring.kafka.security.protocol", "SASL_PLAINTEXT");
        properties.put("spring.kafka.properties.sasl.mechanism", "PLAIN");
        properties.put("spring.kafka.producer.properties.sasl.jaas.config", login("like-producer"));
        properties.put("spring.kafka.consumer.properties.sasl.jaas.config", login("like-consumer"));
        properties.put("spring.kafka.admin.properties.sasl.jaas.config", login("like-admin"));
        properties.put("like.kafka.topic", topic);
        properties.put("like.kafka.consumer-group", topic + "_writer");
        properties.put("like.kafka.create-topic-partitions", "2");
        properties.put("like.rate-limit.enabled", "false");
        // the store's, the breaker's and the consumer's settings from like.* properties
        String keyPrefix = TestServices.uniqueName("kp");
        properties.put("like.redis.key-prefix", keyPrefix);
        properties.put("like.redis.hash-max-listpack-entries", "16"); // status buckets of about 8 users
        properties.put("like.circuit-breaker.sliding-window-size", "7");
        properties.put("like.consumer.max-batch", "50");

        // a topic with ACLs is closed to everyone not allowed; the denials win over the allowances
        List<AclBinding> acls = List.of(acl(topic, "like-producer", AclOperation.ALL, AclPermissionType.ALLOW),
                acl(topic, "like-consumer", AclOperation.ALL, AclPermissionType.ALLOW),
                acl(topic, "like-admin", AclOperation.ALL, AclPermissionType.ALLOW),
                deny(topic, "like-consumer", AclOperation.WRITE), deny(topic, "like-consumer", AclOperation.CREATE),
                deny(topic, "like-producer", AclOperation.READ), deny(topic, "like-producer", AclOperation.CREATE),
                deny(topic, "like-admin", AclOperation.READ), deny(topic, "like-admin", AclOperation.WRITE));
        try (Admin admin = Admin.create(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG,
                TestServices.kafkaBootstrap()))) {
            admin.createAcls(acls).all().get();
            try {
                runApp(topic, properties, clientName, keyPrefix);
            } finally {
                admin.deleteAcls(acls.stream().map(AclBinding::toFilter).toList()).all().get();
            }
        }
    }

    private static AclBinding deny(String topicPrefix, String user, AclOperation operation) {
        return acl(topicPrefix, user, operation, AclPermissionType.DENY);
    }

    private static AclBinding acl(String topicPrefix, String user, AclOperation operation, AclPermissionType type) {
        return new AclBinding(new ResourcePattern(ResourceType.TOPIC, topicPrefix, PatternType.PREFIXED),
                new AccessControlEntry("User:" + user, "*", operation, type));
    }

    private static void runApp(String topic, Map<String, Object> properties, String clientName, String keyPrefix)
            throws Exception {
        ContentRef post = ContentRef.of("post", ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE));
        long user = ThreadLocalRandom.current().nextLong(1L << 62, Long.MAX_VALUE);
        AtomicInteger activations = new AtomicInteger();
        MeterRegistry meters;
        CircuitBreakerRegistry breakers;
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(HostApp.class)
                .properties(properties)
                .initializers(ctx -> ctx.getBeanFactory().addBeanPostProcessor(new ActivationCounter(activations)))
                .run()) {
            LikeService likes = context.getBean(LikeService.class);
            LikePipeline pipeline = context.getBean(LikePipeline.class);
            meters = context.getBean(MeterRegistry.class);
            breakers = context.getBean(CircuitBreakerRegistry.class);

            // admin (topic created), producer and consumer each logged in with their own user
            assertThat(likes.like(user, post).count()).isEqualTo(1);
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                    assertThat(pipeline.mysqlStore().count(post).toCompletableFuture().join()).isEqualTo(1));

            // the dead-letter producer logged in as a producer
            byte[] poison = "not an event".getBytes(StandardCharsets.UTF_8);
            try (KafkaProducer<String, byte[]> raw = new KafkaProducer<>(sasl("like-producer"), new StringSerializer(),
                    new ByteArraySerializer())) {
                raw.send(new ProducerRecord<>(topic, "post:1", poison)).get();
            }
            assertThat(deadLetters(topic + ".dlq")).as("records in the dead-letter topic").isEqualTo(1);

            // Redis through the host's Lettuce resources and connection settings
            assertThat(activations.get()).as("connections activated on the host's ClientResources").isPositive();
            assertThat(clientsNamed(clientName)).as("Redis connections named as spring.data.redis.client-name")
                    .isPositive();

            assertThat(keysStartingWith(keyPrefix + ":")).as("Redis keys under like.redis.key-prefix").isPositive();
            ContentRef crowded = ContentRef.of("post", ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE));
            for (long liker = 1; liker <= 40; liker++) {
                likes.like(liker, crowded);
            }
            assertThat(keysStartingWith(keyPrefix + ":b:")).as("40 likers in buckets sized from like.redis.hash-max-"
                    + "listpack-entries").isGreaterThanOrEqualTo(3);

            // the breaker is the registry's, configured from like.circuit-breaker.*
            CircuitBreaker breaker = breakers.find(LikePipeline.BREAKER_NAME).orElseThrow();
            assertThat(breaker.getCircuitBreakerConfig().getSlidingWindowSize()).isEqualTo(7);
            breaker.transitionToForcedOpenState();
            ContentRef other = ContentRef.of("post", ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE));
            assertThat(likes.like(user, other).status()).isEqualTo(LikeResult.Status.ACCEPTED);
            assertThat(pipeline.circuitState()).isEqualTo("FORCED_OPEN");
            breaker.transitionToClosedState();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                pipeline.repairNow();
                assertThat(likes.count(other)).isEqualTo(1);
            });
            assertThat(meters.getMeters()).anySatisfy(m -> assertThat(m.getId().getName()).startsWith("likes."));
        }
        assertThat(breakers.find(LikePipeline.BREAKER_NAME)).as("the breaker the pipeline put in the registry")
                .isEmpty();
        assertThat(meters.getMeters()).noneSatisfy(m -> assertThat(m.getId().getName()).startsWith("likes."));
    }

    private static int deadLetters(String topic) {
        Map<String, Object> config = sasl("like-consumer");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            List<Object> seen = new ArrayList<>();
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                consumer.poll(Duration.ofMillis(500)).forEach(seen::add);
                return !seen.isEmpty();
            });
            consumer.poll(Duration.ofSeconds(1)).forEach(seen::add);
            return seen.size();
        }
    }

    private static long clientsNamed(String name) {
        RedisClient client = RedisClient.create(TestServices.redisUri());
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            return connection.sync().clientList().lines().filter(line -> line.contains(" name=" + name + " ")).count();
        } finally {
            client.shutdown();
        }
    }

    private static long keysStartingWith(String prefix) {
        RedisClient client = RedisClient.create(TestServices.redisUri());
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            return connection.sync().keys(prefix + "*").size();
        } finally {
            client.shutdown();
        }
    }

    /** Counts connections activated on the host's {@link ClientResources} from the moment the bean exists. */
    private record ActivationCounter(AtomicInteger activations)
            implements BeanPostProcessor {
        @Override
        public Object postProcessAfterInitialization(Object bean, String beanName) {
            if (bean instanceof ClientResources resources) {
                resources.eventBus().get()
                        .filter(ConnectionActivatedEvent.class::isInstance)
                        .subscribe(event -> activations.incrementAndGet());
            }
            return bean;
        }
    }
}
