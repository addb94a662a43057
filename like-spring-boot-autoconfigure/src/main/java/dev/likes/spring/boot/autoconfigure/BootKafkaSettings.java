package dev.likes.spring.boot.autoconfigure;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What Spring Boot's own Kafka configuration ({@code spring.kafka.*}, its connection details and SSL bundles) gives
 * each kind of Kafka client, when the host has spring-kafka: the bootstrap servers, and per client the security
 * settings ({@code security.*}, {@code sasl.*}, {@code ssl.*} and an SSL bundle).
 *
 * <p>The rest of Boot's per-client settings (serializers, acks, group, offsets) are the host's for its own clients and
 * are not taken: the library's clients need their own.
 */
record BootKafkaSettings(List<String> bootstrapServers, Map<String, Object> producer, Map<String, Object> consumer,
        Map<String, Object> admin) {

    /* Boot's maps name an SSL bundle by the SslBundle class's name, beside ssl.engine.factory.class. */
    private static final List<String> SECURITY_PREFIXES =
            List.of("security.", "sasl.", "ssl.", "org.springframework.boot.ssl.SslBundle");

    BootKafkaSettings {
        bootstrapServers = List.copyOf(bootstrapServers);
        producer = security(producer);
        consumer = security(consumer);
        admin = security(admin);
    }

    /** The security settings of one of Boot's per-client maps, with the connection details' SSL and protocol. */
    static Map<String, Object> security(Map<String, Object> boot) {
        Map<String, Object> kept = new LinkedHashMap<>();
        boot.forEach((name, value) -> {
            if (value != null && SECURITY_PREFIXES.stream().anyMatch(name::startsWith)) {
                kept.put(name, value);
            }
        });
        return Map.copyOf(kept);
    }

    /**
     * Applies what Boot's connection details say of one kind of client over a map Boot's properties built, as Boot's
     * own Kafka auto-configuration does.
     */
    static Map<String, Object> withDetails(Map<String, Object> built, @Nullable Object sslBundle, String engineFactory,
            @Nullable String securityProtocol) {
        Map<String, Object> map = new LinkedHashMap<>(built);
        if (sslBundle != null) {
            map.put("ssl.engine.factory.class", engineFactory);
            map.put("org.springframework.boot.ssl.SslBundle", sslBundle);
        }
        if (securityProtocol != null) {
            map.put("security.protocol", securityProtocol);
        }
        return map;
    }
}
