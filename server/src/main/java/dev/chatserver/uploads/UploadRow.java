package dev.chatserver.uploads;

/**
 * A row of {@code uploads} (schema.sql).
 *
 * @param id         32 hex digits (128 random bits); also the file's name under the uploads directory
 * @param name       sanitised original name
 * @param type       media type found from the content, e.g. {@code image/png}
 * @param kind       canonical kind ({@link FileKind#canonical()})
 * @param size       bytes
 * @param sha256     hex digest of the content
 * @param token      uploader's secret token
 * @param username   uploader's name at upload time
 * @param room       room named at upload, or null
 * @param uploaderIp uploader's IP
 * @param width      images: pixels, else null
 * @param height     images: pixels, else null
 * @param createdAt  epoch ms
 * @param sharedAt   epoch ms of the first share in a message, or null (an orphan candidate)
 */
public record UploadRow(String id, String name, String type, String kind, long size, String sha256, String token,
                        String username, String room, String uploaderIp, Integer width, Integer height, long createdAt,
                        Long sharedAt) {
}
