package dev.likes.redis;

import java.time.Duration;
import java.util.regex.Pattern;

/** Builder argument checks; messages name the setting, the rule and the value. */
final class Args {

    private Args() {}

    static <T> T notNull(String name, T value) {
        if (value == null) {
            throw new NullPointerException(name + " must not be null");
        }
        return value;
    }

    static String matches(String name, String value, String regex, String rule) {
        notNull(name, value);
        if (!Pattern.matches(regex, value)) {
            throw new IllegalArgumentException(name + " must be " + rule + ", but was \"" + value + '"');
        }
        return value;
    }

    static int between(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", but was " + value);
        }
        return value;
    }

    static Duration atLeast(String name, Duration value, Duration min) {
        notNull(name, value);
        if (value.compareTo(min) < 0) {
            throw new IllegalArgumentException(name + " must be at least " + min + ", but was " + value);
        }
        return value;
    }
}
