/**
 * File sharing (issue #5; seeds 000 and 001): streaming multipart uploads to disk
 * ({@link dev.chatserver.uploads.UploadRequest}), content checks by magic bytes
 * ({@link dev.chatserver.uploads.ContentSniffer}), the rules ({@link dev.chatserver.uploads.UploadService}),
 * safe downloads with ranges ({@link dev.chatserver.uploads.DownloadRoute}), per-user rate limits
 * ({@link dev.chatserver.security.RateLimiter}) and the orphan sweeper. Sharing a file in a room is the
 * {@code file_share} command of {@code realtime/ChatCommands}.
 */
package dev.chatserver.uploads;
