package dev.likes.testsupport;

/** The servers the integration tests use, with the names {@code scripts/services.sh} knows them by. */
public enum Server {
    /** One Redis. */
    REDIS("redis"),
    /** A 3-master Redis Cluster. */
    REDIS_CLUSTER("cluster"),
    /** MariaDB (or MySQL under Docker). */
    MARIADB("mariadb"),
    /** A single-node Kafka broker. */
    KAFKA("kafka"),
    /** A single RabbitMQ node with the consistent-hash exchange plugin. */
    RABBITMQ("rabbitmq");

    private final String scriptName;

    Server(String scriptName) {
        this.scriptName = scriptName;
    }

    /**
     * The server's name in {@code scripts/services.sh}.
     *
     * @return the name
     */
    public String scriptName() {
        return scriptName;
    }
}
