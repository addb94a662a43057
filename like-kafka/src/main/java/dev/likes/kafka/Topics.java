package dev.likes.kafka;

import java.util.regex.Pattern;

/** The rule for Kafka topic names. */
final class Topics {

    private static final Pattern LEGAL = Pattern.compile("[A-Za-z0-9._-]{1,249}");

    private Topics() {}

    static String check(String topic) {
        if (topic == null) {
            throw new NullPointerException("topic must not be null");
        }
        if (!LEGAL.matcher(topic).matches()) {
            throw new IllegalArgumentException(
                    "topic must be 1 to 249 characters of [A-Za-z0-9._-], but was \"" + topic + '"');
        }
        return topic;
    }
}
