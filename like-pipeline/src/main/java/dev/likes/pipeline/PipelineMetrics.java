package dev.likes.pipeline;

import dev.likes.core.LikeAction;
import dev.likes.core.LikeRejectedException;

/** What the pipeline reports as it works; {@link #NONE} when the host app gave no meter registry. */
interface PipelineMetrics {

    /** Reports nothing. */
    PipelineMetrics NONE = new PipelineMetrics() {};

    /** One like or unlike ended with {@code status} (a {@code LikeResult.Status} name, REJECTED, TIMED_OUT or FAILED). */
    default void mutation(LikeAction action, String status, long nanos) {}

    default void rejected(LikeRejectedException.Reason reason) {}

    /** A read answered by the fallback (local cache or durable store) because Redis could not. */
    default void fallbackRead() {}

    /** A degraded change replayed into Redis. */
    default void replayed() {}

    /** Corrections published for degraded changes that Redis recognised, at their replay, as stale retries. */
    default void corrected(int events) {}
}
