package dev.chatserver.realtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chatserver.support.HttpSession;
import dev.chatserver.support.SocketClient;
import dev.chatserver.support.TestServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.json.JSONArray;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #7 end to end, with real io.socket clients against a real server: private messages, reactions, polls,
 * edits and deletions, read receipts and presence status.
 */
class RichChatTest {

    @Test
    void privateMessageReachesEveryRecipientSessionAndTheSendersOtherSessions(@TempDir Path dir) {
        try (TestServer server = TestServer.start(dir); SocketClient alice = server.client(); SocketClient bob = server.client()) {
            alice.ok("set_username", new JSONObject().put("username", "alice"));
            bob.ok("set_username", new JSONObject().put("username", "bob"));
            JSONObject aliceId = alice.awaitJson("identity"); // anonymous without auth: sent before the first answer
            JSONObject bobId = bob.awaitJson("identity");
            try (SocketClient alice2 = SocketClient.sameIdentity(server.url(), aliceId.getString("token"));
                 SocketClient bob2 = SocketClient.sameIdentity(server.url(), bobId.getString("token"))) {
                alice2.awaitJson("identity");
                bob2.awaitJson("identity");
                JSONObject sent = bob.ok("private_message", new JSONObject().put("to", "alice").put("message", "سلام alice"));
                assertEquals(aliceId.getString("public_token"), sent.getString("to_user_id"));
                for (SocketClient c : List.of(alice, alice2, bob2)) {
                    JSONObject got = c.awaitJson("private_message");
                    assertEquals("سلام alice", got.getString("message"));
                    assertEquals(sent.getLong("id"), got.getLong("id"));
                    assertEquals(bobId.getString("public_token"), got.getString("user_id"));
                }
                assertTrue(bob.drain("private_message").isEmpty(), "the sending socket has the ack, not an echo");

                JSONArray convs = alice.ok("list_conversations", new JSONObject()).getJSONArray("conversations");
                assertEquals(1, convs.length());
                JSONObject conv = convs.getJSONObject(0);
                assertEquals(bobId.getString("public_token"), conv.getString("user_id"));
                assertEquals(1, conv.getInt("unread"));
                alice.ok("read", new JSONObject().put("room", conv.getString("room")).put("message_id", sent.getLong("id")));
                assertEquals(0, alice.ok("list_conversations", new JSONObject()).getJSONArray("conversations")
                        .getJSONObject(0).getInt("unread"));
                assertEquals(sent.getLong("id"), bob.awaitJson("read").getLong("message_id"), "the sender sees it was read");

                JSONArray history = bob.ok("dm_history", new JSONObject().put("with", aliceId.getString("public_token")))
                        .getJSONArray("messages");
                assertEquals("سلام alice", history.getJSONObject(0).getString("message"));

                bob.ok("edit_message", new JSONObject().put("message_id", sent.getLong("id")).put("message", "سلام alice!"));
                assertEquals("سلام alice!", alice2.awaitJson("message_edited").getString("message"), "edits reach both sides");
                alice.ok("add_reaction", new JSONObject().put("message_id", sent.getLong("id")).put("emoji", "❤️"));
                assertEquals(1, bob2.awaitJson("message_reaction").getJSONObject("counts").getInt("❤️"));
                assertEquals("not_allowed", alice.refused("delete_message", new JSONObject().put("message_id", sent.getLong("id"))));
                try (SocketClient eve = server.client()) {
                    assertEquals("message_not_found", eve.refused("react",
                            new JSONObject().put("message_id", sent.getLong("id")).put("emoji", "👀")), "others cannot see a conversation");
                }

                alice.ok("block_user", new JSONObject().put("user_id", bobId.getString("public_token")));
                assertEquals("blocked", bob.refused("private_message",
                        new JSONObject().put("to", aliceId.getString("public_token")).put("message", "hello?")));
                assertEquals("user_not_found", bob.refused("private_message", new JSONObject().put("to", "nobody").put("message", "x")));
            }
        }
    }

    @Test
    void reactionCountsStayExactUnderConcurrentReactions(@TempDir Path dir) {
        try (TestServer server = TestServer.start(dir)) {
            List<SocketClient> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 6; i++) {
                    SocketClient c = server.client();
                    c.join("REACT", "user" + i);
                    clients.add(c);
                }
                long id = clients.get(0).send("REACT", "react to me").getLong("id");
                List<CompletableFuture<JSONObject>> acks = new ArrayList<>();
                for (SocketClient c : clients) {
                    acks.add(CompletableFuture.supplyAsync(() -> c.request("react", new JSONObject().put("message_id", id).put("emoji", "👍"))));
                    acks.add(CompletableFuture.supplyAsync(() -> c.request("add_reaction", new JSONObject().put("message_id", id).put("emoji", "👍"))));
                }
                int changed = 0;
                for (CompletableFuture<JSONObject> a : acks) {
                    JSONObject ack = a.join();
                    assertTrue(ack.getBoolean("ok"), ack.toString());
                    changed += ack.getJSONObject("data").getBoolean("changed") ? 1 : 0;
                }
                assertEquals(6, changed, "one reaction per user per emoji");
                SocketClient observer = clients.get(0);
                JSONObject last = observer.awaitJson("message_reaction", e -> e.getJSONObject("counts").getInt("👍") == 6);
                assertEquals(6, last.getJSONObject("users").getJSONArray("👍").length());

                clients.get(1).ok("remove_reaction", new JSONObject().put("message_id", id).put("emoji", "👍"));
                assertEquals(5, observer.awaitJson("message_reaction", e -> "remove".equals(e.getString("action")))
                        .getJSONObject("counts").getInt("👍"));
                try (SocketClient late = server.client()) {
                    JSONObject msg = late.join("REACT", "late").getJSONArray("messages").getJSONObject(0);
                    assertEquals(5, msg.getJSONObject("reactions").getJSONObject("counts").getInt("👍"), "history carries the counts");
                }
                try (SocketClient back = server.client()) {
                    JSONObject replayed = back.ok("join_room", new JSONObject().put("room", "REACT").put("username", "back")
                            .put("last_id", id - 1)).getJSONArray("messages").getJSONObject(0);
                    assertEquals(5, replayed.getJSONObject("reactions").getJSONObject("counts").getInt("👍"), "so does a replay");
                }
                try (SocketClient outsider = server.client()) {
                    assertEquals("message_not_found", outsider.refused("react", new JSONObject().put("message_id", id).put("emoji", "x")));
                }
            } finally {
                clients.forEach(SocketClient::close);
            }
        }
    }

    @Test
    void pollDoubleVoteIsRefusedAndResultsReachTheRoom(@TempDir Path dir) {
        try (TestServer server = TestServer.start(dir); SocketClient ann = server.client(); SocketClient ben = server.client()) {
            ann.join("POLL", "ann");
            ben.join("POLL", "ben");
            assertEquals("bad_request", ann.refused("create_poll", new JSONObject().put("room", "POLL")
                    .put("question", "q?").put("options", new JSONArray().put("only one"))));
            JSONObject poll = ann.ok("create_poll", new JSONObject().put("room", "POLL").put("question", "Lunch?")
                    .put("options", new JSONArray().put("pizza").put("sushi").put("salad")));
            long pollId = poll.getLong("poll_id");
            assertEquals("Lunch?", ben.awaitJson("poll_updated").getString("question"));

            JSONObject voted = ben.ok("vote_poll", new JSONObject().put("poll_id", pollId).put("option", 1));
            assertEquals(new JSONArray().put(1).toString(), voted.getJSONArray("my_votes").toString());
            assertEquals("already_voted", ben.refused("vote_poll", new JSONObject().put("poll_id", pollId).put("option", 0)));
            ann.ok("vote_poll", new JSONObject().put("poll_id", pollId).put("option", "sushi"));
            JSONObject results = ben.awaitJson("poll_updated", e -> e.getInt("total_votes") == 2);
            assertEquals(2, results.getJSONArray("options").getJSONObject(1).getInt("votes"));
            assertEquals(2, results.getInt("voters"));

            assertEquals("not_allowed", ben.refused("close_poll", new JSONObject().put("poll_id", pollId)));
            assertTrue(ann.ok("close_poll", new JSONObject().put("poll_id", pollId)).getBoolean("closed"));
            assertTrue(ben.awaitJson("poll_updated", e -> e.getBoolean("closed")).getBoolean("closed"));
            try (SocketClient cid = server.client()) {
                JSONObject join = cid.join("POLL", "cid");
                assertEquals(pollId, join.getJSONArray("polls").getJSONObject(0).getLong("poll_id"), "join lists the room's polls");
                assertEquals("poll_closed", cid.refused("vote_poll", new JSONObject().put("poll_id", pollId).put("option", 2)));
            }

            JSONObject multi = ann.ok("create_poll", new JSONObject().put("room", "POLL").put("question", "Days?").put("multiple", true)
                    .put("options", new JSONArray().put("Mon").put("Tue")));
            ben.ok("vote_poll", new JSONObject().put("poll_id", multi.getLong("poll_id")).put("option", 0));
            ben.ok("vote_poll", new JSONObject().put("poll_id", multi.getLong("poll_id")).put("option", 1));
            assertEquals("already_voted", ben.refused("vote_poll", new JSONObject().put("poll_id", multi.getLong("poll_id")).put("option", 1)));

            JSONObject timed = ann.ok("create_poll", new JSONObject().put("room", "POLL").put("question", "Soon?")
                    .put("options", new JSONArray().put("yes").put("no")).put("closes_at", System.currentTimeMillis() + 300));
            JSONObject closed = ben.awaitJson("poll_updated", e -> e.getLong("poll_id") == timed.getLong("poll_id") && e.getBoolean("closed"));
            assertTrue(closed.getBoolean("closed"), "a deadline closes the poll and the room is told");
        }
    }

    @Test
    void editByNonAuthorIsRefusedAndEditsAndDeletionsReachTheRoom(@TempDir Path dir) {
        try (TestServer server = TestServer.start(dir); SocketClient ann = server.client(); SocketClient ben = server.client()) {
            ann.join("EDIT", "ann");
            ben.join("EDIT", "ben");
            long id = ann.send("EDIT", "helo").getLong("id");
            assertEquals("not_allowed", ben.refused("edit_message", new JSONObject().put("message_id", id).put("message", "hacked")));
            assertEquals("not_allowed", ben.refused("delete_message", new JSONObject().put("message_id", id)));

            ann.ok("edit_message", new JSONObject().put("message_id", id).put("message", "hello"));
            JSONObject edited = ben.awaitJson("message_edited");
            assertEquals("hello", edited.getString("message"));
            assertTrue(edited.getBoolean("edited"));
            try (SocketClient cid = server.client()) {
                JSONObject h = cid.join("EDIT", "cid").getJSONArray("messages").getJSONObject(0);
                assertEquals("hello", h.getString("message"));
                assertTrue(h.getBoolean("edited"), "history shows the edit mark");
            }
            String body = new HttpSession(server.url()).get("/api/history?room=EDIT").body();
            assertTrue(new JSONObject(body).getJSONArray("messages").getJSONObject(0).getBoolean("edited"));

            ann.ok("delete_message", new JSONObject().put("message_id", id));
            assertEquals(id, ben.awaitJson("message_deleted").getLong("message_id"));
            var jdbi = server.server().database().jdbi();
            assertEquals("", jdbi.withHandle(h -> h.createQuery("SELECT text FROM messages WHERE id = :id").bind("id", id)
                    .mapTo(String.class).one()), "deleted text is gone from the log");
            String annPublic = ann.ok("set_username", new JSONObject().put("username", "ann")).getString("username");
            assertEquals("ann", annPublic);
            assertEquals(List.of("edit", "delete"), jdbi.withHandle(h -> h.createQuery(
                    "SELECT action FROM message_audit WHERE message_id = :id ORDER BY id").bind("id", id).mapTo(String.class).list()));
            assertEquals(Integer.valueOf(1), jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM message_audit a JOIN tokens t ON t.token = a.actor_token "
                    + "WHERE a.message_id = :id AND a.action = 'delete' AND t.username = 'ann'").bind("id", id).mapTo(Integer.class).one()),
                    "the audit keeps who deleted");
            assertEquals("message_not_found", ann.refused("edit_message", new JSONObject().put("message_id", id).put("message", "again")));
        }
    }

    @Test
    void anAdminMayDeleteAnyMessage(@TempDir Path dir) {
        try (TestServer server = TestServer.start(dir); SocketClient guest = server.client()) {
            HttpSession admin = new HttpSession(server.url());
            admin.register("boss", "correct horse battery");
            try (SocketClient boss = admin.socket()) {
                boss.join("MOD", null);
                guest.join("MOD", "guest");
                long id = guest.send("MOD", "spam").getLong("id");
                assertTrue(boss.ok("delete_message", new JSONObject().put("message_id", id)).getBoolean("deleted"));
                assertEquals("boss", guest.awaitJson("message_deleted").getJSONObject("deleted_by").getString("username"));
            }
        }
    }

    @Test
    void readReceiptsAndPresenceStatusReachTheRoom(@TempDir Path dir) {
        try (TestServer server = TestServer.start(dir); SocketClient ann = server.client(); SocketClient ben = server.client()) {
            ann.join("SEEN", "ann");
            ben.join("SEEN", "ben");
            long id = ann.send("SEEN", "did you see this?").getLong("id");
            JSONObject r = ben.ok("read", new JSONObject().put("room", "SEEN").put("message_id", id));
            assertEquals(id, r.getLong("message_id"));
            JSONObject seen = ann.awaitJson("read");
            assertEquals("ben", seen.getString("username"));
            assertEquals(id, seen.getLong("message_id"));
            try (SocketClient cid = server.client()) {
                JSONArray reads = cid.join("SEEN", "cid").getJSONArray("reads");
                assertEquals("ben", reads.getJSONObject(0).getString("username"), "join carries the read marks");
            }
            ben.ok("set_presence", new JSONObject().put("status", "away"));
            assertEquals("away", ann.awaitJson("user_status", e -> "ben".equals(e.getString("username"))).getString("status"));
            assertEquals("bad_request", ben.refused("set_presence", new JSONObject().put("status", "invisible")));
            ben.close();
            JSONObject off = ann.awaitJson("user_status", e -> "offline".equals(e.getString("status")) && "ben".equals(e.getString("username")));
            assertEquals("ben", off.getString("username"));
            assertFalse(off.isNull("last_seen"));
        }
    }
}
