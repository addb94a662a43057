package dev.likes.core;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** {@link JobLeases#inProcess}: the leases in a map guarded by this object's monitor. */
final class InProcessJobLeases implements JobLeases {

    private final Clock clock;
    private final Map<String, Held> held = new HashMap<>();

    InProcessJobLeases(Clock clock) {
        this.clock = clock;
    }

    private record Held(Object holder, Instant until) {}

    @Override
    public Optional<Lease> tryAcquire(String job, Duration leaseTime) {
        JobLeases.check(job, leaseTime);
        Object holder = new Object();
        synchronized (this) {
            Held current = held.get(job);
            if (current != null && clock.instant().isBefore(current.until)) {
                return Optional.empty();
            }
            held.put(job, new Held(holder, clock.instant().plus(leaseTime)));
        }
        return Optional.of(new Lease() {
            @Override
            public String job() {
                return job;
            }

            @Override
            public boolean renew() {
                synchronized (InProcessJobLeases.this) {
                    Held current = held.get(job);
                    Instant now = clock.instant();
                    if (current == null || current.holder != holder || !now.isBefore(current.until)) {
                        return false;
                    }
                    held.put(job, new Held(holder, now.plus(leaseTime)));
                    return true;
                }
            }

            @Override
            public void close() {
                synchronized (InProcessJobLeases.this) {
                    Held current = held.get(job);
                    if (current != null && current.holder == holder) {
                        held.remove(job);
                    }
                }
            }
        });
    }
}
