package dev.likes.pipeline;

import dev.likes.core.JobLeases;
import dev.likes.jdbc.JdbiLikeStore;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The purge of expired request IDs from MySQL, by one instance at a time: see
 * {@link LikePipeline#purgeExpiredRequests()}.
 */
final class RequestPurge {

    private static final Logger log = LoggerFactory.getLogger(RequestPurge.class);

    private final JobLeases jobLeases;
    private final JdbiLikeStore mysql;
    private final Clock clock;

    RequestPurge(JobLeases jobLeases, JdbiLikeStore mysql, Clock clock) {
        this.jobLeases = jobLeases;
        this.mysql = mysql;
        this.clock = clock;
    }

    /** Purges if this instance gets the job's lease; the number of IDs deleted, 0 without the lease. */
    long run() throws InterruptedException, ExecutionException, TimeoutException {
        Optional<JobLeases.Lease> lease = jobLeases.tryAcquire(LikePipeline.PURGE_JOB, Duration.ofMinutes(15));
        if (lease.isEmpty()) {
            log.debug("another instance holds the lease of job {}: not purging", LikePipeline.PURGE_JOB);
            return 0;
        }
        try {
            return mysql.purgeExpiredRequests(clock.instant(), 10_000).toCompletableFuture().get(10, TimeUnit.MINUTES);
        } finally {
            lease.get().close();
        }
    }
}
