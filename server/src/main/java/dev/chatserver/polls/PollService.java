package dev.chatserver.polls;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chatserver.common.ChatException;
import dev.chatserver.store.PollDao;
import dev.chatserver.store.PollDao.PollRow;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Poll rules (seed 001 {@code create_poll} / {@code vote_poll}): a question with 2..10 distinct options, single or
 * multiple choice, optionally closing at a time; one vote per user (per option when multiple); closed by its
 * creator (or an admin) or by time. Blocking (database): call it on the blocking executor.
 */
public final class PollService {
    public static final int MIN_OPTIONS = 2;
    public static final int MAX_OPTIONS = 10;
    /** Longest question, characters. */
    public static final int QUESTION_MAX = 200;
    /** Longest option, characters. */
    public static final int OPTION_MAX = 100;
    /** Furthest deadline accepted, ms from now (30 days). */
    public static final long MAX_OPEN_MS = 30L * 24 * 3600 * 1000;

    private static final ObjectMapper JSON = dev.chatserver.common.Json.MAPPER;
    private final PollDao dao;
    private final Clock clock;

    public PollService(PollDao dao, Clock clock) {
        this.dao = dao;
        this.clock = clock;
    }

    /**
     * Stores a poll.
     *
     * @param closesAt epoch ms deadline, or null
     * @return the stored poll
     * @throws ChatException {@code bad_request} for a missing/long question, fewer than 2 or more than 10 options,
     *     duplicate or empty options, or a deadline in the past or more than 30 days ahead
     */
    public PollRow create(String room, String creatorToken, String question, List<String> options, boolean multiple,
                          Long closesAt) {
        String q = question == null ? "" : question.strip();
        if (q.isEmpty() || q.codePointCount(0, q.length()) > QUESTION_MAX) {
            throw ChatException.badRequest("a poll question is 1-" + QUESTION_MAX + " characters");
        }
        if (options == null || options.size() < MIN_OPTIONS || options.size() > MAX_OPTIONS) {
            throw ChatException.badRequest("a poll has " + MIN_OPTIONS + " to " + MAX_OPTIONS + " options");
        }
        List<String> clean = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String o : options) {
            String t = o == null ? "" : o.strip();
            if (t.isEmpty() || t.codePointCount(0, t.length()) > OPTION_MAX) {
                throw ChatException.badRequest("each option is 1-" + OPTION_MAX + " characters");
            }
            if (!seen.add(t.toLowerCase(java.util.Locale.ROOT))) {
                throw ChatException.badRequest("options must differ");
            }
            clean.add(t);
        }
        long now = clock.millis();
        if (closesAt != null && (closesAt <= now || closesAt > now + MAX_OPEN_MS)) {
            throw ChatException.badRequest("closes_at must be in the future, at most 30 days ahead");
        }
        String json;
        try {
            json = JSON.writeValueAsString(clean);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        long id = dao.insert(new PollRow(0, room, creatorToken, null, null, q, json, multiple, closesAt, null, now));
        return dao.find(id).orElseThrow();
    }

    /**
     * Records a vote.
     *
     * @param option option index, 0-based
     * @return the poll after the vote
     * @throws ChatException {@code poll_not_found}, {@code poll_closed}, {@code bad_request} (no such option),
     *     {@code already_voted} (single choice: any earlier vote; multiple: this option again)
     */
    public PollRow vote(long pollId, String token, int option) {
        PollRow p = find(pollId);
        if (isClosed(p)) {
            throw new ChatException("poll_closed", "this poll is closed", 409);
        }
        if (option < 0 || option >= options(p).size()) {
            throw ChatException.badRequest("no option " + option + " in this poll");
        }
        long now = clock.millis();
        int n = p.multiple() ? dao.voteOption(pollId, token, option, now) : dao.voteOnce(pollId, token, option, now);
        if (n == 0) {
            throw new ChatException("already_voted", p.multiple() ? "you already voted for this option" : "you already voted", 409);
        }
        return p;
    }

    /**
     * Closes a poll by hand.
     * @throws ChatException {@code poll_not_found}, {@code not_allowed} (not the creator nor an admin), {@code poll_closed}
     */
    public PollRow close(long pollId, String token, boolean admin) {
        PollRow p = find(pollId);
        if (!admin && !p.creatorToken().equals(token)) {
            throw new ChatException("not_allowed", "only the poll's creator can close it", 403);
        }
        if (dao.close(pollId, clock.millis()) == 0) {
            throw new ChatException("poll_closed", "this poll is closed already", 409);
        }
        return find(pollId);
    }

    /** @throws ChatException {@code poll_not_found} */
    public PollRow find(long pollId) {
        return dao.find(pollId).orElseThrow(() -> new ChatException("poll_not_found", "no such poll", 404));
    }

    /** The newest {@code limit} polls of a room, newest first. */
    public List<PollRow> ofRoom(String room, int limit) {
        return dao.ofRoom(room, limit);
    }

    /** Closed by hand, or its deadline passed. */
    public boolean isClosed(PollRow p) {
        return p.closedAt() != null || (p.closesAt() != null && clock.millis() >= p.closesAt());
    }

    /** The option texts. */
    public static List<String> options(PollRow p) {
        try {
            return JSON.readValue(p.options(), new TypeReference<List<String>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("bad options of poll " + p.id(), e);
        }
    }

    /** Option indexes a token voted for. */
    public List<Integer> votesOf(long pollId, String token) {
        return dao.votesOf(pollId, token);
    }

    /**
     * The poll as clients see it: {@code {poll_id, id, room, question, options: [{index, text, votes}], multiple,
     * closes_at (epoch ms|null), closed, total_votes, voters, created_by: {user_id, username}, created_at}}.
     * Never the voters' identities (votes are anonymous).
     */
    public Map<String, Object> payload(PollRow p) {
        Map<Integer, Integer> counts = new java.util.HashMap<>();
        for (String s : dao.counts(p.id())) {
            int i = s.indexOf(' ');
            counts.put(Integer.parseInt(s.substring(0, i)), Integer.parseInt(s.substring(i + 1)));
        }
        List<Map<String, Object>> opts = new ArrayList<>();
        int total = 0;
        List<String> texts = options(p);
        for (int i = 0; i < texts.size(); i++) {
            int v = counts.getOrDefault(i, 0);
            total += v;
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("index", i);
            o.put("text", texts.get(i));
            o.put("votes", v);
            opts.add(o);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("poll_id", p.id());
        m.put("id", p.id());
        m.put("room", p.room());
        m.put("question", p.question());
        m.put("options", opts);
        m.put("multiple", p.multiple());
        m.put("closes_at", p.closesAt());
        m.put("closed", isClosed(p));
        m.put("total_votes", total);
        m.put("voters", dao.voters(p.id()));
        Map<String, Object> by = new LinkedHashMap<>();
        by.put("user_id", p.creatorPublic());
        by.put("username", p.creatorName());
        m.put("created_by", by);
        m.put("created_at", p.createdAt());
        m.put("timestamp", Instant.ofEpochMilli(p.createdAt()).toString());
        return m;
    }
}
