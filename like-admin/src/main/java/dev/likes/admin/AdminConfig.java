package dev.likes.admin;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.jspecify.annotations.Nullable;

/**
 * The settings of {@code like-admin}: the keys of the Spring Boot starter ({@code like.*}, {@code spring.datasource.*},
 * {@code spring.kafka.bootstrap-servers}, {@code spring.data.redis.url}), read from a properties file and from the
 * environment in Spring Boot's form ({@code like.redis.key-prefix} is {@code LIKE_REDIS_KEYPREFIX}); the environment
 * wins. Immutable.
 */
final class AdminConfig {

    private final Properties file;
    private final Map<String, String> env;

    private AdminConfig(Properties file, Map<String, String> env) {
        this.file = file;
        this.env = Map.copyOf(env);
    }

    /**
     * Reads the settings.
     *
     * @param path a properties file, or null for the environment alone
     * @param env the environment
     * @throws IOException if the file cannot be read
     */
    static AdminConfig load(@Nullable Path path, Map<String, String> env) throws IOException {
        Properties file = new Properties();
        if (path != null) {
            try (Reader in = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
                file.load(in);
            }
        }
        return new AdminConfig(file, env);
    }

    /** The environment variable Spring Boot binds to a property: dots to underscores, no dashes, upper case. */
    static String envName(String key) {
        return key.replace('.', '_').replace("-", "").toUpperCase(Locale.ROOT);
    }

    @Nullable String get(String key) {
        String fromEnv = env.get(envName(key));
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv.trim();
        }
        String fromFile = file.getProperty(key);
        return fromFile == null || fromFile.isBlank() ? null : fromFile.trim();
    }

    String get(String key, String fallback) {
        String value = get(key);
        return value == null ? fallback : value;
    }

    /** The first of {@code keys} that is set. */
    String required(String... keys) {
        for (String key : keys) {
            String value = get(key);
            if (value != null) {
                return value;
            }
        }
        throw new IllegalArgumentException("set " + String.join(" or ", keys) + " (in --config or as "
                + envName(keys[0]) + ")");
    }

    int getInt(String key, int fallback) {
        String value = get(key);
        if (value == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number, but was " + value, e);
        }
    }

    /** The {@code like.kafka.properties.*} entries of the file, without the prefix. */
    Map<String, String> kafkaProperties() {
        String prefix = "like.kafka.properties.";
        Map<String, String> properties = new LinkedHashMap<>();
        for (String name : file.stringPropertyNames()) {
            if (name.startsWith(prefix)) {
                properties.put(name.substring(prefix.length()), file.getProperty(name).trim());
            }
        }
        return properties;
    }
}
