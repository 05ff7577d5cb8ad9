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

-- Uploaded files (seeds 000, 001; issue #5). The file itself is <uploadsDir>/<id>; nothing else on disk
-- carries the user's name. A file is readable by its uploader and by whoever may read a room it was shared in
-- (or the room named at upload); uploads never shared are deleted by the orphan sweeper after uploadOrphanMs.
CREATE TABLE IF NOT EXISTS uploads (
    id          TEXT PRIMARY KEY,            -- 32 hex digits, 128 random bits; also the file name on disk
    name        TEXT NOT NULL,               -- original file name, sanitised (shown, and offered on download)
    type        TEXT NOT NULL,               -- media type found from the content, e.g. image/png
    kind        TEXT NOT NULL,               -- canonical kind: png, jpg, gif, webp, mp3, ogg, wav, webm, mp4, pdf, txt, doc, docx, zip
    size        INTEGER NOT NULL,            -- bytes
    sha256      TEXT NOT NULL,               -- hex
    token       TEXT NOT NULL,               -- uploader's secret token
    username    TEXT NOT NULL,               -- uploader's name at upload time
    room        TEXT,                        -- room named at upload (optional form field), else null
    uploader_ip TEXT,
    width       INTEGER,                     -- images: pixels
    height      INTEGER,
    created_at  INTEGER NOT NULL,
    shared_at   INTEGER                      -- first time it was shared in a message; null = orphan candidate
);
CREATE INDEX IF NOT EXISTS uploads_token ON uploads (token);
CREATE INDEX IF NOT EXISTS uploads_unshared ON uploads (created_at) WHERE shared_at IS NULL;

-- Every chat message with its metadata (seed 000: sender IP, text, time, token, room).
-- kind 'file' messages carry file_id; their text is the file name. (Databases made before file_id existed
-- get the column from Database's upgrade step, since CREATE TABLE IF NOT EXISTS leaves them as they are.)
CREATE TABLE IF NOT EXISTS messages (
    id         INTEGER PRIMARY KEY,
    room       TEXT NOT NULL REFERENCES rooms (code) ON DELETE CASCADE,
    token      TEXT,
    username   TEXT NOT NULL,
    text       TEXT NOT NULL,
    kind       TEXT NOT NULL DEFAULT 'chat',
    sender_ip  TEXT,
    created_at INTEGER NOT NULL,
    file_id    TEXT REFERENCES uploads (id),
    edited_at  INTEGER,                     -- last edit by the author (or an admin); null when never edited
    deleted_at INTEGER                      -- set when deleted: text is then '' (the audit keeps who deleted)
);
CREATE INDEX IF NOT EXISTS messages_room_id ON messages (room, id);
CREATE INDEX IF NOT EXISTS messages_token ON messages (token);
CREATE INDEX IF NOT EXISTS messages_created ON messages (created_at);
CREATE INDEX IF NOT EXISTS messages_file ON messages (file_id) WHERE file_id IS NOT NULL;

-- Tokens banned from the service (seed 000). Kept for databases of seed 000; its rows are copied into bans.
CREATE TABLE IF NOT EXISTS banned (
    token      TEXT PRIMARY KEY,
    reason     TEXT,
    created_at INTEGER NOT NULL
);

-- Bans (admin panel): a secret token, an account (its chat token) or an IP; expires_at NULL = permanent.
CREATE TABLE IF NOT EXISTS bans (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL,                -- 'token', 'account' or 'ip'
    value      TEXT NOT NULL,                -- secret token (token, account) or IP address
    reason     TEXT,
    banned_by  TEXT,                         -- admin who banned
    created_at INTEGER NOT NULL,
    expires_at INTEGER,
    UNIQUE (kind, value)
);
INSERT OR IGNORE INTO bans (kind, value, reason, banned_by, created_at)
    SELECT 'token', token, reason, NULL, created_at FROM banned;

-- Users muted in a room until a time (admin panel): their messages there are refused with 'muted'.
CREATE TABLE IF NOT EXISTS mutes (
    room       TEXT NOT NULL,
    token      TEXT NOT NULL,
    until      INTEGER NOT NULL,
    reason     TEXT,
    muted_by   TEXT,
    PRIMARY KEY (room, token)
);

-- Admin sessions (cookie chat_admin): only the SHA-256 of the random id is stored.
CREATE TABLE IF NOT EXISTS admin_sessions (
    id_hash    TEXT PRIMARY KEY,
    admin      TEXT NOT NULL,                -- CHAT_ADMIN_USER, or the username of an admin account
    ip         TEXT,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);

-- Every admin action: who, what, target, reason, when (shown at /admin/audit).
CREATE TABLE IF NOT EXISTS audit_log (
    id      INTEGER PRIMARY KEY,
    at      INTEGER NOT NULL,
    admin   TEXT NOT NULL,
    action  TEXT NOT NULL,
    target  TEXT,
    reason  TEXT,
    details TEXT                             -- JSON object
);
CREATE INDEX IF NOT EXISTS audit_log_at ON audit_log (at);

-- Full-text index of message texts for the admin log search (trigram: substrings, any script).
-- External content: the text lives only in messages; triggers keep the index in step, in batches: FTS5 writes
-- a segment per transaction, so indexing each group commit of ~50 messages cost about 70 us of CPU per message
-- (85 us with the index, 15 us without: most of the message writer's time), 500 at a time about 8 us (sqlite3
-- CLI, 15,000 bench messages; bench/README.md). So a new message only queues its id in messages_fts_pending;
-- store/FtsIndex.catchUp moves the queued ones into the index: the message writer every 500 messages and when
-- idle for 100 ms, and every search before it reads the index. Edits and deletions of a queued message leave the
-- index alone (the queue indexes the current text, a deleted one leaves the queue).
CREATE VIRTUAL TABLE IF NOT EXISTS messages_fts USING fts5 (text, content = 'messages', content_rowid = 'id', tokenize = 'trigram');
CREATE TABLE IF NOT EXISTS messages_fts_pending (id INTEGER PRIMARY KEY);
DROP TRIGGER IF EXISTS messages_fts_insert;
CREATE TRIGGER IF NOT EXISTS messages_fts_queue AFTER INSERT ON messages BEGIN
    INSERT INTO messages_fts_pending (id) VALUES (new.id);
END;
DROP TRIGGER IF EXISTS messages_fts_delete;
CREATE TRIGGER IF NOT EXISTS messages_fts_unindex AFTER DELETE ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, text) SELECT 'delete', old.id, old.text
        WHERE NOT EXISTS (SELECT 1 FROM messages_fts_pending WHERE id = old.id);
    DELETE FROM messages_fts_pending WHERE id = old.id;
END;
DROP TRIGGER IF EXISTS messages_fts_update;
CREATE TRIGGER IF NOT EXISTS messages_fts_reindex AFTER UPDATE OF text ON messages
    WHEN NOT EXISTS (SELECT 1 FROM messages_fts_pending WHERE id = old.id) BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.id, old.text);
    INSERT INTO messages_fts (rowid, text) VALUES (new.id, new.text);
END;
CREATE INDEX IF NOT EXISTS messages_ip ON messages (sender_ip);

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

-- Edits and deletions of messages (issue #7): who did what, when; never the text.
CREATE TABLE IF NOT EXISTS message_audit (
    id           INTEGER PRIMARY KEY,
    message_id   INTEGER NOT NULL,
    room         TEXT NOT NULL,
    action       TEXT NOT NULL,               -- 'edit' or 'delete'
    actor_token  TEXT NOT NULL,
    author_token TEXT,
    at           INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS message_audit_message ON message_audit (message_id);

-- Emoji reactions (seed 001): one per user per emoji per message.
CREATE TABLE IF NOT EXISTS reactions (
    message_id INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    emoji      TEXT NOT NULL,
    token      TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (message_id, emoji, token)
);

-- Polls (seed 001 create_poll / vote_poll). options is a JSON array of strings.
CREATE TABLE IF NOT EXISTS polls (
    id            INTEGER PRIMARY KEY,
    room          TEXT NOT NULL REFERENCES rooms (code) ON DELETE CASCADE,
    creator_token TEXT NOT NULL,
    question      TEXT NOT NULL,
    options       TEXT NOT NULL,
    multiple      INTEGER NOT NULL DEFAULT 0,   -- 1: a voter may pick several options (one vote each)
    closes_at     INTEGER,                      -- epoch ms; votes at or after it are refused
    closed_at     INTEGER,                      -- set when the creator (or an admin) closed it
    created_at    INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS polls_room ON polls (room, id);

CREATE TABLE IF NOT EXISTS poll_votes (
    poll_id      INTEGER NOT NULL REFERENCES polls (id) ON DELETE CASCADE,
    token        TEXT NOT NULL,
    option_index INTEGER NOT NULL,
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (poll_id, token, option_index)
);

-- Read receipts: the last message id each identity has read in each room (DM conversations included).
CREATE TABLE IF NOT EXISTS read_marks (
    room         TEXT NOT NULL REFERENCES rooms (code) ON DELETE CASCADE,
    token        TEXT NOT NULL,
    last_read_id INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    PRIMARY KEY (room, token)
);

-- Server-wide settings the server keeps itself (e.g. the generated secret of the shared TOTP gate, seed 004).
CREATE TABLE IF NOT EXISTS settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- Browsers that passed the shared TOTP gate (seed 004): SHA-256 of the cookie value, expiry.
CREATE TABLE IF NOT EXISTS gate_passes (
    id_hash    TEXT PRIMARY KEY,
    ip         TEXT,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);

-- Per-room retention overrides (issue #10, seed 001's cleanup of old messages): a NULL limit follows the global
-- setting (retentionMaxAgeDays, retentionMaxPerRoom), 0 keeps that room's messages without that limit.
-- Added in schema version 3; CREATE TABLE IF NOT EXISTS adds it to older databases.
CREATE TABLE IF NOT EXISTS room_retention (
    room         TEXT PRIMARY KEY REFERENCES rooms (code) ON DELETE CASCADE,
    max_age_days INTEGER,                       -- days; NULL = global value, 0 = no age limit
    max_count    INTEGER,                       -- newest messages kept; NULL = global value, 0 = no count limit
    updated_at   INTEGER NOT NULL
);

PRAGMA user_version = 3;
