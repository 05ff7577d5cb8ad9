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
    file_id    TEXT REFERENCES uploads (id)
);
CREATE INDEX IF NOT EXISTS messages_room_id ON messages (room, id);
CREATE INDEX IF NOT EXISTS messages_token ON messages (token);
CREATE INDEX IF NOT EXISTS messages_created ON messages (created_at);
CREATE INDEX IF NOT EXISTS messages_file ON messages (file_id) WHERE file_id IS NOT NULL;

-- Tokens banned from the service (seed 000).
CREATE TABLE IF NOT EXISTS banned (
    token      TEXT PRIMARY KEY,
    reason     TEXT,
    created_at INTEGER NOT NULL
);

PRAGMA user_version = 2;
