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

-- Registered accounts (seeds 001, 003, 004). Each account chats as its own token (tokens.token).
CREATE TABLE IF NOT EXISTS users (
    id             INTEGER PRIMARY KEY,
    username       TEXT NOT NULL UNIQUE COLLATE NOCASE,
    email          TEXT,
    password_hash  TEXT NOT NULL,                 -- bcrypt, cost >= 12
    token          TEXT NOT NULL UNIQUE REFERENCES tokens (token),
    is_admin       INTEGER NOT NULL DEFAULT 0,    -- seed 001: the first registered user is admin
    prefs          TEXT NOT NULL DEFAULT '{}',    -- display preferences (JSON object)
    totp_secret    TEXT,                          -- set once 2FA is confirmed
    totp_pending   TEXT,                          -- secret shown during setup, not yet confirmed
    totp_last_step INTEGER NOT NULL DEFAULT 0,    -- last 30 s step accepted: a code is never accepted twice
    created_at     INTEGER NOT NULL
);

-- Server-side login sessions: the cookie holds a random id, the table its SHA-256, so logout and bans revoke it.
CREATE TABLE IF NOT EXISTS sessions (
    id_hash    TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    stage      TEXT NOT NULL DEFAULT 'full',     -- 'full', or 'mfa' while the second factor is pending
    ip         TEXT,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_user ON sessions (user_id);

-- One-time recovery codes for 2FA (SHA-256 of random codes; shown once).
CREATE TABLE IF NOT EXISTS recovery_codes (
    user_id   INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    used_at   INTEGER,
    PRIMARY KEY (user_id, code_hash)
);

-- Users a user does not want to hear from (seed 001 blocking): their messages are not delivered to the blocker.
CREATE TABLE IF NOT EXISTS blocks (
    blocker_token TEXT NOT NULL,
    blocked_token TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    PRIMARY KEY (blocker_token, blocked_token)
);

PRAGMA user_version = 1;
