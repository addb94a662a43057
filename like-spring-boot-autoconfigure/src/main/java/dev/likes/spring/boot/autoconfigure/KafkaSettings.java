package dev.likes.spring.boot.autoconfigure;

import dev.likes.pipeline.LikePipeline;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/**
 * The pipeline on Kafka ({@code like.queue=kafka}, the default): {@code like.kafka.*}, Spring Boot's
 * {@code spring.kafka.*} for the brokers and the clients' shared properties, and {@code like.consumer.*} on the
 * consumer.
 */
final class KafkaSettings {

    private KafkaSettings() {}

    static void apply(LikePipeline.Builder builder, LikeProperties properties, @Nullable BootKafkaSettings boot,
            Environment environment) {
        LikeKafkaProperties kafka = properties.getKafka();
        builder.kafka(bootstrapServers(kafka, boot, environment))
                .topic(kafka.getTopic())
                .consumerGroup(kafka.getConsumerGroup())
                .runConsumer(kafka.isRunConsumer());
        if (kafka.getCreateTopicPartitions() > 0) {
            builder.createTopic(kafka.getCreateTopicPartitions(), (short) 1);
        }
        PipelineSettings.kafkaConsumer(builder, properties);
        kafkaClientProperties(kafka, environment).forEach(builder::kafkaClientProperty);
        if (boot != null) {
            PipelineSettings.perClient(builder, boot, kafka.getProperties());
        }
    }

    static String bootstrapServers(LikeKafkaProperties kafka, @Nullable BootKafkaSettings boot,
            Environment environment) {
        String servers = kafka.getBootstrapServers();
        if ((servers == null || servers.isBlank()) && boot != null) {
            servers = String.join(",", boot.bootstrapServers());
        }
        if (servers == null || servers.isBlank()) {
            List<String> property = Binder.get(environment)
                    .bind("spring.kafka.bootstrap-servers", Bindable.listOf(String.class))
                    .orElse(List.of());
            servers = String.join(",", property);
        }
        if (servers.isBlank()) {
            throw new IllegalStateException("like.mode=pipeline needs Kafka: set spring.kafka.bootstrap-servers or"
                    + " like.kafka.bootstrap-servers; or set like.mode=memory for development");
        }
        return servers;
    }

    static Map<String, Object> kafkaClientProperties(LikeKafkaProperties kafka, Environment environment) {
        Map<String, Object> properties = new LinkedHashMap<>(Binder.get(environment)
                .bind("spring.kafka.properties", Bindable.mapOf(String.class, String.class))
                .orElse(Map.of()));
        String protocol = environment.getProperty("spring.kafka.security.protocol");
        if (protocol != null && !protocol.isBlank()) {
            properties.put("security.protocol", protocol);
        }
        properties.putAll(kafka.getProperties());
        return properties;
    }
}
