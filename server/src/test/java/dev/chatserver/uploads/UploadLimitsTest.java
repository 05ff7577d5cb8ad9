package dev.chatserver.uploads;

import static dev.chatserver.uploads.UploadSupport.errorCode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chatserver.config.ServerConfig;
import dev.chatserver.config.UploadSettings;
import dev.chatserver.support.TestServer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Per-user limits: seed 001's 5 uploads per 5 minutes, and the storage quota. */
class UploadLimitsTest {
    @TempDir
    Path dir;
    TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void theSixthUploadWithinFiveMinutesIsRefusedWith429ForThatUserOnly() {
        server = TestServer.start(ServerConfig.forTests(dir)); // defaults: 5 per 5 minutes (seed 001)
        UploadSupport up = new UploadSupport(server);
        String alice = up.newToken();
        byte[] png = Samples.image("png", 2, 2);
        for (int i = 0; i < 5; i++) {
            up.uploadOk(alice, "p" + i + ".png", "image/png", png);
        }
        HttpResponse<String> sixth = up.upload(alice, "p5.png", "image/png", png);
        assertEquals(429, sixth.statusCode());
        assertEquals("rate_limited", errorCode(sixth));
        long retryAfter = Long.parseLong(sixth.headers().firstValue("retry-after").orElseThrow());
        assertTrue(retryAfter > 0 && retryAfter <= 300, "seconds until a slot frees: " + retryAfter);
        assertEquals(5, up.uploadRows());
        up.uploadOk(up.newToken(), "bob.png", "image/png", png);
        assertEquals(List.of(), up.tempFiles());
    }

    @Test
    void uploadsBeyondTheQuotaAreRefusedWith413AndNothingIsKept() {
        server = TestServer.start(ServerConfig.forTests(dir).withUploads(UploadSettings.DEFAULTS.withQuotaBytes(10_000)
                .withPerFiveMinutes(100)));
        UploadSupport up = new UploadSupport(server);
        String alice = up.newToken();
        up.uploadOk(alice, "a.txt", "text/plain", "a".repeat(6_000).getBytes());
        List<String> stored = up.storedFiles();
        HttpResponse<String> over = up.upload(alice, "b.txt", "text/plain", "b".repeat(6_000).getBytes());
        assertEquals(413, over.statusCode());
        assertEquals("quota_exceeded", errorCode(over));
        assertEquals(stored, up.storedFiles());
        assertEquals(List.of(), up.tempFiles());
        up.uploadOk(alice, "c.txt", "text/plain", "c".repeat(4_000).getBytes()); // exactly up to the quota
        HttpResponse<String> declared = up.upload(alice, "d.txt", "text/plain", "d".repeat(200_000).getBytes());
        assertEquals(413, declared.statusCode(), "refused from the Content-Length, before the body");
        assertEquals("quota_exceeded", errorCode(declared));
        up.uploadOk(up.newToken(), "other.txt", "text/plain", "o".repeat(9_000).getBytes());
    }
}
