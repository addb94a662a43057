package dev.likes.pipeline;

import dev.likes.core.LikeEventConsumer;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one event consumer running while the pipeline is open: {@link #check()} (every few seconds, from the
 * pipeline's background thread) replaces a consumer that stopped (closed by someone else, or its thread died).
 * Thread-safe.
 */
final class ConsumerSupervisor implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ConsumerSupervisor.class);

    private final Supplier<LikeEventConsumer> factory;
    private final AtomicLong replacements = new AtomicLong();
    private volatile LikeEventConsumer consumer;
    private boolean closing;

    /** Creates the first consumer (not started yet). */
    ConsumerSupervisor(Supplier<LikeEventConsumer> factory) {
        this.factory = factory;
        this.consumer = factory.get();
    }

    void start() {
        consumer.start();
    }

    /** The consumer running now. */
    LikeEventConsumer current() {
        return consumer;
    }

    /** How often a stopped consumer was replaced. */
    long replacements() {
        return replacements.get();
    }

    /** Replaces the consumer if it stopped while the pipeline is open. */
    void check() {
        LikeEventConsumer current = consumer;
        if (isClosing() || current.isRunning()) {
            return;
        }
        log.error("the like event consumer stopped while the pipeline is open: starting a new one");
        try {
            current.close();
            LikeEventConsumer next = factory.get();
            synchronized (this) {
                if (closing) {
                    next.close();
                    return;
                }
                consumer = next.start();
            }
            replacements.incrementAndGet();
        } catch (RuntimeException e) {
            log.error("could not start a new like event consumer; next try in 5 s", e);
        }
    }

    private synchronized boolean isClosing() {
        return closing;
    }

    /** Closes the consumer running now, which may have replaced the first; no replacement starts afterwards. */
    @Override
    public void close() {
        synchronized (this) {
            closing = true;
        }
        @Nullable LikeEventConsumer running = consumer;
        if (running != null) {
            running.close();
        }
    }
}
