package org.kotta.deployer.localcloud.bench;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.kotta.deployer.core.Settings;
import org.kotta.deployer.localcloud.LocalLambdaContext;

/**
 * The main of one cold-start run, in a fresh JVM with the function's own class path (the
 * unzipped Lambda artifact) and flags: builds the handler with its {@code (Settings)}
 * constructor from this process's environment (the deployed function's), invokes it once
 * with the event, reports, then invokes it {@code warm} more times. Reports go to stderr as
 * lines starting {@value #MARK}; the handler's own log lines go to stdout.
 *
 * <p>Arguments: handler class, event file, number of warm invocations.
 */
public final class HandlerProbe {
    static final String MARK = "@@bench ";

    private HandlerProbe() {}

    public static void main(String[] args) throws Exception {
        long entered = System.nanoTime();
        PrintStream report = System.err;
        String className = args[0];
        byte[] event = Files.readAllBytes(Path.of(args[1]));
        int warm = Integer.parseInt(args[2]);

        RequestStreamHandler handler = (RequestStreamHandler)
                Class.forName(className).getConstructor(Settings.class).newInstance(new Settings(System.getenv()));
        long constructed = System.nanoTime();
        Map<String, Long> before = CallCounter.snapshot();
        String first = invoke(handler, event);
        long answered = System.nanoTime();
        report.println(
                MARK + "first constructMs=" + ms(constructed - entered) + " invokeMs=" + ms(answered - constructed)
                        + " calls=" + CallCounter.since(before).toString().replace(' ', '_'));
        report.flush();

        List<Double> warmMs = new ArrayList<>();
        Map<String, Long> beforeWarm = CallCounter.snapshot();
        for (int i = 0; i < warm; i++) {
            long start = System.nanoTime();
            invoke(handler, event);
            warmMs.add(ms(System.nanoTime() - start));
        }
        Map<String, Long> warmCalls = CallCounter.since(beforeWarm);
        report.println(MARK + "warm ms=" + warmMs.toString().replace(" ", "") + " calls="
                + warmCalls.toString().replace(' ', '_'));
        report.println(MARK + "rss vmHwmKb=" + status("VmHWM"));
        report.println(MARK + "reply " + first.replace('\n', ' '));
        report.flush();
        System.exit(0);
    }

    private static String invoke(RequestStreamHandler handler, byte[] event) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(
                new ByteArrayInputStream(event),
                out,
                new LocalLambdaContext(System.getenv().getOrDefault("AWS_LAMBDA_FUNCTION_NAME", "bench"), "bench"));
        return out.toString(StandardCharsets.UTF_8);
    }

    private static double ms(long nanos) {
        return Math.round(nanos / 10_000.0) / 100.0;
    }

    private static long status(String field) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }
}
