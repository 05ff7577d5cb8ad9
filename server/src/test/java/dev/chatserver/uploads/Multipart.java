package dev.chatserver.uploads;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * A hand-built {@code multipart/form-data} body for java.net.http: small fields and one file part whose content
 * is either bytes or a generated stream (so a test never holds a 50 MB body in memory).
 */
final class Multipart {
    final String boundary = "----chat-test-" + Long.toHexString(System.nanoTime());
    private final List<byte[]> fieldParts = new ArrayList<>();
    private String fileField = "file";
    private String fileName;
    private String fileType = "application/octet-stream";
    private Supplier<InputStream> fileContent;
    private long fileLength;

    Multipart field(String name, String value) {
        fieldParts.add(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n")
                .getBytes(StandardCharsets.UTF_8));
        return this;
    }

    Multipart file(String name, String type, byte[] content) {
        return file(name, type, () -> new java.io.ByteArrayInputStream(content), content.length);
    }

    Multipart file(String name, String type, Supplier<InputStream> content, long length) {
        this.fileName = name;
        this.fileType = type;
        this.fileContent = content;
        this.fileLength = length;
        return this;
    }

    /** The file part under another field name. */
    Multipart fileField(String field) {
        this.fileField = field;
        return this;
    }

    String contentType() {
        return "multipart/form-data; boundary=" + boundary;
    }

    private byte[] head() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        fieldParts.forEach(out::writeBytes);
        if (fileContent != null) {
            String disposition = "form-data; name=\"" + fileField + "\"" + (fileName == null ? "" : "; filename=\""
                    + fileName.replace("\"", "%22") + "\"");
            out.writeBytes(("--" + boundary + "\r\nContent-Disposition: " + disposition + "\r\nContent-Type: " + fileType
                    + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    private byte[] tail() {
        return ((fileContent != null ? "\r\n" : "") + "--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
    }

    /** Total body length, bytes. */
    long length() {
        return head().length + (fileContent == null ? 0 : fileLength) + tail().length;
    }

    InputStream stream() {
        InputStream file = fileContent == null ? InputStream.nullInputStream() : fileContent.get();
        return new SequenceInputStream(new SequenceInputStream(new java.io.ByteArrayInputStream(head()), file),
                new java.io.ByteArrayInputStream(tail()));
    }

    byte[] bytes() {
        try (InputStream in = stream()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A publisher with Content-Length. */
    HttpRequest.BodyPublisher publisher() {
        return HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(this::stream), length());
    }

    /** A publisher without a length: the request goes out with {@code Transfer-Encoding: chunked}. */
    HttpRequest.BodyPublisher chunkedPublisher() {
        return HttpRequest.BodyPublishers.ofInputStream(this::stream);
    }

    /** A generated stream of {@code length} pseudo-random bytes (same seed, same bytes) with a callback per MB. */
    static InputStream generated(long length, long seed, java.util.function.LongConsumer progress) {
        return new InputStream() {
            private final java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
            private long pos;

            @Override
            public int read() {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (pos >= length) {
                    return -1;
                }
                int n = (int) Math.min(len, length - pos);
                for (int i = 0; i < n; i++) {
                    b[off + i] = (byte) random.nextInt(256);
                }
                long before = pos >> 20;
                pos += n;
                if (progress != null && (pos >> 20) != before) {
                    progress.accept(pos);
                }
                return n;
            }
        };
    }
}
