package dev.likes.core;

import dev.likes.core.internal.Args;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * A {@link LikeStore} that forwards every call to another store: the base of a decorator (metrics, admission, a
 * breaker, a test double that fails on demand), which overrides only the calls it changes. The methods that have
 * defaults in {@link LikeStore} ({@link #feed}, {@link #version}, {@link #snapshot}) forward too, so the delegate's own
 * implementations answer, and {@link #close()} closes the delegate. Each method calls the same method of the
 * delegate, never another method of this class: a subclass that overrides {@link #counts} does not change what
 * {@link #feed} answers, so it overrides both when both must change.
 *
 * <pre>{@code
 * class CountingStore extends ForwardingLikeStore {
 *     final LongAdder writes = new LongAdder();
 *     CountingStore(LikeStore delegate) { super(delegate); }
 *     @Override public CompletionStage<LikeResult> apply(LikeMutation mutation) {
 *         writes.increment();
 *         return super.apply(mutation);
 *     }
 * }
 * }</pre>
 *
 * <p>Thread-safe if the delegate is and the subclass's own state is.
 */
public abstract class ForwardingLikeStore implements LikeStore {

    private final LikeStore delegate;

    /**
     * A store that forwards to {@code delegate}.
     *
     * @param delegate the store every call goes to
     * @throws NullPointerException if {@code delegate} is null
     */
    protected ForwardingLikeStore(LikeStore delegate) {
        this.delegate = Args.notNull("delegate", delegate);
    }

    /**
     * The store every call goes to.
     *
     * @return the delegate
     */
    protected final LikeStore delegate() {
        return delegate;
    }

    @Override
    public CompletionStage<LikeResult> apply(LikeMutation mutation) {
        return delegate.apply(mutation);
    }

    @Override
    public CompletionStage<Boolean> hasLiked(long userId, ContentRef content) {
        return delegate.hasLiked(userId, content);
    }

    @Override
    public CompletionStage<Long> count(ContentRef content) {
        return delegate.count(content);
    }

    @Override
    public CompletionStage<Map<ContentRef, Long>> counts(Set<ContentRef> contents) {
        return delegate.counts(contents);
    }

    @Override
    public CompletionStage<Set<ContentRef>> likedAmong(long userId, Set<ContentRef> contents) {
        return delegate.likedAmong(userId, contents);
    }

    @Override
    public CompletionStage<List<Liker>> likers(ContentRef content, @Nullable Liker after, int limit) {
        return delegate.likers(content, after, limit);
    }

    @Override
    public CompletionStage<List<UserLike>> likesOf(long userId, @Nullable String contentType, @Nullable UserLike after,
            int limit) {
        return delegate.likesOf(userId, contentType, after, limit);
    }

    @Override
    public CompletionStage<FeedState> feed(long userId, Set<ContentRef> contents) {
        return delegate.feed(userId, contents);
    }

    @Override
    public CompletionStage<Long> version(ContentRef content) {
        return delegate.version(content);
    }

    @Override
    public CompletionStage<ContentSnapshot> snapshot(ContentRef content, int limit) {
        return delegate.snapshot(content, limit);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
