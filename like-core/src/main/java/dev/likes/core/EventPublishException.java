package dev.likes.core;

/**
 * The store applied a like or unlike but the {@link EventPublisher} did not accept its event. The state change stands
 * ({@link #result()} describes it); whether the event is lost depends on the publisher, so a host that needs every
 * event delivered uses a publisher that cannot lose one (for example an outbox written atomically with the change).
 */
public class EventPublishException extends LikeException {

    private static final long serialVersionUID = 1L;

    private final transient LikeEvent event;
    private final transient LikeResult result;

    /**
     * Creates the exception.
     *
     * @param event the event that was not published
     * @param result the applied result of the operation
     * @param cause the publisher's failure
     */
    public EventPublishException(LikeEvent event, LikeResult result, Throwable cause) {
        super("event " + event.eventId() + " for " + event.content() + " was applied but not published", cause);
        this.event = event;
        this.result = result;
    }

    /**
     * The event that was not published.
     *
     * @return the event
     */
    public LikeEvent event() {
        return event;
    }

    /**
     * The applied result of the operation whose event failed.
     *
     * @return the result
     */
    public LikeResult result() {
        return result;
    }
}
