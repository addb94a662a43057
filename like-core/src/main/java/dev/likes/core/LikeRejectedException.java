package dev.likes.core;

import dev.likes.core.internal.Args;
import java.time.Duration;

/**
 * A like or unlike was refused before anything was written, to protect the system: the user exceeded their rate,
 * or too many calls are in flight. Nothing changed; the caller may retry after {@link #retryAfter()}.
 */
public class LikeRejectedException extends LikeException {

    private static final long serialVersionUID = 1L;

    /** Why a call was refused. */
    public enum Reason {
        /** The user made more calls than their rate limit allows. */
        RATE_LIMITED,
        /** Too many calls are in flight in this process; the call was shed instead of queued without bound. */
        OVERLOADED
    }

    private final Reason reason;
    private final transient Duration retryAfter;

    /**
     * Creates the exception.
     *
     * @param reason why the call was refused
     * @param retryAfter how long the caller should wait before retrying; never null
     * @param message a description naming the limit
     */
    public LikeRejectedException(Reason reason, Duration retryAfter, String message) {
        super(message, null);
        this.reason = Args.notNull("reason", reason);
        this.retryAfter = Args.notNull("retryAfter", retryAfter);
    }

    /**
     * Why the call was refused.
     *
     * @return the reason
     */
    public Reason reason() {
        return reason;
    }

    /**
     * How long the caller should wait before retrying.
     *
     * @return the wait, zero or more
     */
    public Duration retryAfter() {
        return retryAfter;
    }
}
