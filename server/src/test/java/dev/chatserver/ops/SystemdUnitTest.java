package dev.chatserver.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import dev.chatserver.support.RepoDocs;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The systemd unit of docs/deploy.md: {@code systemd-analyze verify} accepts it (syntax, known directives, an executable
 * ExecStart), and it keeps what the deployment relies on. Skipped with a message where systemd-analyze is missing.
 */
class SystemdUnitTest {
    private static final Path ANALYZE = Path.of("/usr/bin/systemd-analyze");

    @Test
    void theDocumentedUnitVerifiesAndRunsAsANonRootUserWithAStateDirectory(@TempDir Path dir) throws Exception {
        String unit = RepoDocs.fencedBlock("docs/deploy.md", "ini", "");
        for (String needed : new String[] {"User=chat", "StateDirectory=chat-server", "WorkingDirectory=/var/lib/chat-server",
                "EnvironmentFile=/etc/chat-server/chat-server.env", "Restart=on-failure", "SuccessExitStatus=143"}) {
            assertTrue(unit.contains(needed + "\n"), "the unit lost " + needed);
        }
        Assumptions.assumeTrue(Files.isExecutable(ANALYZE), "skipped: systemd-analyze is missing (apt-get install systemd)");
        // the documented /usr/bin/java may be absent where the JDK lives elsewhere: point at this JVM's java
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path file = dir.resolve("chat-server.service");
        Files.writeString(file, unit.replace("ExecStart=/usr/bin/java ", "ExecStart=" + java + " "));
        Process p = new ProcessBuilder(ANALYZE.toString(), "verify", file.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), "systemd-analyze verify:\n" + out);
        assertTrue(out.isBlank(), "no warnings: " + out);
    }
}
