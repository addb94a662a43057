package dev.likes.spring.boot.autoconfigure;

import dev.likes.pipeline.LikePipeline;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.net.ssl.SSLContext;
import org.springframework.core.env.Environment;

/**
 * The pipeline on RabbitMQ ({@code like.queue=rabbitmq}): {@code like.rabbitmq.*}, Spring Boot's
 * {@code spring.rabbitmq.*} for the broker, and {@code like.consumer.*} on the RabbitMQ consumer. Loaded only when
 * that queue is chosen, so that a host on Kafka needs no {@code like-rabbitmq}.
 */
final class RabbitSettings {

    private RabbitSettings() {}

    static void apply(LikePipeline.Builder builder, LikeProperties properties, Environment environment) {
        LikeRabbitmqProperties rabbit = properties.getRabbitmq();
        builder.rabbitmq(uri(rabbit, environment), rabbit.getExchange(), rabbit.getQueues())
                .runConsumer(rabbit.isRunConsumer());
        LikeConsumerProperties consumer = properties.getConsumer();
        builder.configureRabbitConsumer(writer -> writer
                .maxBatch(consumer.getMaxBatch())
                .sinkTimeout(consumer.getSinkTimeout())
                .backoff(consumer.getBackoffInitial(), consumer.getBackoffMax())
                .deadLetterMaxBytes(consumer.getDeadLetterMaxBytes()));
        if (environment.getProperty("spring.rabbitmq.ssl.enabled", Boolean.class, false)) {
            // the JVM's trust store, and the broker's name checked against its certificate
            builder.configureRabbitConnection(factory -> {
                try {
                    factory.useSslProtocol(SSLContext.getDefault());
                } catch (GeneralSecurityException e) {
                    throw new IllegalStateException("spring.rabbitmq.ssl.enabled: TLS could not be set up", e);
                }
                factory.enableHostnameVerification();
            });
        }
    }

    /* like.rabbitmq.uri, else one made of spring.rabbitmq.* with the defaults Spring Boot uses for them. */
    static String uri(LikeRabbitmqProperties rabbit, Environment environment) {
        String uri = rabbit.getUri();
        if (uri != null && !uri.isBlank()) {
            return uri;
        }
        boolean ssl = environment.getProperty("spring.rabbitmq.ssl.enabled", Boolean.class, false);
        String host = environment.getProperty("spring.rabbitmq.host", "localhost");
        int port = environment.getProperty("spring.rabbitmq.port", Integer.class, ssl ? 5671 : 5672);
        String user = environment.getProperty("spring.rabbitmq.username", "guest");
        String password = environment.getProperty("spring.rabbitmq.password", "guest");
        String vhost = environment.getProperty("spring.rabbitmq.virtual-host", "/");
        return (ssl ? "amqps://" : "amqp://") + encode(user) + ":" + encode(password) + "@" + host + ":" + port + "/"
                + encode(vhost);
    }

    private static String encode(String part) {
        return URLEncoder.encode(part, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
