package dev.likes.spring.boot.autoconfigure;

import dev.likes.pipeline.LikePipeline;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.RedisNode;
import org.springframework.data.redis.connection.RedisPassword;
import org.springframework.data.redis.connection.RedisSentinelConfiguration;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Points the pipeline at the Redis of the host's {@link LettuceConnectionFactory} (Spring Boot's, from
 * {@code spring.data.redis.*} or a connection-details bean): its server, credentials, database and client name; its
 * Lettuce {@code ClientResources} (the host's event loops, no new threads) and its {@code ClientOptions} (TLS and SSL
 * bundle, socket and protocol settings). The pipeline's own client keeps two options of its own: commands are refused
 * while disconnected and time out after the store's command timeout. A cluster factory's native client is used as it
 * is. Backs off when {@code like.redis.uri} is set.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(name = "org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory")
class BootRedis {

    /* Ordered first, so that a host's customizer can still point the pipeline elsewhere. */
    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE)
    LikePipelineCustomizer likeBootRedisCustomizer(LikeProperties properties,
            ObjectProvider<RedisConnectionFactory> factory) {
        return builder -> {
            String uri = properties.getRedis().getUri();
            if ((uri == null || uri.isBlank()) && factory.getIfUnique() instanceof LettuceConnectionFactory lettuce) {
                apply(lettuce, builder);
            }
        };
    }

    static void apply(LettuceConnectionFactory factory, LikePipeline.Builder builder) {
        if (factory.getClusterConfiguration() != null) {
            builder.redisCluster(clusterClient(factory));
            return;
        }
        LettuceClientConfiguration client = factory.getClientConfiguration();
        builder.redis(uri(factory));
        builder.configureRedis(redis -> {
            client.getClientResources().ifPresent(redis::clientResources);
            client.getClientOptions().ifPresent(redis::clientOptions);
        });
    }

    private static RedisClusterClient clusterClient(LettuceConnectionFactory factory) {
        if (factory.getNativeClient() == null) {
            factory.start();
        }
        AbstractRedisClient client = factory.getRequiredNativeClient();
        if (!(client instanceof RedisClusterClient cluster)) {
            throw new IllegalStateException("the host's LettuceConnectionFactory is configured for a cluster but its"
                    + " client is a " + client.getClass().getName());
        }
        return cluster;
    }

    static RedisURI uri(LettuceConnectionFactory factory) {
        LettuceClientConfiguration client = factory.getClientConfiguration();
        RedisURI.Builder uri;
        RedisSentinelConfiguration sentinel = factory.getSentinelConfiguration();
        String username;
        RedisPassword password;
        if (sentinel != null) {
            uri = RedisURI.builder().withSentinelMasterId(sentinel.getMaster().getName());
            for (RedisNode node : sentinel.getSentinels()) {
                RedisURI.Builder one = RedisURI.builder().withHost(node.getHost()).withPort(node.getPort());
                RedisPassword sentinelPassword = sentinel.getSentinelPassword();
                if (sentinelPassword.isPresent()) {
                    one.withPassword(sentinelPassword.get());
                }
                uri.withSentinel(one.build());
            }
            uri.withDatabase(sentinel.getDatabase());
            username = sentinel.getUsername();
            password = sentinel.getPassword();
        } else {
            RedisStandaloneConfiguration standalone = factory.getStandaloneConfiguration();
            uri = RedisURI.builder()
                    .withHost(standalone.getHostName())
                    .withPort(standalone.getPort())
                    .withDatabase(standalone.getDatabase());
            username = standalone.getUsername();
            password = standalone.getPassword();
        }
        if (password.isPresent()) {
            if (username != null && !username.isEmpty()) {
                uri.withAuthentication(username, password.get());
            } else {
                uri.withPassword(password.get());
            }
        }
        uri.withSsl(client.isUseSsl()).withStartTls(client.isStartTls());
        if (client.isUseSsl()) {
            uri.withVerifyPeer(client.getVerifyMode());
        }
        client.getClientName().ifPresent(uri::withClientName);
        return uri.build();
    }
}
