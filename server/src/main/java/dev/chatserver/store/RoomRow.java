package dev.chatserver.store;

/** A row of {@code rooms}: code, display name, host's secret token, created epoch ms (seed 000). */
public record RoomRow(String code, String name, String hostToken, long createdAt) {
}
