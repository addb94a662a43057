package dev.likes.examples.boot;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A Spring Boot application on {@code like-spring-boot-starter}: the starter builds the pipeline from
 * {@code application.properties} (Spring Boot's own {@code spring.datasource.*}, {@code spring.data.redis.*} and
 * {@code spring.kafka.*}); {@link LikeController} serves the demo's API for the signed-in user, and the demo's page is
 * served from the {@code examples} jar. Its database needs the library's tables (docs/jdbc.md: Flyway, Liquibase or {@code createSchema}).
 */
@SpringBootApplication
public class LikeBootApplication {

    /**
     * Starts the application.
     *
     * @param args Spring Boot's arguments ({@code --server.port=8080}, ...)
     */
    public static void main(String[] args) {
        SpringApplication.run(LikeBootApplication.class, args);
    }
}
