package dev.likes.pipeline;

import dev.likes.core.ContentRef;
import dev.likes.core.LikeException;
import dev.likes.core.LikeResult;
import dev.likes.testservers.JdbcEndpoint;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * The child process of {@link HostCrashIT}: a host app that likes and unlikes as fast as it can through a pipeline
 * whose relay lags (the producer lingers a second), printing {@code BEGIN} before and {@code ACK} after every call, until
 * its parent kills it with SIGKILL, or stops it with SIGTERM (which closes the pipeline).
 *
 * <p>Arguments: key prefix, topic, consumer group, JDBC URL, JDBC user, {@code consume} or {@code relay} (whether it
 * also runs the consumer that writes MySQL), the number of posts, {@code kafka} or {@code rabbitmq} (the queue; the
 * topic argument names RabbitMQ's exchange); the JDBC password comes in the environment variable
 * {@code LIKE_CHILD_JDBC_PASSWORD}.
 */
public final class CrashingHost {

    private CrashingHost() {}

    public static void main(String[] args) {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        JdbcEndpoint endpoint = new JdbcEndpoint(args[3], args[4], System.getenv("LIKE_CHILD_JDBC_PASSWORD"));
        boolean rabbit = args[7].equals("rabbitmq");
        Harness h = new Harness(endpoint, false, rabbit, args[1]);
        LikePipeline.Builder builder = h.pipeline()
                .runConsumer(args[5].equals("consume"))
                .configureRedis(r -> r.keyPrefix(args[0]));
        if (!rabbit) {
            builder.consumerGroup(args[2]).configurePublisher(b -> b.producerProperty("linger.ms", 1_000));
        }
        LikePipeline p = builder.build();
        Runtime.getRuntime().addShutdownHook(new Thread(p::close)); // SIGTERM: a graceful stop
        int posts = Integer.parseInt(args[6]);
        SplittableRandom random = new SplittableRandom(42);
        out.println("READY");
        while (true) {
            long user = 1 + random.nextInt(300);
            ContentRef content = ContentRef.of("post", 1 + random.nextInt(posts));
            boolean like = random.nextInt(10) < 7;
            out.println("BEGIN " + user + " " + content.id() + " " + (like ? "L" : "U"));
            try {
                LikeResult r = like ? p.service().like(user, content) : p.service().unlike(user, content);
                out.println("ACK " + user + " " + content.id() + " " + (like ? "L" : "U") + " " + r.status());
            } catch (LikeException e) {
                // answered with a failure: nothing recorded, or (a timeout) an unknown outcome
                out.println("FAIL " + user + " " + content.id() + " " + (like ? "L" : "U"));
            }
        }
    }
}
