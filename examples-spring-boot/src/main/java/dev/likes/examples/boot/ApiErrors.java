package dev.likes.examples.boot;

import dev.likes.core.LikeRejectedException;
import dev.likes.core.LikeStoreException;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * The library's refusals as HTTP answers: a rate limit or overload is 429 with {@code Retry-After} (whole seconds,
 * rounded up), bad input 400 with the library's message (it names the argument and the rule), a store failure or a
 * call without an answer in time 503 (a like may then still be applied: the client retries with its request ID).
 */
@RestControllerAdvice
class ApiErrors {

    @ExceptionHandler(LikeRejectedException.class)
    ResponseEntity<Map<String, String>> rejected(LikeRejectedException e) {
        long seconds = Math.max(1, (e.retryAfter().toMillis() + 999) / 1000);
        return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS)
                .header(HttpHeaders.RETRY_AFTER, Long.toString(seconds))
                .body(Map.of("error", e.getMessage(), "reason", e.reason().name()));
    }

    @ExceptionHandler(IllegalArgumentException.class)
    ResponseEntity<Map<String, String>> badInput(IllegalArgumentException e) {
        return ResponseEntity.badRequest().body(Map.of("error", String.valueOf(e.getMessage())));
    }

    @ExceptionHandler(LikeStoreException.class)
    ResponseEntity<Map<String, String>> unavailable(LikeStoreException e) {
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, "1")
                .body(Map.of("error", "the like service is unavailable; retry with the same request ID"));
    }
}
