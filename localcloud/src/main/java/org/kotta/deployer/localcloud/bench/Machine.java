package org.kotta.deployer.localcloud.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.kotta.deployer.core.Json;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** What the numbers were measured on: CPU, memory, OS, and the versions of everything in the path. */
final class Machine {
    private Machine() {
    }

    static ObjectNode describe(Path root) {
        ObjectNode m = Json.MAPPER.createObjectNode();
        m.put("cpu", firstMatch(Path.of("/proc/cpuinfo"), "model name"));
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("memory", firstMatch(Path.of("/proc/meminfo"), "MemTotal"));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        m.put("python", command(root, List.of(root.resolve(".venv/bin/python").toString(), "--version")));
        m.put("ministack", pin(root, "ministack"));
        m.put("awscli", pin(root, "awscli"));
        m.put("commit", command(root, List.of("git", "rev-parse", "--short", "HEAD"))
                + (command(root, List.of("git", "status", "--porcelain", "--untracked-files=no")).isBlank() ? "" : " (with uncommitted changes)"));
        return m;
    }

    private static String firstMatch(Path file, String key) {
        try {
            return Files.readAllLines(file).stream().filter(l -> l.startsWith(key))
                    .map(l -> l.substring(l.indexOf(':') + 1).strip()).findFirst().orElse("?");
        } catch (IOException e) {
            return "?";
        }
    }

    private static String pin(Path root, String name) {
        try {
            return Files.readAllLines(root.resolve("requirements-local.txt")).stream()
                    .filter(l -> l.startsWith(name + "==")).map(l -> l.substring(name.length() + 2)).findFirst()
                    .orElse("?");
        } catch (IOException e) {
            return "?";
        }
    }

    private static String command(Path root, List<String> command) {
        try {
            Process p = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            p.waitFor();
            return out;
        } catch (IOException | InterruptedException e) {
            return "?";
        }
    }
}
