package dev.likes.spring.boot.autoconfigure;

import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.kafka.KafkaConnectionDetails;
import org.springframework.boot.autoconfigure.kafka.KafkaProperties;
import org.springframework.boot.autoconfigure.kafka.SslBundleSslEngineFactory;
import org.springframework.boot.ssl.DefaultSslBundleRegistry;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** {@link BootKafkaSettings} from Spring Boot 3.5's Kafka auto-configuration, when the host has spring-kafka. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(name = {"org.springframework.boot.autoconfigure.kafka.KafkaProperties",
        "org.springframework.kafka.core.KafkaTemplate"})
@ConditionalOnMissingClass("org.springframework.boot.kafka.autoconfigure.KafkaProperties")
class Boot3Kafka {

    @Bean
    BootKafkaSettings likeBootKafkaSettings(ObjectProvider<KafkaProperties> properties,
            ObjectProvider<KafkaConnectionDetails> details, ObjectProvider<SslBundles> bundles) {
        KafkaProperties kafka = properties.getIfAvailable();
        if (kafka == null) {
            // spring-kafka without Boot's Kafka auto-configuration: the like.* and spring.kafka.* properties apply
            return new BootKafkaSettings(List.of(), Map.of(), Map.of(), Map.of());
        }
        SslBundles ssl = bundles.getIfAvailable(DefaultSslBundleRegistry::new);
        KafkaConnectionDetails connection = details.getIfAvailable();
        if (connection == null) {
            return new BootKafkaSettings(kafka.getBootstrapServers(), kafka.buildProducerProperties(ssl),
                    kafka.buildConsumerProperties(ssl), kafka.buildAdminProperties(ssl));
        }
        return new BootKafkaSettings(connection.getBootstrapServers(),
                apply(kafka.buildProducerProperties(ssl), connection.getProducer()),
                apply(kafka.buildConsumerProperties(ssl), connection.getConsumer()),
                apply(kafka.buildAdminProperties(ssl), connection.getAdmin()));
    }

    private static Map<String, Object> apply(Map<String, Object> built,
            KafkaConnectionDetails.Configuration client) {
        return BootKafkaSettings.withDetails(built, client.getSslBundle(), SslBundleSslEngineFactory.class.getName(),
                client.getSecurityProtocol());
    }
}
