package dev.likes.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.likes.core.ContentRef;
import dev.likes.core.InMemoryLikeStore;
import dev.likes.core.LikeService;
import dev.likes.core.LikeStore;
import dev.likes.pipeline.LikePipeline;
import io.lettuce.core.RedisURI;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.data.redis.connection.RedisSentinelConfiguration;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.mock.env.MockEnvironment;

/** The auto-configuration without servers: modes, backing off, properties, and the metadata IDEs complete from. */
class LikeAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(LikeAutoConfiguration.class));

    @Test
    void memoryModeGivesAServiceOverTheInMemoryStore() {
        runner.withPropertyValues("like.mode=memory", "like.call-timeout=750ms").run(context -> {
            assertThat(context).hasSingleBean(LikeService.class).hasSingleBean(InMemoryLikeStore.class);
            LikeService service = context.getBean(LikeService.class);
            ContentRef post = ContentRef.of("post", 1);
            assertThat(service.like(Long.MAX_VALUE, post).count()).isEqualTo(1);
            assertThat(service.count(post)).isEqualTo(1);
            assertThat(context.getBean(LikeProperties.class).getCallTimeout()).isEqualTo(Duration.ofMillis(750));
        });
    }

    @Test
    void theHostsOwnBeansWin() {
        InMemoryLikeStore own = InMemoryLikeStore.create();
        runner.withPropertyValues("like.mode=memory")
                .withBean("ownStore", LikeStore.class, () -> own)
                .run(context -> {
                    assertThat(context).hasSingleBean(LikeStore.class).hasSingleBean(LikeService.class);
                    context.getBean(LikeService.class).like(7, ContentRef.of("post", 2));
                    assertThat(own.count(ContentRef.of("post", 2)).toCompletableFuture().join()).isEqualTo(1);
                });
        try (LikeService ownService = LikeService.builder(InMemoryLikeStore.create()).build()) {
            runner.withBean(LikeService.class, () -> ownService).run(context -> {
                // the pipeline backs off too: nothing needs Redis, Kafka or a DataSource
                assertThat(context).hasNotFailed().hasSingleBean(LikeService.class);
                assertThat(context.getBean(LikeService.class)).isSameAs(ownService);
            });
        }
    }

    @Test
    void thePipelineWithoutADataSourceFailsSayingWhatToSet() {
        runner.withPropertyValues("spring.kafka.bootstrap-servers=127.0.0.1:1").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause()
                    .hasMessageContaining("spring.datasource.url")
                    .hasMessageContaining("like.mode=memory");
        });
    }

    @Test
    void redisAndKafkaComeFromSpringBootsOwnPropertiesUnlessSetHere() {
        MockEnvironment boot = new MockEnvironment()
                .withProperty("spring.data.redis.host", "10.1.2.3")
                .withProperty("spring.data.redis.port", "6380")
                .withProperty("spring.data.redis.password", "s3cret")
                .withProperty("spring.data.redis.database", "2")
                .withProperty("spring.kafka.bootstrap-servers", "k1:9092,k2:9092")
                .withProperty("spring.kafka.security.protocol", "SASL_SSL")
                .withProperty("spring.kafka.properties.sasl.mechanism", "PLAIN")
                .withProperty("spring.kafka.properties.client.rack", "a");
        LikeProperties properties = new LikeProperties();
        properties.getKafka().getProperties().put("client.rack", "b");

        RedisURI redis = LikeAutoConfiguration.redisUri(properties, boot);
        assertThat(redis.getHost()).isEqualTo("10.1.2.3");
        assertThat(redis.getPort()).isEqualTo(6380);
        assertThat(redis.getDatabase()).isEqualTo(2);
        assertThat(redis.getCredentialsProvider().resolveCredentials().block().getPassword()).containsExactly("s3cret".toCharArray());
        assertThat(KafkaSettings.bootstrapServers(properties.getKafka(), null, boot)).isEqualTo("k1:9092,k2:9092");
        assertThat(KafkaSettings.kafkaClientProperties(properties.getKafka(), boot))
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "PLAIN")
                .containsEntry("client.rack", "b");

        boot.setProperty("spring.data.redis.url", "redis://10.9.9.9:7000");
        assertThat(LikeAutoConfiguration.redisUri(properties, boot).getHost()).isEqualTo("10.9.9.9");
        properties.getRedis().setUri("redis://127.0.0.1:16379");
        properties.getKafka().setBootstrapServers("127.0.0.1:19092");
        assertThat(LikeAutoConfiguration.redisUri(properties, boot).getPort()).isEqualTo(16379);
        assertThat(KafkaSettings.bootstrapServers(properties.getKafka(), null, boot)).isEqualTo("127.0.0.1:19092");
    }

    @Test
    void ofBootsPerClientKafkaSettingsOnlySecurityIsTaken() {
        Object bundle = new Object();
        Map<String, Object> producer = new HashMap<>();
        producer.put("bootstrap.servers", List.of("k1:9092"));
        producer.put("key.serializer", "org.apache.kafka.common.serialization.StringSerializer");
        producer.put("acks", "1");
        producer.put("security.protocol", "SASL_SSL");
        producer.put("sasl.jaas.config", "login");
        producer.put("ssl.truststore.location", "/etc/trust.p12");
        Map<String, Object> withBundle = BootKafkaSettings.withDetails(producer, bundle, "EngineFactory", "SSL");

        BootKafkaSettings settings = new BootKafkaSettings(List.of("k1:9092"), withBundle,
                Map.of("group.id", "hosts-group", "auto.offset.reset", "latest", "enable.auto.commit", "true"),
                Map.of("sasl.jaas.config", "admin-login"));

        assertThat(settings.producer()).containsOnly(
                Map.entry("security.protocol", "SSL"),
                Map.entry("sasl.jaas.config", "login"),
                Map.entry("ssl.truststore.location", "/etc/trust.p12"),
                Map.entry("ssl.engine.factory.class", "EngineFactory"),
                Map.entry("org.springframework.boot.ssl.SslBundle", bundle));
        assertThat(settings.consumer()).as("the host's group, offsets and commits are its own").isEmpty();
        assertThat(settings.admin()).containsOnly(Map.entry("sasl.jaas.config", "admin-login"));
    }

    @Test
    void redisComesFromTheHostsLettuceConnectionFactory() {
        RedisStandaloneConfiguration standalone = new RedisStandaloneConfiguration("10.1.2.3", 6380);
        standalone.setDatabase(3);
        standalone.setUsername("app");
        standalone.setPassword("s3cret");
        LettuceConnectionFactory factory = new LettuceConnectionFactory(standalone, LettuceClientConfiguration.builder()
                .useSsl().disablePeerVerification().and()
                .clientName("host-app")
                .build());

        RedisURI uri = BootRedis.uri(factory);
        assertThat(uri.getHost()).isEqualTo("10.1.2.3");
        assertThat(uri.getPort()).isEqualTo(6380);
        assertThat(uri.getDatabase()).isEqualTo(3);
        assertThat(uri.isSsl()).isTrue();
        assertThat(uri.isVerifyPeer()).isFalse();
        assertThat(uri.getClientName()).isEqualTo("host-app");
        var credentials = uri.getCredentialsProvider().resolveCredentials().block();
        assertThat(credentials.getUsername()).isEqualTo("app");
        assertThat(credentials.getPassword()).containsExactly("s3cret".toCharArray());

        RedisSentinelConfiguration sentinel = new RedisSentinelConfiguration("primary", Set.of("10.0.0.1:26379"));
        sentinel.setDatabase(1);
        RedisURI viaSentinel = BootRedis.uri(new LettuceConnectionFactory(sentinel));
        assertThat(viaSentinel.getSentinelMasterId()).isEqualTo("primary");
        assertThat(viaSentinel.getSentinels()).singleElement()
                .satisfies(node -> assertThat(node.getHost() + ":" + node.getPort()).isEqualTo("10.0.0.1:26379"));
        assertThat(viaSentinel.getDatabase()).isEqualTo(1);
    }

    @Test
    void thePropertiesHaveMetadataWithDescriptionsForIdes() throws Exception {
        String metadata;
        try (InputStream in = LikeProperties.class.getClassLoader()
                .getResourceAsStream("META-INF/spring-configuration-metadata.json")) {
            assertThat(in).as("generated by spring-boot-configuration-processor").isNotNull();
            metadata = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(metadata).contains("\"like.mode\"", "\"like.call-timeout\"", "\"like.redis.uri\"",
                "\"like.kafka.bootstrap-servers\"", "\"like.kafka.run-consumer\"", "\"like.rate-limit.per-second\"",
                "\"like.max-degraded\"", "The average rate per user, per second.", "\"like.redis.key-prefix\"",
                "\"like.redis.hot-ttl\"", "\"like.circuit-breaker.sliding-window-size\"", "\"like.consumer.max-batch\"");
    }

    @Test
    void aSettingsCheckThatIsNotOneOfTheThreeIsRefusedNamingTheProperty() {
        LikeProperties properties = new LikeProperties();
        properties.getRedis().setSettingsCheck("maybe");
        assertThatThrownBy(() -> PipelineSettings.stores(LikePipeline.builder(), properties))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("like.redis.settings-check must be REFUSE, WARN or SKIP, but was maybe");
    }
}
