package dev.likes.spring.boot.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The {@code like.kafka.*} properties: where Kafka is, and the topic and consumer of the events.
 *
 * <p>Mutable bean, bound once at start-up by Spring; not for concurrent mutation.
 */
public class LikeKafkaProperties {

    /** Kafka's bootstrap servers, comma-separated. Default: Spring Boot's spring.kafka.bootstrap-servers. */
    private @Nullable String bootstrapServers;

    /** The topic of the like events. */
    private String topic = "like-events";

    /** The consumer group of the writer that stores the events in MySQL. */
    private String consumerGroup = "like-mysql-writer";

    /** Whether this process runs the consumer that writes the events into MySQL. */
    private boolean runConsumer = true;

    /**
     * Partitions of the topic to create at start-up unless it exists (development; 0 leaves topics to the
     * platform's tooling).
     */
    private int createTopicPartitions = 0;

    /**
     * Properties every Kafka client of the pipeline gets (security.protocol, sasl.*, ssl.*), on top of Spring
     * Boot's spring.kafka.properties.* and spring.kafka.security.protocol, which they win over.
     */
    private Map<String, String> properties = new LinkedHashMap<>();

    /** @return the bootstrap servers, or {@code null} for Spring Boot's */
    public @Nullable String getBootstrapServers() {
        return bootstrapServers;
    }

    /** @param bootstrapServers the bootstrap servers */
    public void setBootstrapServers(@Nullable String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    /** @return the topic */
    public String getTopic() {
        return topic;
    }

    /** @param topic the topic */
    public void setTopic(String topic) {
        this.topic = topic;
    }

    /** @return the consumer group */
    public String getConsumerGroup() {
        return consumerGroup;
    }

    /** @param consumerGroup the consumer group */
    public void setConsumerGroup(String consumerGroup) {
        this.consumerGroup = consumerGroup;
    }

    /** @return whether this process runs the consumer */
    public boolean isRunConsumer() {
        return runConsumer;
    }

    /** @param runConsumer whether this process runs the consumer */
    public void setRunConsumer(boolean runConsumer) {
        this.runConsumer = runConsumer;
    }

    /** @return partitions of the topic to create, 0 for none */
    public int getCreateTopicPartitions() {
        return createTopicPartitions;
    }

    /** @param createTopicPartitions partitions of the topic to create, 0 for none */
    public void setCreateTopicPartitions(int createTopicPartitions) {
        this.createTopicPartitions = createTopicPartitions;
    }

    /** @return the properties every Kafka client gets */
    public Map<String, String> getProperties() {
        return properties;
    }

    /** @param properties the properties every Kafka client gets */
    public void setProperties(Map<String, String> properties) {
        this.properties = properties;
    }
}
