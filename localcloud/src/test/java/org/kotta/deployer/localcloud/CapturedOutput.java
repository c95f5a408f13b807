package org.kotta.deployer.localcloud;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.kotta.deployer.core.Json;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Copies what the function host's handlers print (they run in this JVM and log JSON lines to
 * System.out, as in Lambda) while a test runs, still printing it.
 */
final class CapturedOutput implements AutoCloseable {
    private final PrintStream original = System.out;
    private final ByteArrayOutputStream copy = new ByteArrayOutputStream();

    CapturedOutput() {
        OutputStream tee = new OutputStream() {
            @Override
            public void write(int b) {
                synchronized (copy) {
                    copy.write(b);
                }
                original.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                synchronized (copy) {
                    copy.write(b, off, len);
                }
                original.write(b, off, len);
            }
        };
        System.setOut(new PrintStream(tee, true, StandardCharsets.UTF_8));
    }

    /** The JSON log lines printed so far. */
    List<JsonNode> jsonLines() {
        String text;
        synchronized (copy) {
            text = copy.toString(StandardCharsets.UTF_8);
        }
        return text.lines().filter(line -> line.startsWith("{")).map(line -> {
            try {
                return Json.MAPPER.readTree(line);
            } catch (java.io.IOException notJson) {
                return null;
            }
        }).filter(java.util.Objects::nonNull).toList();
    }

    @Override
    public void close() {
        System.out.flush();
        System.setOut(original);
    }
}
