package dev.chatserver.support;

import io.socket.client.Ack;
import io.socket.client.IO;
import io.socket.client.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.json.JSONArray;
import org.json.JSONObject;

/**
 * A real io.socket (Java) Socket.IO client that records every event it receives, so tests await events
 * with timeouts instead of sleeping.
 */
public final class SocketClient implements AutoCloseable {
    /** How long any await waits before failing the test. */
    public static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final List<String> RECORDED = List.of("identity", "history", "message", "new_message",
            "receive_message", "user_joined", "user_left", "presence", "user_typing", "typing", "stop_typing",
            "room_created", "error", "server_shutdown", "user_kicked", "room_deleted", "sessions", "moved", "admin_logged_out", "disconnect",
            "private_message", "message_reaction", "poll_updated", "message_edited", "message_deleted", "read",
            "user_status");

    private final Socket socket;
    private final Map<String, BlockingQueue<Object>> events = new ConcurrentHashMap<>();
    private final CompletableFuture<Object> connected = new CompletableFuture<>();

    private SocketClient(Socket socket) {
        this.socket = socket;
        for (String name : RECORDED) {
            socket.on(name, args -> queue(name).add(args.length == 0 ? JSONObject.NULL : args[0]));
        }
        socket.on(Socket.EVENT_CONNECT, args -> connected.complete("connected"));
        socket.on(Socket.EVENT_CONNECT_ERROR, args -> connected.complete(args.length > 0 ? args[0] : "connect_error"));
    }

    /** Default options: websocket only, a new manager, no automatic reconnection. */
    public static IO.Options options() {
        IO.Options o = new IO.Options();
        o.transports = new String[] {"websocket"};
        o.forceNew = true;
        o.reconnection = false;
        return o;
    }

    /** Connects and waits for the connection. @throws AssertionError if it fails */
    public static SocketClient connect(String url, IO.Options options) {
        SocketClient c = open(url, options);
        Object result = c.awaitConnectResult();
        if (!"connected".equals(result)) {
            c.close();
            throw new AssertionError("connect failed: " + result);
        }
        return c;
    }

    /** Starts connecting without waiting (for refused connections). */
    public static SocketClient open(String url, IO.Options options) {
        SocketClient c = new SocketClient(IO.socket(URI.create(url), options));
        c.socket.connect();
        return c;
    }

    /** "connected", or the connect_error argument. */
    public Object awaitConnectResult() {
        try {
            return connected.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("no connect result within " + TIMEOUT, e);
        }
    }

    private BlockingQueue<Object> queue(String name) {
        return events.computeIfAbsent(name, n -> new LinkedBlockingQueue<>());
    }

    /** Emits and waits for the ack's first argument (a JSONObject {ok, data | error}). */
    public JSONObject request(String event, Object payload) {
        CompletableFuture<Object> ack = new CompletableFuture<>();
        socket.emit(event, new Object[] {payload}, (Ack) args -> ack.complete(args.length == 0 ? null : args[0]));
        try {
            return (JSONObject) ack.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("no ack for " + event + " within " + TIMEOUT, e);
        }
    }

    /** Emits without an ack. */
    public void emit(String event, Object... args) {
        socket.emit(event, args);
    }

    /** Waits for the next event of that name. */
    public Object await(String event) {
        try {
            Object v = queue(event).poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (v == null) {
                throw new TimeoutException();
            }
            return v;
        } catch (Exception e) {
            throw new AssertionError("no '" + event + "' event within " + TIMEOUT, e);
        }
    }

    /** Waits for the next event of that name as a JSON object. */
    public JSONObject awaitJson(String event) {
        return (JSONObject) await(event);
    }

    /** Waits for the next event of that name matching a predicate, discarding others. */
    public JSONObject awaitJson(String event, java.util.function.Predicate<JSONObject> match) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                Object v = queue(event).poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (v instanceof JSONObject j && match.test(j)) {
                    return j;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new AssertionError("no matching '" + event + "' event within " + TIMEOUT);
    }

    /** Events of that name received so far and not yet awaited (does not wait). */
    public List<Object> drain(String event) {
        List<Object> out = new ArrayList<>();
        queue(event).drainTo(out);
        return out;
    }

    /** Joins a room (canonical {@code join_room}) and returns the ack data. @throws AssertionError if refused */
    public JSONObject join(String room, String username) {
        JSONObject p = new JSONObject().put("room", room);
        if (username != null) {
            p.put("username", username);
        }
        JSONObject ack = request("join_room", p);
        if (!ack.getBoolean("ok")) {
            throw new AssertionError("join refused: " + ack);
        }
        return ack.getJSONObject("data");
    }

    /** Sends a message and returns the stored message from the ack. @throws AssertionError if refused */
    public JSONObject send(String room, String text) {
        JSONObject ack = request("message", new JSONObject().put("room", room).put("message", text));
        if (!ack.getBoolean("ok")) {
            throw new AssertionError("message refused: " + ack);
        }
        return ack.getJSONObject("data");
    }

    /** Connects another socket with the same identity (the secret token from its {@code identity} event). */
    public static SocketClient sameIdentity(String url, String token) {
        IO.Options o = options();
        o.auth = Map.of("token", token);
        return connect(url, o);
    }

    /** Sends a request and returns its data. @throws AssertionError if refused */
    public JSONObject ok(String event, JSONObject payload) {
        JSONObject ack = request(event, payload);
        if (!ack.getBoolean("ok")) {
            throw new AssertionError(event + " refused: " + ack);
        }
        return ack.getJSONObject("data");
    }

    /** Sends a request that must be refused. @return the error code */
    public String refused(String event, JSONObject payload) {
        JSONObject ack = request(event, payload);
        if (ack.getBoolean("ok")) {
            throw new AssertionError(event + " was accepted: " + ack);
        }
        return ack.getJSONObject("error").getString("code");
    }

    public Socket socket() {
        return socket;
    }

    @Override
    public void close() {
        socket.disconnect();
        socket.close();
    }

    /** The {@code id} of each message of a {@code messages} array (a join answer, history or replay), in its order. */
    public static List<Long> ids(JSONArray messages) {
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < messages.length(); i++) {
            out.add(messages.getJSONObject(i).getLong("id"));
        }
        return out;
    }
}
