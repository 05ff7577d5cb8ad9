package dev.chatserver.admin;

import at.favre.lib.crypto.bcrypt.BCrypt;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * The configured admin password check (seed 000): a hash from {@code CHAT_ADMIN_PASS_HASH} when set, bcrypt
 * ({@code $2a$}/{@code $2b$}/{@code $2y$}) or Werkzeug's {@code pbkdf2:<sha1|sha256|sha512>:<iterations>$<salt>$<hex>}
 * (verified with the JDK's PBKDF2WithHmacSHA*, salt as its UTF-8 bytes like Werkzeug), else the plain
 * {@code CHAT_ADMIN_PASS}. Comparisons are constant time. Hash checks are slow by design: blocking executor only.
 */
public final class AdminPassword {
    private final String plain;
    private final String hash;

    /** @param plain the plain password (used only when {@code hash} is empty); @param hash a hash, or empty */
    public AdminPassword(String plain, String hash) {
        this.plain = plain;
        this.hash = hash == null ? "" : hash.trim();
    }

    /** Whether the built-in default password ({@code root}) is in use: the server warns loudly at start. */
    public boolean isDefault() {
        return hash.isEmpty() && "root".equals(plain);
    }

    /** @return whether {@code password} is the admin password; a malformed hash matches nothing */
    public boolean matches(String password) {
        if (password == null) {
            return false;
        }
        if (hash.isEmpty()) {
            return MessageDigest.isEqual(sha256(password), sha256(plain));
        }
        if (hash.startsWith("$2")) {
            try {
                return BCrypt.verifyer().verify(password.getBytes(StandardCharsets.UTF_8), hash.getBytes(StandardCharsets.UTF_8)).verified;
            } catch (RuntimeException e) {
                return false;
            }
        }
        return werkzeugPbkdf2(password, hash);
    }

    /** Verifies Werkzeug's {@code pbkdf2:sha256:600000$salt$hex} format. */
    static boolean werkzeugPbkdf2(String password, String stored) {
        String[] parts = stored.split("\\$", 3);
        if (parts.length != 3) {
            return false;
        }
        String[] method = parts[0].split(":");
        if (method.length != 3 || !method[0].equals("pbkdf2")) {
            return false;
        }
        String algorithm = switch (method[1]) {
            case "sha1" -> "PBKDF2WithHmacSHA1";
            case "sha256" -> "PBKDF2WithHmacSHA256";
            case "sha512" -> "PBKDF2WithHmacSHA512";
            default -> null;
        };
        if (algorithm == null) {
            return false;
        }
        try {
            int iterations = Integer.parseInt(method[2]);
            byte[] expected = HexFormat.of().parseHex(parts[2]);
            if (iterations < 1 || expected.length == 0) {
                return false;
            }
            // Werkzeug hashes the password's and the salt's UTF-8 bytes; PBEKeySpec takes chars and encodes them as UTF-8
            // for the HMAC key in the JDK's PBKDF2 implementation.
            PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), parts[1].getBytes(StandardCharsets.UTF_8),
                    iterations, expected.length * 8);
            byte[] actual = SecretKeyFactory.getInstance(algorithm).generateSecret(spec).getEncoded();
            return MessageDigest.isEqual(actual, expected);
        } catch (Exception e) {
            return false;
        }
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
