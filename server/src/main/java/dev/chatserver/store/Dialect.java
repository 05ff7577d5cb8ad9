package dev.chatserver.store;

/** The database engine behind {@link Database}: the embedded default, or a shared server for several nodes. */
public enum Dialect {
    /** Embedded SQLite file (default; one node). */
    SQLITE,
    /** PostgreSQL server ({@code CHAT_DATABASE_URL}; several nodes may share it, issue #11). */
    POSTGRES
}
