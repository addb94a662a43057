package dev.likes.spring.boot.autoconfigure;

import java.lang.reflect.Method;

/**
 * Reads a health indicator of either Spring Boot line (the two lines' types live in different packages, and these
 * tests run on both): "STATUS details".
 */
final class HealthProbe {

    private HealthProbe() {}

    static String statusAndDetails(Object indicator) throws ReflectiveOperationException {
        Object health = indicator.getClass().getMethod("health").invoke(indicator);
        Method status = health.getClass().getMethod("getStatus");
        Method details = health.getClass().getMethod("getDetails");
        return status.invoke(health) + " " + details.invoke(health);
    }
}
