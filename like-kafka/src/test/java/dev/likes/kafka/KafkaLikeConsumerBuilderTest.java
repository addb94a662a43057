package dev.likes.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.likes.testcontainers.LikeStack;
import dev.likes.testkit.InMemoryEventSink;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the builder hands the Kafka clients: the dead-letter producer shares the consumer's security settings. */
class KafkaLikeConsumerBuilderTest {

    @Test
    void theDeadLetterProducerGetsTheConsumersSecurityAndConnectionSettingsOnly() {
        KafkaLikeConsumer.Builder builder = KafkaLikeConsumer.builder("127.0.0.1:1", "g", new InMemoryEventSink())
                .consumerProperty("security.protocol", "SASL_SSL")
                .consumerProperty("sasl.mechanism", "SCRAM-SHA-512")
                .consumerProperty("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required;")
                .consumerProperty("ssl.truststore.location", "/etc/kafka/truststore.jks")
                .consumerProperty("client.dns.lookup", "use_all_dns_ips")
                .consumerProperty("max.poll.interval.ms", 60_000)
                .consumerProperty("isolation.level", "read_committed")
                .deadLetterProducerProperty("compression.type", "zstd");

        Map<String, Object> producer = KafkaClients.deadLetterConfig(builder);

        assertThat(producer).containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsKey("sasl.jaas.config")
                .containsEntry("ssl.truststore.location", "/etc/kafka/truststore.jks")
                .containsEntry("client.dns.lookup", "use_all_dns_ips")
                .containsEntry("compression.type", "zstd")
                .containsEntry("acks", "all")
                .doesNotContainKeys("max.poll.interval.ms", "isolation.level");
        assertThat(KafkaClients.consumerConfig(builder)).containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("session.timeout.ms", 10_000)
                .containsEntry("enable.auto.commit", false);
    }

    @Test
    void theTopicsTheDockerStackCreatesAreTheDefaultTopicAndItsDeadLetterTopic() {
        assertThat(LikeStack.TOPICS).containsExactly(KafkaEventPublisher.DEFAULT_TOPIC,
                KafkaEventPublisher.DEFAULT_TOPIC + ".dlq");
    }

    @Test
    void aSessionTimeoutSetByTheHostWins() {
        KafkaLikeConsumer.Builder builder = KafkaLikeConsumer.builder("127.0.0.1:1", "g", new InMemoryEventSink())
                .consumerProperty("session.timeout.ms", 30_000);

        assertThat(KafkaClients.consumerConfig(builder)).containsEntry("session.timeout.ms", 30_000);
    }

    @Test
    void deadLetterLimitsAreChecked() {
        KafkaLikeConsumer.Builder builder = KafkaLikeConsumer.builder("127.0.0.1:1", "g", new InMemoryEventSink());
        assertThatThrownBy(() -> builder.deadLetterMaxBytes(-1)).hasMessageContaining("deadLetterMaxBytes");
        assertThatThrownBy(() -> builder.deadLetterProducerProperty(null, "x")).hasMessageContaining("name");
    }
}
