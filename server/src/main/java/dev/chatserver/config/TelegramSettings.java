package dev.chatserver.config;

/**
 * Telegram alerts (seed 004): critical security events are sent with the Bot API's {@code sendMessage}.
 *
 * @param botToken {@code TELEGRAM_BOT_TOKEN}, or empty when off
 * @param chatId   {@code TELEGRAM_CHAT_ID}
 * @param apiBase  Bot API base URL (config {@code telegramApiBase}; tests point it at a local receiver)
 */
public record TelegramSettings(String botToken, String chatId, String apiBase) {
    /** Off. */
    public static final TelegramSettings NONE = new TelegramSettings("", "", "https://api.telegram.org");

    /** Whether alerts go to Telegram (both the token and the chat id are set). */
    public boolean enabled() {
        return !botToken.isBlank() && !chatId.isBlank();
    }
}
