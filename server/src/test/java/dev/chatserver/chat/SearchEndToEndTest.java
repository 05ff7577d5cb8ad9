package dev.chatserver.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chatserver.support.HttpSession;
import dev.chatserver.support.SocketClient;
import dev.chatserver.support.TestServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.json.JSONArray;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** /api/search_messages: trigram FTS for partial English and Persian words, highlighting, room privacy. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SearchEndToEndTest {
    TestServer server;
    String privateKey;

    @BeforeAll
    void start(@TempDir Path dir) {
        server = TestServer.start(dir);
        HttpSession owner = new HttpSession(server.url());
        owner.register("searchowner", "correct horse battery");
        privateKey = new JSONObject(owner.postJson("/create_room", new JSONObject().put("name", "Secret")).body())
                .getJSONObject("data").getString("room_key");
        try (SocketClient c = server.client(); SocketClient o = owner.socket()) {
            c.join("SEARCHPUB", "finder");
            c.send("SEARCHPUB", "the unbelievable journey begins");
            c.send("SEARCHPUB", "سلام دوستان عزیز، کتابخانه باز است");
            c.send("SEARCHPUB", "nothing to see");
            assertTrue(o.request("join", new JSONObject().put("room", privateKey)).getBoolean("ok"));
            o.request("message", new JSONObject().put("room", privateKey).put("message", "unbelievable secret plan"));
            o.awaitJson("message", m -> m.getString("message").startsWith("unbelievable secret"));
        }
    }

    @AfterAll
    void stop() {
        server.close();
    }

    private JSONArray search(HttpSession s, String q, String room) {
        String url = "/api/search_messages?q=" + URLEncoder.encode(q, StandardCharsets.UTF_8)
                + (room == null ? "" : "&room=" + room);
        var r = s.get(url);
        assertEquals(200, r.statusCode(), r.body());
        return new JSONObject(r.body()).getJSONObject("data").getJSONArray("results");
    }

    @Test
    void aPartOfAnEnglishWordFindsTheMessageWithTheMatchHighlighted() {
        JSONArray hits = search(new HttpSession(server.url()), "believ", "SEARCHPUB");
        assertEquals(1, hits.length());
        JSONObject hit = hits.getJSONObject(0);
        assertEquals("the unbelievable journey begins", hit.getString("text"));
        StringBuilder matched = new StringBuilder();
        JSONArray parts = hit.getJSONArray("parts");
        for (int i = 0; i < parts.length(); i++) {
            if (parts.getJSONObject(i).getBoolean("match")) {
                matched.append(parts.getJSONObject(i).getString("text"));
            }
        }
        assertEquals("believ", matched.toString());
    }

    @Test
    void aPartOfAPersianWordFindsTheMessage() {
        JSONArray hits = search(new HttpSession(server.url()), "کتابخا", null);
        assertEquals(1, hits.length());
        assertTrue(hits.getJSONObject(0).getString("text").contains("کتابخانه"));
    }

    @Test
    void searchNeverReturnsMessagesOfAMembersOnlyRoomToOthers() {
        JSONArray outsider = search(new HttpSession(server.url()), "unbelievable", null);
        assertEquals(1, outsider.length(), outsider.toString());
        assertEquals("SEARCHPUB", outsider.getJSONObject(0).getString("room"));
        assertEquals(0, search(new HttpSession(server.url()), "secret plan", privateKey).length());
        HttpSession owner = new HttpSession(server.url());
        owner.postJson("/login", new JSONObject().put("username", "searchowner").put("password", "correct horse battery"));
        assertEquals(2, search(owner, "unbelievable", null).length(), "members find their room's messages too");
    }

    @Test
    void shortQueriesAndBadInput() {
        assertEquals(1, search(new HttpSession(server.url()), "ee", "SEARCHPUB").length(), "under 3 characters: substring scan");
        assertEquals(400, new HttpSession(server.url()).get("/api/search_messages?q=").statusCode());
        assertEquals(400, new HttpSession(server.url()).get("/api/search_messages?q=x&limit=0").statusCode());
        assertEquals(400, new HttpSession(server.url()).get("/api/search_messages?q=x&room=..").statusCode());
    }
}
