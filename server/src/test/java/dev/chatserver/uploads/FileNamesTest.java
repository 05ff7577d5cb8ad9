package dev.chatserver.uploads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** FileNames.sanitize: only a last path segment survives, nothing that could act as a path or hide its text. */
class FileNamesTest {
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiterString = " -> ", value = {
            "../../etc/passwd.txt -> passwd.txt",
            "..\\..\\windows\\win.ini -> win.ini",
            "/absolute/path/photo.png -> photo.png",
            "C:\\Users\\me\\photo.png -> photo.png",
            ".. -> ''",
            "... -> ''",
            ".hidden.txt -> hidden.txt",
            "name.txt. -> name.txt",
            "  spaced   out  name .pdf  -> spaced out name .pdf",
            "a<b>c:d\"e|f?g*h.txt -> a_b_c_d_e_f_g_h.txt",
            "CON.txt -> _CON.txt",
            "nul -> _nul",
            "سلام دنیا.txt -> سلام دنیا.txt",
            "报告.docx -> 报告.docx",
            "%2e%2e%2fetc.txt -> %2e%2e%2fetc.txt",
    })
    void sanitises(String raw, String expected) {
        assertEquals(expected, FileNames.sanitize(raw));
    }

    @Test
    void controlAndBidiCharactersAreRemoved() {
        assertEquals("invoicefdp.exe", FileNames.sanitize("invoice\u202Efdp.exe"), "no right-to-left override");
        assertEquals("ab.txt", FileNames.sanitize("a\u0000b\u0007.txt"));
        assertEquals("two lines.txt", FileNames.sanitize("two\nlines.txt"), "white space becomes one space");
        assertEquals("zero.txt", FileNames.sanitize("ze\u200Bro.txt"));
        assertEquals("", FileNames.sanitize(null));
    }

    @Test
    void longNamesAreCutKeepingTheExtension() {
        String s = FileNames.sanitize("x".repeat(500) + ".pdf");
        assertEquals(FileNames.MAX_CODE_POINTS, s.codePointCount(0, s.length()));
        assertTrue(s.endsWith(".pdf"));
        String emoji = FileNames.sanitize("😀".repeat(200) + ".png");
        assertEquals(FileNames.MAX_CODE_POINTS, emoji.codePointCount(0, emoji.length()));
        assertFalse(Character.isHighSurrogate(emoji.charAt(emoji.length() - 5)), "no half surrogate pair");
    }

    @Test
    void extensionIsTheAsciiSuffix() {
        assertEquals("PNG", FileNames.extension("a.b.PNG"));
        assertNull(FileNames.extension("noext"));
        assertNull(FileNames.extension("trailing."));
        assertNull(FileNames.extension("weird.ext with space"));
    }
}
