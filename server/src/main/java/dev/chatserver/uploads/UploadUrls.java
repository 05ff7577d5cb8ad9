package dev.chatserver.uploads;

/** The HTTP paths of file sharing (seed 001 names), written once. */
public final class UploadUrls {
    /** {@code POST}: multipart upload (form field {@code file}, optional {@code room}). */
    public static final String UPLOAD = "/api/upload_file";
    /** {@code GET}/{@code HEAD}: download by id. */
    public static final String DOWNLOAD_PATTERN = "/api/download_file/{id}";
    /** {@code GET}: the limits the page needs before uploading. */
    public static final String LIMITS = "/api/upload_limits";

    private UploadUrls() {
    }

    /** @return the same-origin download URL of an upload id, e.g. {@code /api/download_file/0a1b...} */
    public static String download(String id) {
        return "/api/download_file/" + id;
    }
}
