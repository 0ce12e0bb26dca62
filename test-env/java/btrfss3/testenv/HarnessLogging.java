package btrfss3.testenv;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Keeps logs quiet: S3Proxy and its Jetty off, everything else (AWS SDK, Apache HttpClient...) at WARN, because
 * Logback, which S3Proxy brings onto the test class path, logs everything at DEBUG when it has no configuration.
 * BTRFSS3_HARNESS_DEBUG=1 leaves every logger at DEBUG.
 */
public final class HarnessLogging {
    public static final String DEBUG_ENV = "BTRFSS3_HARNESS_DEBUG";
    private static final AtomicBoolean DONE = new AtomicBoolean();

    private HarnessLogging() {}

    public static boolean debug() {
        String v = System.getenv(DEBUG_ENV);
        return v != null && !v.isBlank() && !v.equals("0") && !v.equalsIgnoreCase("false");
    }

    public static void init() {
        if (!DONE.compareAndSet(false, true)) {
            return;
        }
        try {
            Object factory = org.slf4j.LoggerFactory.getILoggerFactory();
            if (!(factory instanceof ch.qos.logback.classic.LoggerContext ctx)) {
                return;
            }
            if (debug()) {
                ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(ch.qos.logback.classic.Level.DEBUG);
                return;
            }
            ch.qos.logback.classic.Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
            if (root.getLevel() == null || root.getLevel().toInt() < ch.qos.logback.classic.Level.WARN.toInt()) {
                root.setLevel(ch.qos.logback.classic.Level.WARN);
            }
            ctx.getLogger("org.gaul").setLevel(ch.qos.logback.classic.Level.OFF);
            ctx.getLogger("org.eclipse.jetty").setLevel(ch.qos.logback.classic.Level.OFF);
        } catch (LinkageError e) {
            // no SLF4J or no Logback on the class path: nothing to configure
        }
    }
}
