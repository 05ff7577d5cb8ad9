package dev.chatserver.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chatserver.support.HttpSession;
import dev.chatserver.support.SocketClient;
import dev.chatserver.support.TestServer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Seed 003's members-only rooms of accounts, and kick_user (creator only), end to end. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccountRoomsEndToEndTest {
    static final String PW = "correct horse battery";
    TestServer server;

    @BeforeAll
    void start(@TempDir Path dir) {
        server = TestServer.start(dir);
    }

    @AfterAll
    void stop() {
        server.close();
    }

    private HttpSession user(String name) {
        HttpSession s = new HttpSession(server.url());
        s.register(name, PW);
        return s;
    }

    private static String createRoom(HttpSession s, String name) {
        HttpResponse<String> r = s.postJson("/create_room", new JSONObject().put("name", name));
        assertEquals(200, r.statusCode(), r.body());
        return new JSONObject(r.body()).getJSONObject("data").getString("room_key");
    }

    @Test
    void createJoinByKeyListAndChatInAMembersOnlyRoom() {
        HttpSession owner = user("owner1");
        HttpSession guest = user("guest1");
        String key = createRoom(owner, "Team");
        assertTrue(key.matches("[A-Za-z0-9_-]{12}"), key);
        assertEquals(303, guest.get("/chat/" + key).statusCode(), "not a member yet");
        try (SocketClient outsider = guest.socket()) {
            JSONObject refused = outsider.request("join", new JSONObject().put("room", key));
            assertEquals("not_member", refused.getJSONObject("error").getString("code"));
        }
        assertEquals(200, guest.postJson("/join_room", new JSONObject().put("room_key", key)).statusCode());
        assertEquals(200, guest.get("/chat/" + key).statusCode());
        JSONObject mine = new JSONObject(guest.get("/my_rooms").body()).getJSONObject("data");
        assertEquals(key, mine.getJSONArray("rooms").getJSONObject(0).getString("room_key"));
        assertEquals("member", mine.getJSONArray("rooms").getJSONObject(0).getString("role"));

        try (SocketClient o = owner.socket(); SocketClient g = guest.socket()) {
            assertTrue(o.request("join", new JSONObject().put("room", key)).getBoolean("ok"));
            assertTrue(g.request("join", new JSONObject().put("room", key)).getBoolean("ok"));
            g.request("message", new JSONObject().put("room", key).put("message", "hello team"));
            assertEquals("hello team", o.awaitJson("message", m -> !m.optBoolean("system")).getString("message"));
        }
        // the history API hides members-only rooms from others
        assertEquals(404, new HttpSession(server.url()).get("/api/history?room=" + key).statusCode());
        assertEquals(200, guest.get("/api/history?room=" + key).statusCode());
    }

    @Test
    void kickByNonCreatorIsRefusedAndByCreatorIsBroadcast() {
        HttpSession owner = user("owner2");
        HttpSession a = user("membera");
        HttpSession b = user("memberb");
        String key = createRoom(owner, "Kicks");
        a.postJson("/join_room", new JSONObject().put("room_key", key));
        b.postJson("/join_room", new JSONObject().put("room_key", key));
        try (SocketClient o = owner.socket(); SocketClient ca = a.socket(); SocketClient cb = b.socket()) {
            for (SocketClient c : new SocketClient[] {o, ca, cb}) {
                assertTrue(c.request("join", new JSONObject().put("room", key)).getBoolean("ok"));
            }
            String bId = cb.awaitJson("identity").getString("public_token");
            String ownerId = o.awaitJson("identity").getString("public_token");
            JSONObject refused = ca.request("kick_user", new JSONObject().put("room", key).put("target_user_id", bId));
            assertFalse(refused.getBoolean("ok"));
            assertEquals("not_allowed", refused.getJSONObject("error").getString("code"));
            assertEquals("not_allowed", ca.request("kick_user", new JSONObject().put("room", key).put("target_user_id", ownerId))
                    .getJSONObject("error").getString("code"));

            JSONObject ok = o.request("kick_user", new JSONObject().put("room", key).put("target_user_id", bId));
            assertTrue(ok.getBoolean("ok"), ok.toString());
            for (SocketClient c : new SocketClient[] {o, ca, cb}) {
                JSONObject kicked = c.awaitJson("user_kicked");
                assertEquals(bId, kicked.getString("kicked_user_id"));
                assertTrue(kicked.getString("message").length() > 0);
            }
            // the kicked user is out: no more room messages, cannot rejoin the members-only room
            ca.request("message", new JSONObject().put("room", key).put("message", "after kick"));
            assertEquals("after kick", o.awaitJson("message", m -> m.getString("message").equals("after kick")).getString("message"));
            assertEquals("not_in_room", cb.request("message", new JSONObject().put("room", key).put("message", "x"))
                    .getJSONObject("error").getString("code"));
            assertEquals("not_member", cb.request("join", new JSONObject().put("room", key)).getJSONObject("error").getString("code"));
        }
    }

    @Test
    void deleteRoomIsOwnerOnlyAndTellsMembers() {
        HttpSession owner = user("owner3");
        HttpSession member = user("member3");
        String key = createRoom(owner, "Doomed");
        member.postJson("/join_room", new JSONObject().put("room_key", key));
        try (SocketClient m = member.socket()) {
            assertTrue(m.request("join", new JSONObject().put("room", key)).getBoolean("ok"));
            HttpResponse<String> notOwner = member.get("/delete_room/" + key);
            assertEquals(303, notOwner.statusCode());
            assertTrue(notOwner.headers().firstValue("location").orElseThrow().contains("error=not_allowed"));
            assertEquals(303, owner.get("/delete_room/" + key).statusCode());
            assertEquals(key, m.awaitJson("room_deleted").getString("room"));
        }
        assertEquals(0, new JSONObject(member.get("/my_rooms").body()).getJSONObject("data").getJSONArray("rooms").length());
    }

    @Test
    void roomPagesNeedALogin() {
        HttpResponse<String> r = new HttpSession(server.url()).get("/my_rooms");
        assertEquals(401, r.statusCode());
        HttpResponse<String> form = new HttpSession(server.url()).postForm("/create_room", "name=x");
        assertEquals(303, form.statusCode());
        assertTrue(form.headers().firstValue("location").orElseThrow().startsWith("/login"));
    }
}
