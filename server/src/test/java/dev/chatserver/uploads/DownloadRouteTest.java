package dev.chatserver.uploads;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The pure parts of downloads: Range parsing (RFC 9110, one range) and Content-Disposition. */
class DownloadRouteTest {
    @Test
    void singleRangesAreParsed() throws Exception {
        assertArrayEquals(new long[] {0, 99}, DownloadRoute.parseRange("bytes=0-99", 1000));
        assertArrayEquals(new long[] {500, 999}, DownloadRoute.parseRange("bytes=500-", 1000));
        assertArrayEquals(new long[] {900, 999}, DownloadRoute.parseRange("bytes=-100", 1000));
        assertArrayEquals(new long[] {0, 999}, DownloadRoute.parseRange("bytes=-5000", 1000));
        assertArrayEquals(new long[] {990, 999}, DownloadRoute.parseRange("bytes=990-5000", 1000), "end clamped");
        assertArrayEquals(new long[] {999, 999}, DownloadRoute.parseRange("BYTES=999-999", 1000));
    }

    @Test
    void rangesThatCannotBeServedGiveTheWholeFileOr416() {
        assertNull(assertDoesNotThrow("bytes=0-1,5-6"), "several ranges: whole file");
        assertNull(assertDoesNotThrow("items=0-1"));
        assertNull(assertDoesNotThrow("bytes=5-2"));
        assertNull(assertDoesNotThrow("bytes=abc"));
        assertNull(assertDoesNotThrow(null));
        assertThrows(DownloadRoute.UnsatisfiableRangeException.class, () -> DownloadRoute.parseRange("bytes=1000-", 1000));
        assertThrows(DownloadRoute.UnsatisfiableRangeException.class, () -> DownloadRoute.parseRange("bytes=2000-3000", 1000));
        assertThrows(DownloadRoute.UnsatisfiableRangeException.class, () -> DownloadRoute.parseRange("bytes=-0", 1000));
    }

    private static long[] assertDoesNotThrow(String header) {
        try {
            return DownloadRoute.parseRange(header, 1000);
        } catch (DownloadRoute.UnsatisfiableRangeException e) {
            throw new AssertionError(header + " was unsatisfiable");
        }
    }

    @Test
    void mediaIsInlineEverythingElseAnAttachmentWithBothNameForms() {
        assertEquals("inline; filename=\"a.png\"; filename*=UTF-8''a.png", DownloadRoute.contentDisposition("image/png", "a.png"));
        assertEquals("inline; filename=\"v.webm\"; filename*=UTF-8''v.webm", DownloadRoute.contentDisposition("audio/webm", "v.webm"));
        assertEquals("attachment; filename=\"____ a_b.pdf\"; filename*=UTF-8''%D8%B3%D9%84%D8%A7%D9%85%20a%22b.pdf",
                DownloadRoute.contentDisposition("application/pdf", "سلام a\"b.pdf"));
        assertEquals("attachment; filename=\"x.txt\"; filename*=UTF-8''x.txt",
                DownloadRoute.contentDisposition("text/plain; charset=utf-8", "x.txt"));
    }
}
