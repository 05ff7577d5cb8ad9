package dev.chatserver.uploads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chatserver.config.ServerConfig;
import dev.chatserver.support.TestServer;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 50 MB upload with the default limits must not raise the server's heap by 50 MB: the body streams to disk.
 * Server and client share this JVM, so the client side generates its body as it is sent (never held), and the
 * used heap is measured after full GCs: before the upload, while 45 MB of it have been sent, and after. Netty
 * would hold an in-memory body in its pooled (direct) buffers, which the Java heap does not show, so the
 * allocator's pool is measured as well (checked: with an in-memory multipart factory this test fails there).
 */
class UploadHeapTest {
    static final long FILE_BYTES = 50_000_000L; // under the 50 MiB (52428800) default
    static final long MEASURE_AT = 45L << 20;

    @Test
    void aFiftyMegabyteUploadStreamsToDiskWithoutHoldingTheBody(@TempDir Path dir) throws Exception {
        try (TestServer server = TestServer.start(ServerConfig.forTests(dir))) {
            UploadSupport up = new UploadSupport(server);
            String token = up.newToken();
            byte[] header = Samples.mp4("isom");
            // warm-up: the same code paths once with a small file, so the baseline holds their classes and caches
            up.uploadOk(token, "warm-up.mp4", "video/mp4", java.util.Arrays.copyOf(header, 1 << 20));
            long baseline = usedHeapAfterGc();
            long nettyBaseline = nettyPoolBytes();
            AtomicLong during = new AtomicLong(-1);
            AtomicLong nettyDuring = new AtomicLong(-1);
            Multipart body = new Multipart().file("big-video.mp4", "video/mp4", () -> new SequenceInputStream(
                    new ByteArrayInputStream(header), Multipart.generated(FILE_BYTES - header.length, 5, sent -> {
                        if (sent >= MEASURE_AT && during.get() < 0) {
                            during.set(usedHeapAfterGc());
                            nettyDuring.set(nettyPoolBytes());
                        }
                    })), FILE_BYTES);

            long t0 = System.nanoTime();
            HttpResponse<String> r = up.upload(token, body);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(200, r.statusCode(), r.body());
            long after = usedHeapAfterGc();
            JSONObject data = new JSONObject(r.body()).getJSONObject("data");
            assertEquals(FILE_BYTES, data.getLong("size"));

            long riseDuring = during.get() - baseline;
            long riseAfter = after - baseline;
            long nettyRise = nettyDuring.get() - nettyBaseline;
            System.out.printf("upload heap check: %d-byte upload in %d ms; used heap after GC: baseline %.1f MB, "
                            + "at 45 MB sent %+.1f MB, after %+.1f MB; Netty buffer pool (direct + heap arenas) "
                            + "at 45 MB sent %+.1f MB%n", FILE_BYTES, ms, baseline / 1e6,
                    riseDuring / 1e6, riseAfter / 1e6, nettyRise / 1e6);
            assertTrue(during.get() > 0, "measured during the upload");
            assertTrue(riseDuring < 20_000_000L, "heap rose by " + riseDuring + " bytes while receiving 50 MB");
            assertTrue(riseAfter < 20_000_000L, "heap rose by " + riseAfter + " bytes after a 50 MB upload");
            // Netty keeps request bodies in its (mostly direct) buffer pool, outside the Java heap: check it too
            assertTrue(nettyRise < 20_000_000L, "Netty's buffer pool grew by " + nettyRise + " bytes while receiving 50 MB");

            Path stored = server.server().uploads().pathOf(data.getString("file_id"));
            assertEquals(FILE_BYTES, Files.size(stored));
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            try (InputStream in = new SequenceInputStream(new ByteArrayInputStream(header),
                    Multipart.generated(FILE_BYTES - header.length, 5, null))) {
                byte[] buf = new byte[1 << 16];
                for (int n; (n = in.read(buf)) > 0; ) {
                    sha.update(buf, 0, n);
                }
            }
            assertEquals(HexFormat.of().formatHex(sha.digest()), storedSha(server, data.getString("file_id")),
                    "the stored file is the sent one");
        }
    }

    private static String storedSha(TestServer server, String id) {
        return server.server().database().jdbi().withHandle(h -> h.createQuery("SELECT sha256 FROM uploads WHERE id = :id")
                .bind("id", id).mapTo(String.class).one());
    }

    /** Bytes Netty's default pooled allocator holds (direct and heap arenas). */
    private static long nettyPoolBytes() {
        if (io.netty.buffer.ByteBufAllocator.DEFAULT instanceof io.netty.buffer.ByteBufAllocatorMetricProvider p) {
            return p.metric().usedDirectMemory() + p.metric().usedHeapMemory();
        }
        throw new AssertionError("Netty's default allocator reports no metric: " + io.netty.buffer.ByteBufAllocator.DEFAULT);
    }

    private static long usedHeapAfterGc() {
        MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return mem.getHeapMemoryUsage().getUsed();
    }
}
