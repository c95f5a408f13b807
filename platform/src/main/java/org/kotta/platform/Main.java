package org.kotta.platform;

/**
 * {@code bin/kotta-start web-server|task-executor}: the process an instance runs, wired by
 * the environment ({@link org.kotta.platform.core.Wiring}).
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws Exception {
        String role = args.length == 0 ? "" : args[0];
        switch (role) {
            case "web-server" -> org.kotta.platform.web.WebServer.start(org.kotta.platform.core.Wiring.fromEnvironment()).serveForever();
            case "task-executor" -> throw new UnsupportedOperationException("task executor: not built yet");
            default -> {
                System.err.println("usage: kotta-start web-server|task-executor");
                System.exit(2);
            }
        }
    }
}
