package dev.likes.core;

/**
 * What a change does to a user's state for a content. {@link #LIKE} and {@link #UNLIKE} are the changes a user asks
 * for; {@link #ERASE} appears in events only.
 */
public enum LikeAction {
    /** The user likes the content. */
    LIKE,
    /** The user withdraws a like. */
    UNLIKE,
    /**
     * Every record of the (user, content) pair was deleted for a data-protection erasure of the user. An event only:
     * a {@link LikeMutation} never carries it. A consumer deletes what it keeps of the pair, whatever the event's
     * version (the pair has no later state to protect), takes the user out of the content's count if it still counts
     * them, and ignores the user's changes that happened before the event's time if they arrive after it.
     */
    ERASE
}
