package dev.chatserver.auth;

import dev.samstevens.totp.code.CodeGenerator;
import dev.samstevens.totp.code.DefaultCodeGenerator;
import dev.samstevens.totp.code.HashingAlgorithm;
import dev.samstevens.totp.exceptions.CodeGenerationException;
import dev.samstevens.totp.exceptions.QrGenerationException;
import dev.samstevens.totp.qr.QrData;
import dev.samstevens.totp.qr.ZxingPngQrGenerator;
import dev.samstevens.totp.secret.DefaultSecretGenerator;
import dev.samstevens.totp.util.Utils;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.OptionalLong;

/**
 * TOTP (RFC 6238, SHA-1, 6 digits, 30 s) with dev.samstevens totp: secrets, otpauth QR codes as PNG data
 * URIs, and verification that accepts the current step +/- one and reports which step matched, so callers
 * can refuse a code used before (seed 004).
 */
public final class TotpService {
    /** Step length, seconds. */
    public static final int PERIOD_S = 30;
    private final Clock clock;
    private final CodeGenerator codes = new DefaultCodeGenerator(HashingAlgorithm.SHA1, 6);
    private final DefaultSecretGenerator secrets = new DefaultSecretGenerator(32);

    public TotpService(Clock clock) {
        this.clock = clock;
    }

    /** @return a new base32 secret (160 bits) */
    public String newSecret() {
        return secrets.generate();
    }

    /**
     * @param label  account name shown in the authenticator app
     * @param issuer issuer shown in the app
     * @return the otpauth QR code as a {@code data:image/png;base64,...} URI
     * @throws IllegalStateException if the QR code cannot be drawn
     */
    public String qrDataUri(String secret, String label, String issuer) {
        QrData data = new QrData.Builder().label(label).secret(secret).issuer(issuer)
                .algorithm(HashingAlgorithm.SHA1).digits(6).period(PERIOD_S).build();
        try {
            ZxingPngQrGenerator gen = new ZxingPngQrGenerator();
            return Utils.getDataUriForImage(gen.generate(data), gen.getImageMimeType());
        } catch (QrGenerationException e) {
            throw new IllegalStateException("QR code generation failed", e);
        }
    }

    /** The otpauth URI (for clients that cannot scan). */
    public String otpauthUri(String secret, String label, String issuer) {
        return new QrData.Builder().label(label).secret(secret).issuer(issuer)
                .algorithm(HashingAlgorithm.SHA1).digits(6).period(PERIOD_S).build().getUri();
    }

    /**
     * @param code the 6 digits as typed (spaces ignored)
     * @return the matching 30 s step (current, previous or next), or empty when the code is wrong
     */
    public OptionalLong matchStep(String secret, String code) {
        if (secret == null || code == null) {
            return OptionalLong.empty();
        }
        String c = code.replace(" ", "");
        if (!c.matches("\\d{6}")) {
            return OptionalLong.empty();
        }
        long step = Math.floorDiv(clock.millis() / 1000, PERIOD_S);
        for (long s = step - 1; s <= step + 1; s++) {
            try {
                String expected = codes.generate(secret, s);
                if (MessageDigest.isEqual(expected.getBytes(), c.getBytes())) {
                    return OptionalLong.of(s);
                }
            } catch (CodeGenerationException e) {
                return OptionalLong.empty();
            }
        }
        return OptionalLong.empty();
    }

    /** The code for the current step (tests and the setup page's self-check). */
    public String currentCode(String secret) {
        try {
            return codes.generate(secret, Math.floorDiv(clock.millis() / 1000, PERIOD_S));
        } catch (CodeGenerationException e) {
            throw new IllegalStateException(e);
        }
    }
}
