/** Polls (seed 001 {@code create_poll}, {@code vote_poll}): rules and result payloads. */
package dev.chatserver.polls;
