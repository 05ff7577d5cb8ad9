package dev.chatserver.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Seeded mutational fuzzing of the four {@link FuzzTargets} in plain JUnit, so every CI run fuzzes a bounded
 * while even where Jazzer's coverage-guided mode is not used: valid seeds are mutated (bit flips, byte
 * insertions and deletions, protocol tokens spliced in, repeats, splices of two seeds) by a fixed-seed random
 * generator, so a failure replays with the same {@code -Dfuzz.seed}. Budget: {@code -Dfuzz.seconds} per target
 * (default 8 s, 4 targets: about 35 s in CI); {@code -Dfuzz.seconds=600} for a long run (README).
 */
class MutationFuzzTest {
    static final long SECONDS = Long.getLong("fuzz.seconds", 8);
    static final long SEED = Long.getLong("fuzz.seed", 20261128L);

    static final String[] TOKENS = {"[", "]", "{", "}", "\"", ",", ":", "-", "/", "\\", "\u001e", "\u0000", "42", "451-",
            "4999999999-", "0", "1", "2", "3", "4", "5", "6", "null", "true", "1e999", "-0", "\"\\u0000\"", "\"_placeholder\":true",
            "\"num\":0", "/admin,", "99999999999999999999", "\r\n", "--", "Content-Disposition: form-data; name=\"file\"; filename=\"a\"",
            "Content-Type: text/plain", "$2a$", "$2b$04$", "$2y$31$", "pbkdf2:sha256:1000$", "$", "\uD800", "\u00ff"};

    @Test
    void packets() {
        run("packet", FuzzTargets::packet, List.of("40", "40{\"token\":\"abc\"}", "42[\"message\",{\"room\":\"A\",\"message\":\"hi\"}]",
                "421[\"join_room\",{\"room\":\"A\",\"last_id\":5}]", "451-[\"x\",{\"_placeholder\":true,\"num\":0}]",
                "43[{\"ok\":true}]", "4/admin,42[\"sessions\",{}]", "2", "3probe", "41", "6"));
    }

    @Test
    void payloads() {
        run("payload", FuzzTargets::payload, List.of("{\"room\":\"A\",\"message\":\"hi\"}", "\"A\"", "[1,2]",
                "{\"room\":\"A\",\"last_id\":12}", "{\"message_id\":1,\"emoji\":\"x\"}", "{\"text\":5}", "null", "{}"));
    }

    @Test
    void multiparts() {
        run("multipart", FuzzTargets::multipart, List.of(
                "XyZ\n--XyZ\r\nContent-Disposition: form-data; name=\"room\"\r\n\r\nA\r\n--XyZ\r\nContent-Disposition: form-data; "
                        + "name=\"file\"; filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\nhello\r\n--XyZ--\r\n",
                "b\n--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x\"\r\n\r\n\r\n--b--\r\n"));
    }

    @Test
    void passwordHashes() {
        run("passwordHash", FuzzTargets::passwordHash, List.of(
                "secret\u0000$2a$04$abcdefghijklmnopqrstuu5FQ5BZd9Vt0H1Lh6w1M1mQz3rQ0Qy2C",
                "secret\u0000pbkdf2:sha256:1000$salt$00ff", "x\u0000$2b$04$", "x\u0000pbkdf2:sha1:1$s$zz", "\u0000"));
    }

    /** Replays every stored Jazzer input (crash reproducers included) of that target, without Jazzer's agent. */
    private static int replayJazzerInputs(String method, Consumer<byte[]> target) {
        java.net.URL dirUrl = MutationFuzzTest.class.getResource("JazzerFuzzTestInputs/" + method);
        if (dirUrl == null) {
            return 0;
        }
        try (var files = java.nio.file.Files.list(java.nio.file.Path.of(dirUrl.toURI()))) {
            List<java.nio.file.Path> all = files.sorted().toList();
            for (java.nio.file.Path f : all) {
                target.accept(java.nio.file.Files.readAllBytes(f));
            }
            return all.size();
        } catch (java.io.IOException | java.net.URISyntaxException e) {
            throw new AssertionError("cannot read the stored inputs of " + method, e);
        }
    }

    private static void run(String name, Consumer<byte[]> target, List<String> seeds) {
        int replayed = replayJazzerInputs(name, target);
        SplittableRandom random = new SplittableRandom(SEED ^ name.hashCode());
        List<byte[]> corpus = new ArrayList<>();
        for (String s : seeds) {
            corpus.add(s.getBytes(StandardCharsets.UTF_8));
        }
        for (byte[] s : corpus) {
            target.accept(s);
        }
        long deadline = System.nanoTime() + SECONDS * 1_000_000_000L;
        long runs = 0;
        while (System.nanoTime() < deadline) {
            byte[] input = mutate(corpus.get(random.nextInt(corpus.size())), corpus, random);
            target.accept(input); // an AssertionError here is a crash; the message holds the input
            runs++;
            if (random.nextInt(64) == 0 && input.length < 4096) {
                corpus.add(input); // keep some mutants so mutations compound
            }
        }
        System.out.printf("fuzz %s: %d stored inputs replayed, %d executions in %d s (seed %d), no crash%n", name, replayed, runs,
                SECONDS, SEED);
    }

    static byte[] mutate(byte[] base, List<byte[]> corpus, SplittableRandom r) {
        List<Byte> b = new ArrayList<>(base.length + 16);
        for (byte x : base) {
            b.add(x);
        }
        int steps = 1 + r.nextInt(4);
        for (int s = 0; s < steps; s++) {
            int pos = b.isEmpty() ? 0 : r.nextInt(b.size() + 1);
            switch (r.nextInt(7)) {
                case 0 -> { // flip a bit
                    if (!b.isEmpty()) {
                        int i = r.nextInt(b.size());
                        b.set(i, (byte) (b.get(i) ^ (1 << r.nextInt(8))));
                    }
                }
                case 1 -> b.add(pos, (byte) r.nextInt(256)); // insert a byte
                case 2 -> { // delete a range
                    if (!b.isEmpty()) {
                        int i = r.nextInt(b.size());
                        int n = Math.min(b.size() - i, 1 + r.nextInt(8));
                        b.subList(i, i + n).clear();
                    }
                }
                case 3 -> insert(b, pos, TOKENS[r.nextInt(TOKENS.length)].getBytes(StandardCharsets.UTF_8));
                case 4 -> { // repeat a range (deep nesting, long strings)
                    if (!b.isEmpty()) {
                        int i = r.nextInt(b.size());
                        int n = Math.min(b.size() - i, 1 + r.nextInt(4));
                        byte[] piece = new byte[n];
                        for (int k = 0; k < n; k++) {
                            piece[k] = b.get(i + k);
                        }
                        int times = 1 + r.nextInt(r.nextBoolean() ? 8 : 200);
                        for (int t = 0; t < times; t++) {
                            insert(b, i, piece);
                        }
                    }
                }
                case 5 -> { // splice another corpus entry
                    byte[] other = corpus.get(r.nextInt(corpus.size()));
                    int from = other.length == 0 ? 0 : r.nextInt(other.length);
                    insert(b, pos, java.util.Arrays.copyOfRange(other, from, other.length));
                }
                default -> { // replace a digit run with a big number
                    insert(b, pos, Long.toString(r.nextLong()).getBytes(StandardCharsets.US_ASCII));
                }
            }
        }
        byte[] out = new byte[Math.min(b.size(), 1 << 16)];
        for (int i = 0; i < out.length; i++) {
            out[i] = b.get(i);
        }
        return out;
    }

    private static void insert(List<Byte> b, int pos, byte[] piece) {
        List<Byte> add = new ArrayList<>(piece.length);
        for (byte x : piece) {
            add.add(x);
        }
        b.addAll(Math.min(pos, b.size()), add);
    }
}
