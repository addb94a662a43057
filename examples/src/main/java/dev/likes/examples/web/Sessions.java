package dev.likes.examples.web;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The demo's signed-in users, kept in the cookie itself: {@code user.expiry.signature}, signed with HMAC-SHA256 under
 * the server's key, so a session survives a restart of a server that keeps its key, and nothing is stored per user.
 * Each session has an anti-forgery token derived from it that every state-changing request must echo in a header.
 * Thread-safe.
 */
final class Sessions {

    /** A signed-in user. */
    record Session(String token, long user, String csrf) {}

    private static final Base64.Encoder BASE64 = Base64.getUrlEncoder().withoutPadding();

    private final SecretKeySpec key;
    private final Duration lifetime;
    private final Clock clock;

    Sessions(byte[] key, Duration lifetime, Clock clock) {
        this.key = new SecretKeySpec(key.clone(), "HmacSHA256");
        this.lifetime = lifetime;
        this.clock = clock;
    }

    Session open(long user) {
        long expiry = clock.instant().plus(lifetime).getEpochSecond();
        String payload = user + "." + expiry;
        String token = payload + "." + sign("session:" + payload);
        return new Session(token, user, sign("csrf:" + token));
    }

    /** The session of a cookie value, or null if it is missing, forged or expired. */
    Session find(String token) {
        if (token == null || !token.matches("[1-9][0-9]{0,18}\\.[0-9]{1,12}\\.[A-Za-z0-9_-]{43}")) {
            return null;
        }
        int mac = token.lastIndexOf('.');
        String payload = token.substring(0, mac);
        if (!same(sign("session:" + payload), token.substring(mac + 1))) {
            return null;
        }
        int dot = payload.indexOf('.');
        long user;
        long expiry;
        try {
            user = Long.parseLong(payload.substring(0, dot));
            expiry = Long.parseLong(payload.substring(dot + 1));
        } catch (NumberFormatException e) {
            return null;
        }
        if (clock.instant().getEpochSecond() >= expiry) {
            return null;
        }
        return new Session(token, user, sign("csrf:" + token));
    }

    /** Whether {@code given} is the session's anti-forgery token, in time independent of where they differ. */
    static boolean csrfMatches(Session session, String given) {
        return given != null && same(session.csrf(), given);
    }

    private static boolean same(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.US_ASCII), b.getBytes(StandardCharsets.US_ASCII));
    }

    private String sign(String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return BASE64.encodeToString(mac.doFinal(text.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
