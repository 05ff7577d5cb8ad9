package dev.chatserver.support;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The repository's documents as tests read them, so that what the docs tell people to copy (nginx sites, the systemd
 * unit, its JVM options) is what the tests run.
 */
public final class RepoDocs {
    private RepoDocs() {
    }

    /** @param doc path relative to the repository root, e.g. {@code docs/deploy.md}; @return its text */
    public static String read(String doc) throws IOException {
        return Files.readString(Path.of(System.getProperty("basedir", "")).toAbsolutePath().resolve(doc));
    }

    /**
     * The first fenced block of a language after {@code marker} in a document.
     *
     * @param doc      path relative to the repository root
     * @param language the fence's language, e.g. {@code nginx}, {@code ini}
     * @param marker   text before the block ("" = the first such block of the document)
     * @throws AssertionError when the marker or the block is gone
     */
    public static String fencedBlock(String doc, String language, String marker) throws IOException {
        String text = read(doc);
        int at = text.indexOf(marker);
        assertTrue(at >= 0, doc + " has lost its tested " + language + " block marker: " + marker);
        String fence = "```" + language + "\n";
        int start = text.indexOf(fence, at);
        assertTrue(start >= 0, doc + " has no " + language + " block after: " + marker);
        start += fence.length();
        return text.substring(start, text.indexOf("```", start));
    }
}
