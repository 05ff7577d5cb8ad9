package dev.chatserver.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chatserver.support.SocketClient;
import dev.chatserver.support.TestServer;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Online backup while messages keep flowing: the copy is sound and holds every message acked before it. */
class BackupTest {
    @Test
    void onlineBackupWhileWritingIsConsistent(@TempDir Path dir) throws Exception {
        try (TestServer server = TestServer.start(dir); SocketClient c = server.client()) {
            c.join("BK", "backer");
            for (int i = 0; i < 50; i++) {
                c.send("BK", "before " + i);
            }
            CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> {
                for (int i = 0; i < 100; i++) {
                    c.emit("message", new JSONObject().put("room", "BK").put("message", "during " + i));
                }
            });
            Backup.Result r = Backup.run(server.config().dbPath(), dir.resolve("copy.sqlite3"));
            writing.get();
            assertTrue(r.messages() >= 50, "every message acked before the backup is in it: " + r.messages());
            assertTrue(r.bytes() > 0);
            assertThrows(IllegalArgumentException.class, () -> Backup.run(server.config().dbPath(), dir.resolve("copy.sqlite3")),
                    "an existing file is never overwritten");
        }
    }

    @Test
    void missingDatabaseIsAClearError(@TempDir Path dir) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Backup.run(dir.resolve("none.sqlite3"), dir.resolve("out.sqlite3")));
        assertTrue(e.getMessage().contains("no database"));
        assertEquals(false, dir.resolve("out.sqlite3").toFile().exists());
    }
}
