package dev.chatserver.uploads;

import java.text.Normalizer;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Sanitising client-supplied file names (seed 000: "automatic secure filenames"). The name is only ever shown
 * and offered in {@code Content-Disposition}; files are stored under a random id, so a name can never choose a
 * path. Unlike werkzeug's {@code secure_filename} this keeps non-Latin letters (seed 001 is in Persian).
 */
public final class FileNames {
    /** Longest name kept, in code points (the extension is kept when shortening). */
    public static final int MAX_CODE_POINTS = 120;
    private static final Pattern EXTENSION = Pattern.compile("[A-Za-z0-9]{1,10}");
    private static final Set<String> WINDOWS_RESERVED = Set.of("con", "prn", "aux", "nul", "com1", "com2", "com3", "com4",
            "com5", "com6", "com7", "com8", "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9");

    private FileNames() {
    }

    /**
     * @param raw the name as sent (may be null, a path, or contain anything)
     * @return the last path segment (after {@code /} or {@code \}), NFC-normalised, without control and
     *     format characters (so no bidi overrides), with {@code <>:"|?*} replaced by {@code _}, runs of white
     *     space collapsed, no leading or trailing dots or spaces, Windows device names prefixed with {@code _},
     *     at most {@value #MAX_CODE_POINTS} code points; the empty string when nothing is left
     */
    public static String sanitize(String raw) {
        if (raw == null) {
            return "";
        }
        String s = Normalizer.normalize(raw, Normalizer.Form.NFC);
        s = s.substring(Math.max(s.lastIndexOf('/'), s.lastIndexOf('\\')) + 1);
        StringBuilder b = new StringBuilder(s.length());
        boolean space = false;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            int type = Character.getType(cp);
            if (Character.isWhitespace(cp) || Character.isSpaceChar(cp)) {
                space = b.length() > 0;
                continue;
            }
            if (type == Character.CONTROL || type == Character.FORMAT || type == Character.SURROGATE
                    || type == Character.UNASSIGNED || type == Character.PRIVATE_USE) {
                continue;
            }
            if (space) {
                b.append(' ');
                space = false;
            }
            if ("<>:\"|?*".indexOf(cp) >= 0) {
                b.append('_');
            } else {
                b.appendCodePoint(cp);
            }
        }
        String out = strip(b.toString());
        if (out.isEmpty()) {
            return "";
        }
        String base = out.contains(".") ? out.substring(0, out.indexOf('.')) : out;
        if (WINDOWS_RESERVED.contains(base.toLowerCase(Locale.ROOT))) {
            out = "_" + out;
        }
        if (out.codePointCount(0, out.length()) > MAX_CODE_POINTS) {
            String ext = extension(out);
            String suffix = ext == null ? "" : "." + ext;
            int keep = MAX_CODE_POINTS - suffix.length();
            out = strip(out.substring(0, out.offsetByCodePoints(0, keep))) + suffix;
        }
        return out;
    }

    /** @return the extension (1-10 ASCII letters or digits after the last dot, not a leading dot), or null */
    public static String extension(String name) {
        int dot = name.lastIndexOf('.');
        if (dot <= 0 || dot == name.length() - 1) {
            return null;
        }
        String ext = name.substring(dot + 1);
        return EXTENSION.matcher(ext).matches() ? ext : null;
    }

    private static String strip(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && (s.charAt(start) == '.' || s.charAt(start) == ' ')) {
            start++;
        }
        while (end > start && (s.charAt(end - 1) == '.' || s.charAt(end - 1) == ' ')) {
            end--;
        }
        return s.substring(start, end);
    }
}
