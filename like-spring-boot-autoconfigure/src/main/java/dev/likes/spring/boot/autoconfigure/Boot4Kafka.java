package dev.likes.spring.boot.autoconfigure;

import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.boot.kafka.autoconfigure.SslBundleSslEngineFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** {@link BootKafkaSettings} from Spring Boot 4.0's Kafka auto-configuration, when the host has spring-kafka. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(name = {"org.springframework.boot.kafka.autoconfigure.KafkaProperties",
        "org.springframework.kafka.core.KafkaTemplate"})
class Boot4Kafka {

    @Bean
    BootKafkaSettings likeBootKafkaSettings(ObjectProvider<KafkaProperties> properties,
            ObjectProvider<KafkaConnectionDetails> details) {
        KafkaProperties kafka = properties.getIfAvailable();
        if (kafka == null) {
            // spring-kafka without Boot's Kafka auto-configuration: the like.* and spring.kafka.* properties apply
            return new BootKafkaSettings(List.of(), Map.of(), Map.of(), Map.of());
        }
        KafkaConnectionDetails connection = details.getIfAvailable();
        if (connection == null) {
            return new BootKafkaSettings(kafka.getBootstrapServers(), kafka.buildProducerProperties(),
                    kafka.buildConsumerProperties(), kafka.buildAdminProperties());
        }
        return new BootKafkaSettings(connection.getBootstrapServers(),
                apply(kafka.buildProducerProperties(), connection.getProducer()),
                apply(kafka.buildConsumerProperties(), connection.getConsumer()),
                apply(kafka.buildAdminProperties(), connection.getAdmin()));
    }

    private static Map<String, Object> apply(Map<String, Object> built,
            KafkaConnectionDetails.Configuration client) {
        return BootKafkaSettings.withDetails(built, client.getSslBundle(), SslBundleSslEngineFactory.class.getName(),
                client.getSecurityProtocol());
    }
}
