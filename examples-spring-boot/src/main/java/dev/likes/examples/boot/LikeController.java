package dev.likes.examples.boot;

import dev.likes.core.ContentRef;
import dev.likes.core.FeedState;
import dev.likes.core.LikeResult;
import dev.likes.core.LikeService;
import java.security.Principal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The demo's API for the signed-in user: {@code GET /api/session} (who the page acts for, as the demo page asks),
 * {@code POST /api/like} and {@code /api/unlike} with {@code {"content":"post:1","requestId":"..."}},
 * {@code GET /api/feed?contents=post:1,post:2}. The user is the
 * principal's name, never a value of the request: a {@code user} in the body or the query is ignored. A change
 * accepted while Redis is down answers 202 ("will show later").
 */
@RestController
class LikeController {

    /** The body of a like or unlike. */
    record Change(String content, String requestId) {}

    private final LikeService likes;

    LikeController(LikeService likes) {
        this.likes = likes;
    }

    /** The signed-in user as a string (ids above 2^53 lose digits as JavaScript numbers); no CSRF token is needed. */
    @GetMapping("/api/session")
    Map<String, String> session(Principal principal) {
        return Map.of("user", Long.toString(userOf(principal)), "csrf", "");
    }

    @PostMapping(path = "/api/like", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Map<String, Object>> like(@RequestBody Change change, Principal principal) {
        return answer(likes.like(userOf(principal), content(change), change.requestId()));
    }

    @PostMapping(path = "/api/unlike", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Map<String, Object>> unlike(@RequestBody Change change, Principal principal) {
        return answer(likes.unlike(userOf(principal), content(change), change.requestId()));
    }

    @GetMapping("/api/feed")
    Map<String, Object> feed(@RequestParam("contents") String contents, Principal principal) {
        List<ContentRef> refs = new ArrayList<>();
        for (String item : contents.split(",", LikeService.MAX_BATCH_SIZE + 2)) {
            refs.add(ContentRef.parse(item.trim()));
        }
        FeedState state = likes.feed(userOf(principal), refs);
        List<Map<String, Object>> items = new ArrayList<>();
        for (ContentRef ref : refs) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("content", ref.toString());
            item.put("count", state.counts().get(ref));
            item.put("liked", state.liked().contains(ref));
            items.add(item);
        }
        return Map.of("stale", state.possiblyStale(), "items", items);
    }

    private static long userOf(Principal principal) {
        return Long.parseLong(principal.getName());
    }

    private static ContentRef content(Change change) {
        if (change == null || change.content() == null) {
            throw new IllegalArgumentException("content must be a string such as post:1");
        }
        return ContentRef.parse(change.content());
    }

    private static ResponseEntity<Map<String, Object>> answer(LikeResult result) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", result.status().name());
        body.put("liked", result.liked());
        body.put("count", result.count());
        return ResponseEntity.status(result.accepted() ? 202 : 200).body(body);
    }
}
