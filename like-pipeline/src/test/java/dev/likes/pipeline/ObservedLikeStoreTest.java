package dev.likes.pipeline;

import static io.micrometer.observation.tck.TestObservationRegistryAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.likes.core.ContentRef;
import dev.likes.core.InMemoryLikeStore;
import dev.likes.core.LikeAction;
import dev.likes.core.LikeEvent;
import dev.likes.core.LikeMutation;
import dev.likes.core.LikeResult;
import dev.likes.core.LikeService;
import dev.likes.core.LikeStore;
import dev.likes.core.LikeStoreException;
import dev.likes.testkit.InMemoryEventSink;
import io.micrometer.observation.Observation;
import io.micrometer.observation.tck.TestObservationRegistry;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ObservedLikeStoreTest {

    private static final ContentRef POST = ContentRef.of("post", 1);

    private final TestObservationRegistry registry = TestObservationRegistry.create();

    @Test
    void observesEachMutationWithItsActionTypeAndOutcome() {
        try (LikeService service = LikeService.builder(new ObservedLikeStore(InMemoryLikeStore.builder().build(), registry))
                .build()) {
            service.like(1, POST);
            service.like(1, POST);
            service.unlike(1, POST);
        }
        assertThat(registry).hasNumberOfObservationsWithNameEqualTo(ObservedLikeStore.MUTATION, 3)
                .hasAnObservation(o -> o.hasNameEqualTo(ObservedLikeStore.MUTATION)
                        .hasContextualNameEqualTo("like")
                        .hasLowCardinalityKeyValue("like.action", "like")
                        .hasLowCardinalityKeyValue("like.content.type", "post")
                        .hasLowCardinalityKeyValue("like.outcome", "UNCHANGED"))
                .hasAnObservation(o -> o.hasContextualNameEqualTo("unlike")
                        .hasLowCardinalityKeyValue("like.outcome", "APPLIED"))
                .forAllObservationsWithNameEqualTo(ObservedLikeStore.MUTATION,
                        o -> o.hasLowCardinalityKeyValueWithKey("like.outcome"));
        assertThat(registry.getCurrentObservation()).isNull();
    }

    @Test
    void theObservationIsCurrentWhileTheStoreRunsAndAFailureIsRecorded() {
        AtomicReference<Observation> seen = new AtomicReference<>();
        LikeStore failing = (LikeStore) Proxy.newProxyInstance(LikeStore.class.getClassLoader(),
                new Class<?>[] {LikeStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("apply")) {
                        seen.set(registry.getCurrentObservation());
                        return CompletableFuture.failedFuture(new LikeStoreException("Redis is down", null));
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        ObservedLikeStore store = new ObservedLikeStore(failing, registry);
        CompletionStage<LikeResult> result = store.apply(
                new LikeMutation("e", 1, POST, LikeAction.LIKE, null, Instant.EPOCH));

        assertThatThrownBy(() -> result.toCompletableFuture().join()).hasCauseInstanceOf(LikeStoreException.class);
        assertThat(seen.get()).isNotNull();
        assertThat(seen.get().getContext().getName()).isEqualTo(ObservedLikeStore.MUTATION);
        assertThat(registry.getCurrentObservation()).as("the scope is closed after the call").isNull();
        assertThat(registry).hasSingleObservationThat()
                .hasBeenStarted()
                .hasBeenStopped()
                .hasLowCardinalityKeyValue("like.outcome", "error")
                .assertThatError().isInstanceOf(LikeStoreException.class);
    }

    @Test
    void observesFeedReadsAndConsumerBatches() {
        try (LikeService service = LikeService.builder(new ObservedLikeStore(InMemoryLikeStore.builder().build(), registry))
                .build()) {
            service.feed(1, Set.of(POST, ContentRef.of("post", 2)));
        }
        InMemoryEventSink sink = new InMemoryEventSink();
        new ObservedEventSink(sink, registry).apply(List.of(
                new LikeEvent("a", null, 1, POST, LikeAction.LIKE, Instant.EPOCH, 1, 1))).toCompletableFuture().join();

        assertThat(registry)
                .hasAnObservation(o -> o.hasNameEqualTo(ObservedLikeStore.FEED)
                        .hasHighCardinalityKeyValue("like.contents", "2")
                        .hasLowCardinalityKeyValue("like.outcome", "fresh"))
                .hasAnObservation(o -> o.hasNameEqualTo(ObservedEventSink.BATCH)
                        .hasHighCardinalityKeyValue("like.events", "1")
                        .hasLowCardinalityKeyValue("like.outcome", "applied"));
        assertThat(sink.liked(1, POST)).isTrue();
    }
}
