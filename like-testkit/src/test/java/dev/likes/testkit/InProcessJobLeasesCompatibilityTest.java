package dev.likes.testkit;

import dev.likes.core.JobLeases;
import java.time.Duration;
import java.time.Instant;

/** {@link JobLeases#inProcess} against the kit, on a clock the test moves. */
class InProcessJobLeasesCompatibilityTest extends JobLeasesCompatibilityKit {

    private final MutableClock clock = MutableClock.at(Instant.parse("2026-12-05T00:00:00Z"));
    private final JobLeases shared = JobLeases.inProcess(clock);

    @Override
    protected JobLeases instance() {
        return shared;
    }

    @Override
    protected void elapse(Duration time) {
        clock.advance(time);
    }
}
