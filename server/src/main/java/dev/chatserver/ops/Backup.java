package dev.chatserver.ops;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * {@code java -jar chat-server.jar backup <file>}: a consistent online copy of the SQLite database through
 * SQLite's backup API (sqlite-jdbc's {@code backup to}), safe while the server runs and writes. The copy is
 * checked with {@code PRAGMA integrity_check}. Uploads are files under {@code CHAT_UPLOADS}: copy that
 * directory beside the database copy (README, "Backups").
 */
public final class Backup {
    private Backup() {
    }

    /**
     * What a backup produced.
     *
     * @param target   the copy
     * @param messages messages in the copy
     * @param bytes    size of the copy, bytes
     */
    public record Result(Path target, long messages, long bytes) {
    }

    /**
     * Copies {@code source} to {@code target}.
     *
     * @throws IllegalArgumentException when the target exists or the source is missing
     * @throws IllegalStateException    when SQLite fails or the copy is not sound
     */
    public static Result run(Path source, Path target) {
        if (!Files.isRegularFile(source)) {
            throw new IllegalArgumentException("no database at " + source.toAbsolutePath());
        }
        if (Files.exists(target)) {
            throw new IllegalArgumentException(target.toAbsolutePath() + " exists; choose a new file");
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + source.toAbsolutePath());
             Statement s = c.createStatement()) {
            s.executeUpdate("PRAGMA busy_timeout = 10000");
            s.executeUpdate("backup to " + target.toAbsolutePath());
        } catch (SQLException e) {
            throw new IllegalStateException("backup failed: " + e.getMessage(), e);
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + target.toAbsolutePath());
             Statement s = c.createStatement()) {
            String check;
            try (ResultSet r = s.executeQuery("PRAGMA integrity_check")) {
                check = r.next() ? r.getString(1) : "no answer";
            }
            if (!"ok".equals(check)) {
                throw new IllegalStateException("the copy failed its integrity check: " + check);
            }
            long messages;
            try (ResultSet r = s.executeQuery("SELECT count(*) FROM messages")) {
                messages = r.next() ? r.getLong(1) : 0;
            }
            return new Result(target, messages, Files.size(target));
        } catch (SQLException | java.io.IOException e) {
            throw new IllegalStateException("cannot check the copy: " + e.getMessage(), e);
        }
    }
}
