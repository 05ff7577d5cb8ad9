package dev.chatserver.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code java -jar chat-server.jar migrate-to-postgres}: copies every table of a SQLite database into an empty
 * PostgreSQL database (issue #11), keeping ids. The PostgreSQL schema is created first ({@link Database#postgres});
 * the target must be empty (every table), else nothing is copied. The source is read in one read-only snapshot
 * (safe while a server still writes it, though messages written later are not copied: stop the server first);
 * the target is written in one transaction with batched inserts, so a failure leaves it empty. Before the commit the
 * identity sequences are moved past the copied ids and the rows of each table are counted on both sides (a
 * difference rolls everything back).
 * Columns an older SQLite file lacks get the PostgreSQL default. The FTS5 index is not copied: PostgreSQL's
 * {@code pg_trgm} index is built from the copied texts.
 */
public final class SqliteToPostgres {
    /** Every table, parents before the tables whose foreign keys point at them. */
    public static final List<String> TABLES = List.of("tokens", "rooms", "room_members", "uploads", "messages", "banned",
            "bans", "mutes", "admin_sessions", "audit_log", "users", "sessions", "recovery_codes", "blocks",
            "message_audit", "reactions", "polls", "poll_votes", "read_marks", "settings", "gate_passes", "room_retention");

    private SqliteToPostgres() {
    }

    /**
     * Rows of one table.
     *
     * @param source rows in the SQLite file (0 when it has no such table)
     * @param target rows in PostgreSQL after the copy
     */
    public record TableCount(String table, long source, long target) {
    }

    /**
     * What a migration did.
     *
     * @param tables per table, in copy order
     * @param rows   rows copied in all
     * @param millis time of the copy, ms
     */
    public record Result(List<TableCount> tables, long rows, long millis) {
        /** Rows per second of the copy. */
        public long rowsPerSecond() {
            return millis == 0 ? rows : rows * 1000 / millis;
        }

        /** A table of counts, one line per table, then the total. */
        public String report() {
            StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-16s %12s %12s%n", "table", "sqlite", "postgres"));
            for (TableCount t : tables) {
                b.append(String.format(Locale.ROOT, "%-16s %12d %12d%n", t.table(), t.source(), t.target()));
            }
            b.append(String.format(Locale.ROOT, "copied %d rows in %.1f s (%d rows/s)%n", rows, millis / 1000.0, rowsPerSecond()));
            return b.toString();
        }
    }

    /**
     * Copies {@code sqliteFile} into the PostgreSQL database at {@code url}.
     *
     * @param batchSize rows per JDBC batch (e.g. 1000)
     * @throws IllegalArgumentException when the SQLite file is missing
     * @throws IllegalStateException    when the target is not empty (naming a table and its rows), PostgreSQL cannot
     *                                  be reached, a row is refused (naming the table), or the counts differ
     */
    public static Result run(Path sqliteFile, String url, String user, String password, int batchSize) {
        if (!Files.isRegularFile(sqliteFile)) {
            throw new IllegalArgumentException("no SQLite database at " + sqliteFile.toAbsolutePath());
        }
        try (Database target = Database.postgres(url, user, password, 2)) { // creates the schema
            Map<String, Long> present = counts(target);
            for (Map.Entry<String, Long> e : present.entrySet()) {
                if (e.getValue() > 0) {
                    throw new IllegalStateException("the target is not empty: table " + e.getKey() + " has " + e.getValue()
                            + " rows; migrate into a new, empty database");
                }
            }
        }
        long started = System.nanoTime();
        Map<String, Long> source = new LinkedHashMap<>();
        long rows = 0;
        org.sqlite.SQLiteConfig ro = new org.sqlite.SQLiteConfig();
        ro.setReadOnly(true);
        ro.setBusyTimeout(10_000);
        Properties pg = new Properties();
        if (user != null && !user.isEmpty()) {
            pg.setProperty("user", user);
        }
        if (password != null && !password.isEmpty()) {
            pg.setProperty("password", password);
        }
        pg.setProperty("reWriteBatchedInserts", "true"); // multi-row INSERTs: several times faster
        pg.setProperty("stringtype", "unspecified");
        try (Connection in = DriverManager.getConnection("jdbc:sqlite:" + sqliteFile.toAbsolutePath(), ro.toProperties());
             Connection out = DriverManager.getConnection(url, pg)) {
            in.setAutoCommit(false); // one snapshot of the whole file
            out.setAutoCommit(false);
            for (String table : TABLES) {
                long n = copy(in, out, table, batchSize);
                source.put(table, n);
                rows += n;
            }
            resetSequences(out);
            List<TableCount> result = new ArrayList<>();
            try (Statement s = out.createStatement()) {
                for (String table : TABLES) {
                    try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
                        rs.next();
                        result.add(new TableCount(table, source.get(table), rs.getLong(1)));
                    }
                }
            }
            for (TableCount t : result) {
                if (t.source() != t.target()) {
                    out.rollback();
                    throw new IllegalStateException("count differs for " + t.table() + ": sqlite " + t.source()
                            + ", postgres " + t.target() + "; nothing was kept");
                }
            }
            out.commit();
            in.rollback();
            return new Result(result, rows, (System.nanoTime() - started) / 1_000_000);
        } catch (SQLException e) {
            throw new IllegalStateException("migration failed, nothing was kept: " + e.getMessage(), e);
        }
    }

    private static Map<String, Long> counts(Database db) {
        Map<String, Long> out = new LinkedHashMap<>();
        db.jdbi().useHandle(h -> {
            for (String table : TABLES) {
                out.put(table, h.createQuery("SELECT count(*) FROM " + table).mapTo(Long.class).one());
            }
        });
        return out;
    }

    /** Copies one table. @return rows copied */
    private static long copy(Connection in, Connection out, String table, int batchSize) throws SQLException {
        Set<String> sourceColumns = new TreeSet<>();
        try (Statement s = in.createStatement();
             ResultSet rs = s.executeQuery("SELECT name FROM pragma_table_info('" + table + "')")) {
            while (rs.next()) {
                sourceColumns.add(rs.getString(1).toLowerCase(Locale.ROOT));
            }
        }
        if (sourceColumns.isEmpty()) {
            return 0; // an older file without this table
        }
        Map<String, String> targetTypes = new LinkedHashMap<>();
        try (PreparedStatement ps = out.prepareStatement("SELECT column_name, data_type FROM information_schema.columns "
                + "WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    targetTypes.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        List<String> columns = new ArrayList<>();
        List<String> selected = new ArrayList<>();
        for (String c : targetTypes.keySet()) {
            if (sourceColumns.contains(c)) {
                columns.add(c);
                selected.add(c);
            } else if (c.equals("rowid")) { // reactions: SQLite's implicit insertion order
                columns.add(c);
                selected.add("rowid");
            }
        }
        String insert = "INSERT INTO " + table + " (" + String.join(", ", columns) + ") VALUES ("
                + String.join(", ", java.util.Collections.nCopies(columns.size(), "?")) + ")";
        long n = 0;
        try (Statement s = in.createStatement();
             ResultSet rs = s.executeQuery("SELECT " + String.join(", ", selected) + " FROM " + table);
             PreparedStatement ps = out.prepareStatement(insert)) {
            while (rs.next()) {
                for (int i = 0; i < columns.size(); i++) {
                    bind(ps, i + 1, targetTypes.get(columns.get(i)), rs.getObject(i + 1), table, columns.get(i));
                }
                ps.addBatch();
                if (++n % batchSize == 0) {
                    executeBatch(ps, table);
                }
            }
            if (n % batchSize != 0) {
                executeBatch(ps, table);
            }
        }
        return n;
    }

    private static void bind(PreparedStatement ps, int index, String pgType, Object v, String table, String column)
            throws SQLException {
        boolean integer = pgType.equals("bigint") || pgType.equals("integer") || pgType.equals("smallint");
        if (v == null) {
            ps.setNull(index, integer ? Types.BIGINT : Types.VARCHAR);
        } else if (integer) {
            if (v instanceof Number num) {
                ps.setLong(index, num.longValue());
            } else {
                try {
                    ps.setLong(index, Long.parseLong(v.toString().trim()));
                } catch (NumberFormatException e) {
                    throw new SQLException(table + "." + column + " holds '" + v + "', not an integer");
                }
            }
        } else {
            ps.setString(index, v.toString());
        }
    }

    private static void executeBatch(PreparedStatement ps, String table) throws SQLException {
        try {
            ps.executeBatch();
        } catch (SQLException e) {
            SQLException next = e.getNextException();
            throw new SQLException("copy of table " + table + " refused: " + (next != null ? next.getMessage() : e.getMessage()), e);
        }
    }

    /** Moves every identity sequence past the highest copied id. */
    private static void resetSequences(Connection out) throws SQLException {
        List<String[]> identities = new ArrayList<>();
        try (Statement s = out.createStatement();
             ResultSet rs = s.executeQuery("SELECT table_name, column_name FROM information_schema.columns "
                     + "WHERE table_schema = current_schema() AND is_identity = 'YES'")) {
            while (rs.next()) {
                identities.add(new String[] {rs.getString(1), rs.getString(2)});
            }
        }
        try (Statement s = out.createStatement()) {
            for (String[] t : identities) {
                s.execute("SELECT setval(pg_get_serial_sequence('" + t[0] + "', '" + t[1] + "'), coalesce(max(" + t[1]
                        + "), 0) + 1, false) FROM " + t[0]);
            }
        }
    }
}
