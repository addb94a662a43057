package dev.likes.jdbc;

import java.util.Map;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;
import org.slf4j.MDC;
import org.slf4j.spi.MDCAdapter;

/**
 * An executor that runs each task with the MDC of the thread that submitted it (a request's ids, a trace's ids), and
 * leaves the worker's own MDC as it was afterwards.
 */
final class MdcExecutor implements Executor {

    private final Executor delegate;
    private final MDCAdapter mdc;

    /** Over the MDC of the logging backend in use. */
    MdcExecutor(Executor delegate) {
        this(delegate, MDC.getMDCAdapter());
    }

    MdcExecutor(Executor delegate, MDCAdapter mdc) {
        this.delegate = delegate;
        this.mdc = mdc;
    }

    @Override
    public void execute(Runnable task) {
        @Nullable Map<String, String> submitter = mdc.getCopyOfContextMap();
        delegate.execute(() -> {
            @Nullable Map<String, String> own = mdc.getCopyOfContextMap();
            set(submitter);
            try {
                task.run();
            } finally {
                set(own);
            }
        });
    }

    private void set(@Nullable Map<String, String> context) {
        if (context == null || context.isEmpty()) {
            mdc.clear();
        } else {
            mdc.setContextMap(context);
        }
    }
}
