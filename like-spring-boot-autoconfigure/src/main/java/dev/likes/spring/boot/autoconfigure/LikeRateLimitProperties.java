package dev.likes.spring.boot.autoconfigure;


/**
 * The {@code like.rate-limit.*} properties: the per-user rate limit (a token bucket in Redis).
 *
 * <p>Mutable bean, bound once at start-up by Spring; not for concurrent mutation.
 */
public class LikeRateLimitProperties {

    /** Whether likes are rate-limited per user. */
    private boolean enabled = true;

    /** The average rate per user, per second. */
    private double perSecond = 20;

    /** The most likes of one user at once. */
    private int burst = 60;

    /** @return whether the limit is on */
    public boolean isEnabled() {
        return enabled;
    }

    /** @param enabled whether the limit is on */
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /** @return the average rate per second */
    public double getPerSecond() {
        return perSecond;
    }

    /** @param perSecond the average rate per second */
    public void setPerSecond(double perSecond) {
        this.perSecond = perSecond;
    }

    /** @return the burst */
    public int getBurst() {
        return burst;
    }

    /** @param burst the burst */
    public void setBurst(int burst) {
        this.burst = burst;
    }
}
