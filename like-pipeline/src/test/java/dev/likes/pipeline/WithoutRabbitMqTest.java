package dev.likes.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A host on Kafka has neither {@code like-rabbitmq} nor {@code amqp-client} on its class path (both are optional
 * dependencies): building a pipeline on Kafka must not need them.
 */
class WithoutRabbitMqTest {

    @Test
    void aPipelineOnKafkaBuildsWithoutTheRabbitMqClasses() throws Exception {
        List<URL> urls = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!entry.contains("like-rabbitmq") && !entry.contains("amqp-client")) {
                urls.add(new File(entry).toURI().toURL());
            }
        }
        try (URLClassLoader host = new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
            assertThat(host.getResource("dev/likes/rabbitmq/LikeQueues.class")).as("like-rabbitmq is left out").isNull();
            Class<?> pipeline = host.loadClass("dev.likes.pipeline.LikePipeline");
            Object builder = pipeline.getMethod("builder").invoke(null);
            Class<?> type = builder.getClass();
            Class<?> redisUri = host.loadClass("io.lettuce.core.RedisURI");
            type.getMethod("redis", redisUri).invoke(builder,
                    redisUri.getMethod("create", String.class).invoke(null, "redis://127.0.0.1:1"));
            type.getMethod("kafka", String.class).invoke(builder, "127.0.0.1:1");
            Class<?> jdbi = host.loadClass("org.jdbi.v3.core.Jdbi");
            type.getMethod("mysql", jdbi).invoke(builder,
                    jdbi.getMethod("create", String.class).invoke(null, "jdbc:mysql://127.0.0.1:1/none"));
            Method build = type.getMethod("build");
            // the Kafka queue is made, then the schema check fails to reach MySQL: any failure but a missing class
            Throwable failure = null;
            try {
                build.invoke(builder);
            } catch (InvocationTargetException e) {
                failure = e.getCause();
            }
            assertThat(failure).isNotNull().isNotInstanceOf(LinkageError.class);
            for (Throwable t = failure; t != null; t = t.getCause()) {
                assertThat(t).isNotInstanceOf(ClassNotFoundException.class).isNotInstanceOf(LinkageError.class);
            }
        }
    }
}
