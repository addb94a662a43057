package dev.likes.kafka;

import dev.likes.core.internal.Args;
import java.util.regex.Pattern;

/** The rule for Kafka topic names. */
final class TopicNames {

    private static final Pattern LEGAL = Pattern.compile("[A-Za-z0-9._-]{1,249}");

    private TopicNames() {}

    /** The name, if Kafka allows it as a topic name: 1 to 249 characters of {@code [A-Za-z0-9._-]}. */
    static String check(String topic) {
        return Args.matches("topic", topic, LEGAL, "1 to 249 characters of [A-Za-z0-9._-]");
    }
}
