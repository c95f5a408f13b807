package org.kotta.platform;

import org.kotta.platform.core.Wiring;
import org.kotta.platform.executor.TaskExecutor;
import org.kotta.platform.web.WebServer;

/**
 * {@code bin/kotta-start web-server|task-executor}: the process an instance runs, wired by
 * the environment ({@link Wiring}).
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws Exception {
        String role = args.length == 0 ? "" : args[0];
        switch (role) {
            case "web-server" -> WebServer.start(Wiring.fromEnvironment()).serveForever();
            case "task-executor" -> TaskExecutor.runFromEnvironment();
            default -> {
                System.err.println("usage: kotta-start web-server|task-executor");
                System.exit(2);
            }
        }
    }
}
