package dev.likes.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code like-admin}: operations on a running like system, configured with the Spring Boot starter's keys. Exit codes:
 * 0 done, 1 failed (the reason on standard error), 2 bad usage, 3 {@code reconcile} found drift it did not repair.
 */
@Command(name = "like-admin", mixinStandardHelpOptions = true, versionProvider = LikeAdmin.Version.class,
        description = "Operations on a like system: its Redis, Kafka and MySQL, configured with the keys of the"
                + " Spring Boot starter (a properties file, and environment variables, which win).",
        subcommands = {
            StatusCommand.class,
            Commands.Reconcile.class,
            Commands.Recount.class,
            Commands.Archive.class,
            Commands.PurgeRequests.class,
            ReplayDeadLetters.class,
            Commands.ForgetUser.class
        },
        footer = {"", "Keys: like.redis.uri (or spring.data.redis.url), like.redis.key-prefix, like.redis.shards,"
                + " like.kafka.bootstrap-servers (or spring.kafka.bootstrap-servers), like.kafka.topic,"
                + " like.kafka.consumer-group, like.kafka.properties.*, spring.datasource.url, .username, .password,"
                + " like.archive.directory.",
            "Exit codes: 0 done, 1 failed, 2 bad usage, 3 drift found and not repaired."})
public final class LikeAdmin implements Runnable {

    /** Exit code of a {@code reconcile} that found drift and did not repair it. */
    public static final int DRIFT = 3;

    private static final ObjectMapper JSON = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    @Option(names = "--config", paramLabel = "FILE", scope = ScopeType.INHERIT,
            description = "A properties file with the starter's keys.")
    @Nullable Path config;

    @Option(names = "--json", scope = ScopeType.INHERIT, description = "Print the result as one JSON object.")
    boolean json;

    @Spec
    @Nullable CommandSpec spec;

    private final Map<String, String> env;

    private LikeAdmin(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    /**
     * Runs a command and exits with its code.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        System.exit(run(args, System.getenv(), new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /**
     * Runs a command.
     *
     * @param args the command line
     * @param env the environment to read settings from
     * @param out where the result goes
     * @param err where progress and errors go
     * @return the exit code
     */
    public static int run(String[] args, Map<String, String> env, PrintWriter out, PrintWriter err) {
        CommandLine line = new CommandLine(new LikeAdmin(env));
        line.setOut(out);
        line.setErr(err);
        line.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("like-admin " + cmd.getCommandName() + ": " + describe(e));
            return 1;
        });
        return line.execute(args);
    }

    private static String describe(Throwable e) {
        Throwable t = e;
        while ((t instanceof ExecutionException || t instanceof CompletionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(Objects.requireNonNull(spec).commandLine(),
                "name a command (see --help)");
    }

    Map<String, String> env() {
        return env;
    }

    /** Prints a command's result: a JSON object, or one "key: value" line per entry. */
    void print(PrintWriter out, Map<String, Object> result) {
        if (json) {
            try {
                out.println(JSON.writeValueAsString(result));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("the result cannot be written as JSON", e);
            }
        } else {
            result.forEach((key, value) -> out.println(key + ": " + value));
        }
        out.flush();
    }

    /** The version of the jar. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = LikeAdmin.class.getPackage().getImplementationVersion();
            return new String[] {"like-admin " + (version == null ? "(development)" : version)};
        }
    }
}
