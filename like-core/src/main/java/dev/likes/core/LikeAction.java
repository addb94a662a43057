package dev.likes.core;

/** The two state changes a user can ask for. */
public enum LikeAction {
    /** The user likes the content. */
    LIKE,
    /** The user withdraws a like. */
    UNLIKE
}
