package dev.chatserver.realtime;

import com.corundumstudio.socketio.SocketIOClient;
import dev.chatserver.chat.Identity;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.UUID;

/**
 * One live socket: its client handle, IP, identity, dialect, rooms and the serial executor that runs its
 * events in arrival order off the Netty event loop. The room set is synchronised: moderation (kick, room
 * deletion) changes it from other threads.
 */
public final class SessionContext {
    private final SocketIOClient client;
    private final String ip;
    private final String handshakeToken;
    private final SerialExecutor serial;
    private final long connectedAt;
    private volatile boolean dialectFixed;
    private volatile Identity identity;
    private volatile Dialect dialect;
    private volatile Object authPayload;
    private volatile Long userId;
    private volatile String loginSessionHash;
    private volatile boolean admin;
    private final Set<String> rooms = new LinkedHashSet<>();
    private volatile String lastRoom;
    private volatile boolean everJoined;

    /**
     * @param client         netty-socketio client
     * @param ip             remote IP
     * @param handshakeToken secret token from the query or cookie, or null
     * @param dialect        dialect named by the client, or null to infer it
     * @param serial         per-socket serial executor
     * @param connectedAt    epoch ms
     */
    public SessionContext(SocketIOClient client, String ip, String handshakeToken, Dialect dialect,
                          SerialExecutor serial, long connectedAt) {
        this.client = client;
        this.ip = ip;
        this.handshakeToken = handshakeToken;
        this.serial = serial;
        this.connectedAt = connectedAt;
        this.dialectFixed = dialect != null;
        this.dialect = dialect != null ? dialect : Dialect.S001;
    }

    public UUID sessionId() {
        return client.getSessionId();
    }

    public SocketIOClient client() {
        return client;
    }

    public String ip() {
        return ip;
    }

    public String handshakeToken() {
        return handshakeToken;
    }

    public SerialExecutor serial() {
        return serial;
    }

    public long connectedAt() {
        return connectedAt;
    }

    /** The identity, or null before it was resolved. */
    public Identity identity() {
        return identity;
    }

    public void identity(Identity id) {
        this.identity = id;
    }

    public Dialect dialect() {
        return dialect;
    }

    /** Applies {@link Dialect#infer} unless the client named its dialect. */
    public void inferDialect(String eventName, com.fasterxml.jackson.databind.JsonNode payload) {
        if (!dialectFixed) {
            dialect = Dialect.infer(dialect, everJoined, eventName, payload);
        }
    }

    /** Fixes the dialect the client named (from the {@code auth} payload). */
    public void fixDialect(Dialect d) {
        this.dialect = d;
        this.dialectFixed = true;
    }

    /** The v4 {@code auth} payload, or null when none was sent. */
    public Object authPayload() {
        return authPayload;
    }

    public void authPayload(Object auth) {
        this.authPayload = auth;
    }

    /** Records the account of this socket (null when anonymous). */
    public void account(Long userId, String loginSessionHash, boolean admin) {
        this.userId = userId;
        this.loginSessionHash = loginSessionHash;
        this.admin = admin;
    }

    /** Account id, or null for an anonymous socket. */
    public Long userId() {
        return userId;
    }

    /** SHA-256 of the login session this socket authenticated with, or null. */
    public String loginSessionHash() {
        return loginSessionHash;
    }

    /** Whether the account has the admin role. */
    public boolean admin() {
        return admin;
    }

    /** Rooms joined, in join order (a snapshot: kicks and room deletions change it from other threads). */
    public java.util.List<String> rooms() {
        synchronized (rooms) {
            return java.util.List.copyOf(rooms);
        }
    }

    /** The room joined last, used when a message names no room. */
    public String lastRoom() {
        return lastRoom;
    }

    void joined(String room) {
        synchronized (rooms) {
            rooms.add(room);
            lastRoom = room;
            everJoined = true;
        }
    }

    void left(String room) {
        synchronized (rooms) {
            rooms.remove(room);
            if (room.equals(lastRoom)) {
                lastRoom = rooms.isEmpty() ? null : rooms.stream().reduce((a, b) -> b).orElse(null);
            }
        }
    }
}
