package dev.likes.rabbitmq;

import com.rabbitmq.client.ConnectionFactory;
import java.net.URISyntaxException;
import java.security.GeneralSecurityException;
import java.util.Objects;
import java.util.function.Consumer;

/** The connection settings of the publisher, the consumer and the tools around them, in one place. Thread-safe. */
public final class RabbitConnections {

    private RabbitConnections() {}

    /**
     * A connection factory for {@code uri}, with settings that make a dead or hung broker show within seconds
     * (connection timeout 5 s, handshake 10 s, heartbeat 5 s, RPC timeout 10 s), then the host's adjustments.
     * Automatic recovery stays off whatever the customizer sets: the publisher and the consumer reconnect themselves
     * (an automatically recovered channel would restart the confirm sequence and the delivery tags behind their
     * backs).
     *
     * @param uri an AMQP URI, e.g. {@code amqp://user:password@127.0.0.1:5672/vhost}
     * @param customizer adjusts the factory (TLS, credentials provider, timeouts)
     * @return the factory
     * @throws IllegalArgumentException if {@code uri} is not an AMQP URI (the message does not repeat it: it may hold
     *     a password)
     */
    public static ConnectionFactory factory(String uri, Consumer<ConnectionFactory> customizer) {
        Objects.requireNonNull(uri, "uri must not be null");
        Objects.requireNonNull(customizer, "customizer must not be null");
        ConnectionFactory factory = new ConnectionFactory();
        try {
            factory.setUri(uri);
        } catch (URISyntaxException | GeneralSecurityException | IllegalArgumentException e) {
            // the URI may hold a password: name the rule, not the value
            throw new IllegalArgumentException("uri must be an amqp:// or amqps:// URI (" + e.getClass().getSimpleName()
                    + ")", null);
        }
        factory.setConnectionTimeout(5_000);
        factory.setHandshakeTimeout(10_000);
        factory.setRequestedHeartbeat(5);
        factory.setChannelRpcTimeout(10_000);
        factory.setShutdownTimeout(5_000);
        customizer.accept(factory);
        factory.setAutomaticRecoveryEnabled(false);
        factory.setTopologyRecoveryEnabled(false);
        return factory;
    }
}
