package dev.likes.core;

import dev.likes.core.internal.Args;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The like service host applications call: like, unlike, and the reads a feed needs.
 *
 * <p><b>Guarantees.</b> Like and unlike are idempotent: repeating one changes nothing and is not an error. Each is
 * atomic per (user, content), and its {@link LikeResult} reports the state and count taken in the same atomic step.
 * With a request ID, the same (user, content, request ID) is applied at most once. Every applied change produces one
 * {@link LikeEvent}: the service's {@link EventPublisher} accepted it before the call returns, or, with a store that
 * has a transactional outbox (the Redis store of {@code like-pipeline}), the store wrote it atomically with the change
 * and relays it. Counts are exact. A store with a degraded mode may answer {@link LikeResult.Status#ACCEPTED} ("liked,
 * will show later") when its hot tier is down.
 *
 * <p><b>Threads.</b> Instances are thread-safe. The methods here block until the store answers; {@link #async()}
 * gives the same operations without blocking.
 *
 * <p><b>Errors.</b> Invalid arguments throw {@link IllegalArgumentException} (or {@link NullPointerException} for a
 * null) naming the argument and the rule, before anything is written. Store failures throw
 * {@link LikeStoreException}; a change applied whose event was refused throws {@link EventPublishException}; a call
 * refused by a rate limit or a concurrency bound throws {@link LikeRejectedException}, with nothing written.
 *
 * <p><b>Deadline.</b> Every call, blocking or asynchronous, ends within the {@linkplain Builder#callTimeout call
 * timeout} (2 s by default) with its result or a failure; a call that runs out of time fails with
 * {@link LikeTimeoutException}, and a like or unlike that fails so has an unknown outcome.
 *
 * <p>Create one with {@link #builder(LikeStore)}, or {@link #inMemory()} for tests and demos.
 */
public interface LikeService extends AutoCloseable {

    /** The default {@linkplain Builder#callTimeout time one call may take}: 2 seconds. */
    Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(2);

    /** The most contents one batch read accepts. */
    int MAX_BATCH_SIZE = 1_000;

    /**
     * Makes {@code userId} like {@code content}; a repeated like returns {@link LikeResult.Status#UNCHANGED}.
     *
     * @param userId the user, greater than 0
     * @param content the content
     * @return the result
     */
    LikeResult like(long userId, ContentRef content);

    /**
     * Like {@link #like(long, ContentRef)}, applied at most once per (user, content, request ID): a retry of the same
     * click sends the same ID and gets {@link LikeResult.Status#DUPLICATE_REQUEST}.
     *
     * @param userId the user, greater than 0
     * @param content the content
     * @param requestId the client's request ID (see {@link RequestIds}), or {@code null}
     * @return the result
     */
    LikeResult like(long userId, ContentRef content, @Nullable String requestId);

    /**
     * Withdraws {@code userId}'s like of {@code content}; unliking what is not liked returns
     * {@link LikeResult.Status#UNCHANGED}.
     *
     * @param userId the user, greater than 0
     * @param content the content
     * @return the result
     */
    LikeResult unlike(long userId, ContentRef content);

    /**
     * Like {@link #unlike(long, ContentRef)}, applied at most once per (user, content, request ID).
     *
     * @param userId the user, greater than 0
     * @param content the content
     * @param requestId the client's request ID (see {@link RequestIds}), or {@code null}
     * @return the result
     */
    LikeResult unlike(long userId, ContentRef content, @Nullable String requestId);

    /**
     * Tells whether {@code userId} likes {@code content}.
     *
     * @param userId the user, greater than 0
     * @param content the content
     * @return whether the user likes it
     */
    boolean hasLiked(long userId, ContentRef content);

    /**
     * Counts the users who like {@code content}.
     *
     * @param content the content
     * @return the count, 0 for content nobody likes
     */
    long count(ContentRef content);

    /**
     * Counts many contents in one call, for a feed page.
     *
     * @param contents 1 to {@link #MAX_BATCH_SIZE} contents (duplicates allowed, counted once)
     * @return a count for every distinct content given, 0 included
     */
    Map<ContentRef, Long> counts(Collection<ContentRef> contents);

    /**
     * Tells which of many contents {@code userId} likes, in one call, for a feed page.
     *
     * @param userId the user, greater than 0
     * @param contents 1 to {@link #MAX_BATCH_SIZE} contents (duplicates allowed)
     * @return the contents among them that the user likes
     */
    Set<ContentRef> likedAmong(long userId, Collection<ContentRef> contents);

    /**
     * Reads what a feed page shows for {@code userId}, in one call: every content's count and which ones the user
     * likes. When the hot store is down and a fallback answered, the result says it may be stale.
     *
     * @param userId the user, greater than 0
     * @param contents 1 to {@link #MAX_BATCH_SIZE} contents (duplicates allowed, counted once)
     * @return the counts and liked flags
     */
    FeedState feed(long userId, Collection<ContentRef> contents);

    /**
     * Lists who likes {@code content}, newest first ({@link Liker#NEWEST_FIRST}), one page at a time.
     *
     * @param content the content
     * @param page which page; its cursor must come from an earlier page of this listing
     * @return the page
     */
    Page<Liker> likers(ContentRef content, PageRequest page);

    /**
     * Lists what {@code userId} likes ("my likes"), newest first ({@link UserLike#NEWEST_FIRST}), all types.
     *
     * @param userId the user, greater than 0
     * @param page which page; its cursor must come from an earlier page of this listing
     * @return the page
     */
    Page<UserLike> likesOf(long userId, PageRequest page);

    /**
     * Lists what {@code userId} likes of one content type, newest first.
     *
     * @param userId the user, greater than 0
     * @param contentType only this type (see {@link ContentRef}), or {@code null} for all types
     * @param page which page; its cursor must come from an earlier page of this listing
     * @return the page
     */
    Page<UserLike> likesOf(long userId, @Nullable String contentType, PageRequest page);

    /**
     * The asynchronous view of this service, sharing its store and publisher.
     *
     * @return the view
     */
    AsyncLikeService async();

    /**
     * Stops accepting calls. The store and publisher the host passed in are not closed: the host opened them and
     * closes them. Idempotent.
     */
    @Override
    void close();

    /**
     * Starts a builder over {@code store}, the one collaborator that has no default (a silent in-memory default would
     * lose a production app's likes).
     *
     * @param store where the likes live, e.g. {@link InMemoryLikeStore} or a Redis or JDBC store
     * @return a new builder
     * @throws NullPointerException if {@code store} is null
     */
    static Builder builder(LikeStore store) {
        return new Builder(store);
    }

    /**
     * A service over a new {@link InMemoryLikeStore}, with no publisher and the system clock: for tests, demos and
     * small single-process apps. Its likes live only as long as the object.
     *
     * @return the service
     */
    static LikeService inMemory() {
        return builder(InMemoryLikeStore.create()).build();
    }

    /**
     * Configures a {@link LikeService}. Not thread-safe; {@link #build()} may be called more than once and each service
     * it returns is independent of later changes to the builder.
     */
    final class Builder {

        final LikeStore store;
        EventPublisher publisher = EventPublisher.NONE;
        Clock clock = Clock.systemUTC();
        Duration callTimeout = DEFAULT_CALL_TIMEOUT;

        Builder(LikeStore store) {
            this.store = Args.notNull(
                    "store (pass a LikeStore, e.g. InMemoryLikeStore.create(), or use LikeService.inMemory())",
                    store);
        }

        /**
         * Where events of applied changes go. Default {@link EventPublisher#NONE}.
         *
         * @param publisher the publisher
         * @return this builder
         * @throws NullPointerException if {@code publisher} is null (use {@link EventPublisher#NONE})
         */
        public Builder publisher(EventPublisher publisher) {
            this.publisher = Args.notNull("publisher (use EventPublisher.NONE for none)", publisher);
            return this;
        }

        /**
         * The clock that times likes. Default {@link Clock#systemUTC()}.
         *
         * @param clock the clock
         * @return this builder
         * @throws NullPointerException if {@code clock} is null
         */
        public Builder clock(Clock clock) {
            this.clock = Args.notNull("clock", clock);
            return this;
        }

        /**
         * The most time one call takes, blocking or asynchronous, counted from the moment the call is made. A call
         * that has no result by then ends with a {@link LikeTimeoutException}; a like or unlike that ends so has an
         * unknown outcome (the store may still apply it), so retry it with the same request ID. The store's work is
         * not cancelled. Default {@link #DEFAULT_CALL_TIMEOUT}.
         *
         * @param callTimeout the time, positive
         * @return this builder
         * @throws NullPointerException if {@code callTimeout} is null
         * @throws IllegalArgumentException if {@code callTimeout} is not positive
         */
        public Builder callTimeout(Duration callTimeout) {
            Args.notNull("callTimeout", callTimeout);
            if (callTimeout.toMillis() < 1) {
                throw new IllegalArgumentException("callTimeout must be at least 1 ms, but was " + callTimeout);
            }
            this.callTimeout = callTimeout;
            return this;
        }

        /**
         * Builds the service.
         *
         * @return a new, immutable service
         */
        public LikeService build() {
            return new BlockingLikeService(this);
        }
    }
}
