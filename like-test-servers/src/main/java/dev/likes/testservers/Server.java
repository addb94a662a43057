package dev.likes.testservers;

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
    RABBITMQ("rabbitmq"),
    /** A MariaDB primary writing a binlog, which {@link #MARIADB_REPLICA} replicates. */
    MARIADB_PRIMARY("mariadb-primary"),
    /** A read-only MariaDB replica of {@link #MARIADB_PRIMARY}, fed by its binlog (GTID). */
    MARIADB_REPLICA("mariadb-replica"),
    /** A MariaDB server of its own: the second shard beside {@link #MARIADB_PRIMARY}. */
    MARIADB_SHARD("mariadb-shard"),
    /** A Redis without persistence, which {@link #REDIS_REPLICA} replicates. */
    REDIS_PRIMARY("redis-primary"),
    /** A Redis replica of {@link #REDIS_PRIMARY}; restarting it makes it a replica again after a promotion. */
    REDIS_REPLICA("redis-replica");

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
