package org.kotta.platform;

import org.kotta.platform.executor.TaskExecutor;

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
            case "web-server" -> throw new UnsupportedOperationException("web server: not built yet");
            case "task-executor" -> TaskExecutor.runFromEnvironment();
            default -> {
                System.err.println("usage: kotta-start web-server|task-executor");
                System.exit(2);
            }
        }
    }
}
