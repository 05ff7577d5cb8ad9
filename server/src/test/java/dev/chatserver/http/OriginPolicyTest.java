package dev.chatserver.http;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** OriginPolicy: same host, configured origins (port-less entries allow any port), no Origin, foreign and malformed origins. */
class OriginPolicyTest {
    private final OriginPolicy policy = new OriginPolicy(
            List.of("http://localhost", "http://127.0.0.1", "https://chat.example.org", "http://dev.example.org:8080"));

    @Test
    void pageOfTheSameHostIsAllowed() {
        assertTrue(policy.allows("https://my.server.net", "my.server.net"));
        assertTrue(policy.allows("http://my.server.net:5000", "my.server.net:5000"));
        assertTrue(policy.allows("http://MY.server.net:5000", "my.SERVER.net:5000"), "host names are case-insensitive");
    }

    @Test
    void aMissingPortMeansTheSchemesDefaultPort() {
        OriginPolicy explicit = new OriginPolicy(List.of("https://chat.example.org:443"));
        assertTrue(explicit.allows("https://chat.example.org", "server:5000"));
        assertTrue(policy.allows("http://my.server.net", "my.server.net:80"));
        assertFalse(explicit.allows("http://chat.example.org", "server:5000"), "scheme must match");
    }

    @Test
    void configuredEntriesWithoutAHostAreSkippedNotFatal() {
        OriginPolicy odd = new OriginPolicy(List.of("http://my_host", "http://localhost"));
        assertFalse(odd.allows("http://evil.example", "server:5000"));
        assertTrue(odd.allows("http://localhost:3000", "server:5000"));
    }

    @Test
    void sameHostOnAnotherPortIsNotTheSameOrigin() {
        assertFalse(policy.allows("http://my.server.net:6000", "my.server.net:5000"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://localhost", "http://localhost:3000", "http://localhost:5000", "http://127.0.0.1:8080",
            "https://chat.example.org", "https://chat.example.org:8443", "http://dev.example.org:8080"})
    void configuredOriginsAreAllowedAndAPortlessEntryAllowsAnyPort(String origin) {
        assertTrue(policy.allows(origin, "server:5000"), origin);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://evil.example", "https://localhost:3000", "http://chat.example.org",
            "http://dev.example.org:8081", "http://dev.example.org", "http://localhost.evil.example",
            "http://evil.example/http://localhost"})
    void otherOriginsAreRefused(String origin) {
        assertFalse(policy.allows(origin, "server:5000"), origin);
    }

    @Test
    void requestWithoutOriginIsAllowed() {
        assertTrue(policy.allows(null, "server:5000"));
        assertTrue(policy.allows(null, null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"null", "", "not a url", "http://", "localhost:5000", "://x", "http://[bad", "file:///etc/passwd"})
    void malformedOrOpaqueOriginsAreRefused(String origin) {
        assertFalse(policy.allows(origin, "server:5000"), origin);
    }

    @Test
    void missingHostHeaderOnlyAllowsConfiguredOrigins() {
        assertTrue(policy.allows("http://localhost:3000", null));
        assertFalse(policy.allows("http://my.server.net", null));
    }
}
