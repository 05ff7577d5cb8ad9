-- chat-server schema (SQLite). Applied at every start; every statement is idempotent.
-- Times are UTC epoch milliseconds. PRAGMA user_version records the schema version.

-- Identity of seed 000: secret token (never shown to others), public token (safe to show), username.
CREATE TABLE IF NOT EXISTS tokens (
    token        TEXT PRIMARY KEY,
    public_token TEXT NOT NULL UNIQUE,
    username     TEXT NOT NULL,
    named        INTEGER NOT NULL DEFAULT 0,   -- 1 once the user chose the name (used for IP name recovery)
    last_ip      TEXT,
    created_at   INTEGER NOT NULL,
    last_seen    INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS tokens_named_ip ON tokens (last_ip, last_seen) WHERE named = 1;

-- Rooms created or visited (seed 000: code, name, host token, created time).
CREATE TABLE IF NOT EXISTS rooms (
    code       TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    host_token TEXT,
    created_at INTEGER NOT NULL,
    private    INTEGER NOT NULL DEFAULT 0   -- 1: only members (room_members) may read it and its files
);

-- Membership of private rooms (seed 003 account rooms; DMs): who may read them.
CREATE TABLE IF NOT EXISTS room_members (
    room      TEXT NOT NULL REFERENCES rooms (code) ON DELETE CASCADE,
    token     TEXT NOT NULL,
    role      TEXT NOT NULL DEFAULT 'member',  -- 'owner' or 'member'
    joined_at INTEGER NOT NULL,
    PRIMARY KEY (room, token)
);

-- Every chat message with its metadata (seed 000: sender IP, text, time, token, room).
CREATE TABLE IF NOT EXISTS messages (
    id         INTEGER PRIMARY KEY,
    room       TEXT NOT NULL REFERENCES rooms (code) ON DELETE CASCADE,
    token      TEXT,
    username   TEXT NOT NULL,
    text       TEXT NOT NULL,
    kind       TEXT NOT NULL DEFAULT 'chat',
    sender_ip  TEXT,
    created_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS messages_room_id ON messages (room, id);
CREATE INDEX IF NOT EXISTS messages_token ON messages (token);
CREATE INDEX IF NOT EXISTS messages_created ON messages (created_at);

-- Tokens banned from the service (seed 000).
CREATE TABLE IF NOT EXISTS banned (
    token      TEXT PRIMARY KEY,
    reason     TEXT,
    created_at INTEGER NOT NULL
);

PRAGMA user_version = 1;
