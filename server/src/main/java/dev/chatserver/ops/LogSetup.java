package dev.chatserver.ops;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.Layout;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.rolling.FixedWindowRollingPolicy;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.TriggeringPolicyBase;
import dev.chatserver.config.LogSettings;
import java.io.File;
import org.slf4j.LoggerFactory;

/**
 * Sets up logback from {@link LogSettings} at start (programmatically: the settings come from the same precedence as
 * every other setting, -D &gt; env &gt; .env &gt; config.properties, which logback.xml cannot read). Replaces the
 * default of the jar's {@code logback.xml}.
 *
 * <ul>
 *   <li>format {@code text}: {@code 2026-01-31T12:00:00.123Z [thread] LEVEL logger - message}; {@code json}: one
 *       object per line ({@link JsonLineLayout});</li>
 *   <li>no file: standard error; a file: logback's {@link RollingFileAppender} with a {@link FixedWindowRollingPolicy}
 *       ({@code <file>.1} newest .. {@code <file>.<maxFiles>}, the oldest dropped) and a trigger at {@code maxBytes};</li>
 *   <li>level: the root level ({@code debug} when {@code debug} is set; Netty then stays at INFO).</li>
 * </ul>
 */
public final class LogSetup {
    private LogSetup() {
    }

    /**
     * Replaces the logging configuration.
     *
     * @param debug {@code DEBUG=true} (seeds 001, 003): the level becomes {@code debug}
     * @throws IllegalStateException when the log file cannot be opened (the message names it), or when the slf4j
     *     binding is not logback
     */
    public static void apply(LogSettings settings, boolean debug) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) {
            throw new IllegalStateException("logging is not logback: " + LoggerFactory.getILoggerFactory().getClass().getName());
        }
        ctx.reset();
        Layout<ILoggingEvent> layout;
        if (settings.json()) {
            layout = new JsonLineLayout();
        } else {
            PatternLayout p = new PatternLayout();
            p.setPattern("%d{yyyy-MM-dd'T'HH:mm:ss.SSS'Z',UTC} [%thread] %-5level %logger - %msg%n");
            layout = p;
        }
        layout.setContext(ctx);
        layout.start();
        LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
        encoder.setContext(ctx);
        encoder.setLayout(layout);
        encoder.start();
        OutputStreamAppender<ILoggingEvent> appender;
        if (settings.file().isEmpty()) {
            ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
            console.setTarget("System.err");
            appender = console;
        } else {
            appender = rolling(ctx, settings);
        }
        appender.setName(settings.file().isEmpty() ? "stderr" : "file");
        appender.setContext(ctx);
        appender.setEncoder(encoder);
        appender.start();
        if (!appender.isStarted()) {
            ctx.reset();
            throw new IllegalStateException("cannot write the log file " + new File(settings.file()).getAbsolutePath());
        }
        Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(debug ? Level.DEBUG : Level.toLevel(settings.level(), Level.INFO));
        if (debug) {
            ctx.getLogger("io.netty").setLevel(Level.INFO);
        }
        root.addAppender(appender);
    }

    private static RollingFileAppender<ILoggingEvent> rolling(LoggerContext ctx, LogSettings settings) {
        RollingFileAppender<ILoggingEvent> file = new RollingFileAppender<>();
        file.setContext(ctx);
        file.setFile(settings.file());
        FixedWindowRollingPolicy window = new FixedWindowRollingPolicy();
        window.setContext(ctx);
        window.setParent(file);
        window.setFileNamePattern(settings.file() + ".%i");
        window.setMinIndex(1);
        window.setMaxIndex(settings.maxFiles());
        window.start();
        SizeTrigger trigger = new SizeTrigger(settings.maxBytes());
        trigger.setContext(ctx);
        trigger.start();
        file.setRollingPolicy(window);
        file.setTriggeringPolicy(trigger);
        return file;
    }

    /**
     * Rotates once the file holds {@code maxBytes}. Logback's own {@code SizeBasedTriggeringPolicy} looks at the size at
     * most every 60 ms, so a burst can overshoot by what is written meanwhile; this one checks the length (one
     * {@code stat}) on every event, so a rotated file holds at most {@code maxBytes} plus one line.
     */
    static final class SizeTrigger extends TriggeringPolicyBase<ILoggingEvent> {
        private final long maxBytes;

        SizeTrigger(long maxBytes) {
            this.maxBytes = maxBytes;
        }

        @Override
        public boolean isTriggeringEvent(File activeFile, ILoggingEvent event) {
            return activeFile.length() >= maxBytes;
        }
    }
}
