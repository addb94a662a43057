package dev.likes.spring.boot.autoconfigure;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The {@code like.redis.*} properties: where Redis is, and the store's settings on it.
 *
 * <p>Mutable bean, bound once at start-up by Spring; not for concurrent mutation.
 */
public class LikeRedisProperties {

    /**
     * The Redis URI, e.g. redis://:secret@127.0.0.1:6379/0 (rediss:// for TLS). Default: Spring Boot's
     * spring.data.redis.url, else spring.data.redis.host, port, username, password and database.
     */
    private @Nullable String uri;

    /** The prefix of every Redis key of the store (no braces, at most 40 characters). */
    private String keyPrefix = "like";

    /** Contents are spread over this many shards (hash tags); one script call serves one shard. */
    private int shards = 16;

    /**
     * The server's hash-max-listpack-entries, which sizes the status buckets; 0 reads it with CONFIG GET (128 when
     * the server refuses, as some managed services do).
     */
    private int hashMaxListpackEntries;

    /** How long one Redis call may take before it fails; keep it below like.call-timeout. */
    private Duration commandTimeout = Duration.ofSeconds(1);

    /** How long a liked content stays in Redis after its last change. */
    private Duration hotTtl = Duration.ofHours(24);

    /** How long a content loaded for reading stays in Redis. */
    private Duration coldTtl = Duration.ofHours(1);

    /** How long a content nobody likes is remembered as empty. */
    private Duration emptyTtl = Duration.ofMinutes(1);

    /** How long a request ID is remembered, so that a retry is not applied twice. */
    private Duration requestIdTtl = Duration.ofHours(24);

    /** How long a count read from Redis is served from this process's memory when Redis cannot answer. */
    private Duration localCountCacheTtl = Duration.ofSeconds(1);

    /** The most contents whose counts this process keeps in memory. */
    private long localCountCacheSize = 100_000;

    /**
     * What to do when Redis's settings cannot keep what the store acknowledges (appendfsync, maxmemory-policy):
     * REFUSE to start, WARN, or SKIP the check (for a managed Redis that refuses CONFIG GET).
     */
    private String settingsCheck = "REFUSE";

    /** @return the URI, or {@code null} for Spring Boot's settings */
    public @Nullable String getUri() {
        return uri;
    }

    /** @param uri the URI */
    public void setUri(@Nullable String uri) {
        this.uri = uri;
    }


    /** @return the key prefix */
    public String getKeyPrefix() {
        return keyPrefix;
    }

    /** @param keyPrefix the key prefix */
    public void setKeyPrefix(String keyPrefix) {
        this.keyPrefix = keyPrefix;
    }

    /** @return the number of shards */
    public int getShards() {
        return shards;
    }

    /** @param shards the number of shards */
    public void setShards(int shards) {
        this.shards = shards;
    }

    /** @return the server's hash-max-listpack-entries, 0 to read it */
    public int getHashMaxListpackEntries() {
        return hashMaxListpackEntries;
    }

    /** @param hashMaxListpackEntries the server's hash-max-listpack-entries, 0 to read it */
    public void setHashMaxListpackEntries(int hashMaxListpackEntries) {
        this.hashMaxListpackEntries = hashMaxListpackEntries;
    }

    /** @return the command timeout */
    public Duration getCommandTimeout() {
        return commandTimeout;
    }

    /** @param commandTimeout the command timeout */
    public void setCommandTimeout(Duration commandTimeout) {
        this.commandTimeout = commandTimeout;
    }

    /** @return the expiry of changed contents */
    public Duration getHotTtl() {
        return hotTtl;
    }

    /** @param hotTtl the expiry of changed contents */
    public void setHotTtl(Duration hotTtl) {
        this.hotTtl = hotTtl;
    }

    /** @return the expiry of contents loaded for reading */
    public Duration getColdTtl() {
        return coldTtl;
    }

    /** @param coldTtl the expiry of contents loaded for reading */
    public void setColdTtl(Duration coldTtl) {
        this.coldTtl = coldTtl;
    }

    /** @return the expiry of empty contents */
    public Duration getEmptyTtl() {
        return emptyTtl;
    }

    /** @param emptyTtl the expiry of empty contents */
    public void setEmptyTtl(Duration emptyTtl) {
        this.emptyTtl = emptyTtl;
    }

    /** @return how long request IDs are kept */
    public Duration getRequestIdTtl() {
        return requestIdTtl;
    }

    /** @param requestIdTtl how long request IDs are kept */
    public void setRequestIdTtl(Duration requestIdTtl) {
        this.requestIdTtl = requestIdTtl;
    }

    /** @return the local count cache's expiry */
    public Duration getLocalCacheTtl() {
        return localCountCacheTtl;
    }

    /** @param localCountCacheTtl the local count cache's expiry */
    public void setLocalCacheTtl(Duration localCountCacheTtl) {
        this.localCountCacheTtl = localCountCacheTtl;
    }

    /** @return the local count cache's size */
    public long getLocalCacheSize() {
        return localCountCacheSize;
    }

    /** @param localCountCacheSize the local count cache's size */
    public void setLocalCacheSize(long localCountCacheSize) {
        this.localCountCacheSize = localCountCacheSize;
    }

    /** @return the settings check */
    public String getSettingsCheck() {
        return settingsCheck;
    }

    /** @param settingsCheck the settings check */
    public void setSettingsCheck(String settingsCheck) {
        this.settingsCheck = settingsCheck;
    }
}
