package dev.chatserver.config;

/**
 * Seed 004's shared TOTP gate.
 *
 * @param enabled on when {@code CHAT_TOTP_GATE=true} or {@code TOTP_SECRET} is set
 * @param secret  {@code TOTP_SECRET} (base32), or empty to generate one on first start and keep it
 * @param user    {@code TOTP_USER}: the account label in the authenticator app
 * @param issuer  {@code TOTP_ISSUER_NAME}: the issuer shown in the app
 */
public record GateSettings(boolean enabled, String secret, String user, String issuer) {
    /** Off. */
    public static final GateSettings OFF = new GateSettings(false, "", "chat_user", "Secure Chat");
}
