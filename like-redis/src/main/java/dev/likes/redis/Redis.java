package dev.likes.redis;

import dev.likes.core.LikeStoreException;
import dev.likes.core.LikeTimeoutException;
import dev.likes.core.internal.Futures;
import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.netty.util.Timeout;
import io.netty.util.Timer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The store's access to Redis: every call gets the store's timeout and has its failures turned into
 * {@link LikeStoreException}s that say what happened without naming credentials. Works the same on one Redis and on a
 * cluster (Lettuce routes a script by its first key). Callbacks run on Lettuce's I/O threads and never block.
 */
final class Redis {

    private final RedisClusterAsyncCommands<String, String> commands;
    private final long timeoutMillis;
    private final Timer timer;

    /**
     * @param timer the client's timer (a hashed wheel: scheduling and cancelling are lock-free, unlike
     *     {@code CompletableFuture.orTimeout}'s shared scheduled executor, which every call would contend on)
     */
    Redis(RedisClusterAsyncCommands<String, String> commands, Duration timeout, Timer timer) {
        this.commands = commands;
        this.timeoutMillis = timeout.toMillis();
        this.timer = timer;
    }

    /** Runs a command with the store's timeout and failure translation. */
    <T> CompletableFuture<T> call(String what, Function<RedisClusterAsyncCommands<String, String>, CompletionStage<T>> command) {
        CompletableFuture<T> future;
        try {
            future = command.apply(commands).toCompletableFuture();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(translate(what, e));
        }
        if (future.isDone()) {
            return future.handle((value, failure) -> settle(what, value, failure));
        }
        CompletableFuture<T> bounded = new CompletableFuture<>();
        Timeout timeout;
        try {
            timeout = timer.newTimeout(
                    t -> bounded.completeExceptionally(new TimeoutException()), timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(translate(what, e)); // the client was shut down: its timer stopped
        }
        future.whenComplete((value, failure) -> {
            timeout.cancel();
            if (failure != null) {
                bounded.completeExceptionally(failure);
            } else {
                bounded.complete(value);
            }
        });
        return bounded.handle((value, failure) -> settle(what, value, failure));
    }

    private <T> T settle(String what, T value, Throwable failure) {
        if (failure != null) {
            throw new CompletionException(translate(what, failure));
        }
        return value;
    }

    /** Runs a script by its SHA; after {@code NOSCRIPT} (a restarted or failed-over Redis) sends it whole once. */
    <T> CompletableFuture<T> script(Script script, String[] keys, String... args) {
        return call(script.name, c -> c.<T>evalsha(script.sha, script.output, keys, args)
                .toCompletableFuture()
                .exceptionallyCompose(failure -> Futures.unwrap(failure) instanceof RedisNoScriptException
                        ? c.<T>eval(script.source, script.output, keys, args)
                        : CompletableFuture.failedFuture(failure)));
    }

    private LikeStoreException translate(String what, Throwable failure) {
        Throwable cause = Futures.unwrap(failure);
        if (cause instanceof LikeStoreException) {
            return (LikeStoreException) cause;
        }
        if (cause instanceof TimeoutException || cause instanceof RedisCommandTimeoutException) {
            return new LikeTimeoutException("Redis did not answer " + what + " within " + timeoutMillis
                    + " ms; the outcome is unknown: retry with the same request ID", Duration.ofMillis(timeoutMillis),
                    cause);
        }
        if (cause instanceof RedisConnectionException) {
            return new LikeStoreException("Redis is unreachable (" + what + ")", cause);
        }
        return new LikeStoreException("Redis failed " + what + ": " + cause.getMessage(), cause);
    }

    /** A field's value from an {@code HMGET}, or null when absent or empty (a meta field not set yet). */
    static @Nullable String value(KeyValue<String, String> kv) {
        return kv.hasValue() && !kv.getValue().isEmpty() ? kv.getValue() : null;
    }

    /** A Lua script from the jar, with its SHA-1 so it can be called by {@code EVALSHA}. */
    static final class Script {
        final String name;
        final String source;
        final String sha;
        final ScriptOutputType output;

        private Script(String name, String source, ScriptOutputType output) {
            this.name = name;
            this.source = source;
            this.sha = sha1(source);
            this.output = output;
        }

        static Script load(String name, ScriptOutputType output) {
            try (InputStream in = Redis.class.getResourceAsStream(name + ".lua")) {
                if (in == null) {
                    throw new IllegalStateException("script " + name + ".lua is missing from the jar");
                }
                return new Script(name, new String(in.readAllBytes(), StandardCharsets.UTF_8), output);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read script " + name, e);
            }
        }

        private static String sha1(String text) {
            try {
                byte[] digest = MessageDigest.getInstance("SHA-1")
                        .digest(text.getBytes(StandardCharsets.UTF_8));
                StringBuilder hex = new StringBuilder(40);
                for (byte b : digest) {
                    hex.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
                }
                return hex.toString();
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-1 is missing from this JVM", e);
            }
        }
    }
}
