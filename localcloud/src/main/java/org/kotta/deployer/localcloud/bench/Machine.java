package org.kotta.deployer.localcloud.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** What the numbers were measured on: CPU, memory, OS, and the versions of everything in the path. */
final class Machine {
    private Machine() {}

    static BenchResults.MachineInfo describe(Path root) {
        return new BenchResults.MachineInfo(
                firstMatch(Path.of("/proc/cpuinfo"), "model name"),
                Runtime.getRuntime().availableProcessors(),
                firstMatch(Path.of("/proc/meminfo"), "MemTotal"),
                System.getProperty("os.name") + " " + System.getProperty("os.version"),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
                command(root, List.of(root.resolve(".venv/bin/python").toString(), "--version")),
                pin(root, "ministack"),
                pin(root, "awscli"),
                command(root, List.of("git", "rev-parse", "--short", "HEAD"))
                        + (command(root, List.of("git", "status", "--porcelain", "--untracked-files=no"))
                                        .isBlank()
                                ? ""
                                : " (with uncommitted changes)"));
    }

    private static String firstMatch(Path file, String key) {
        try {
            return Files.readAllLines(file).stream()
                    .filter(l -> l.startsWith(key))
                    .map(l -> l.substring(l.indexOf(':') + 1).strip())
                    .findFirst()
                    .orElse("?");
        } catch (IOException e) {
            return "?";
        }
    }

    private static String pin(Path root, String name) {
        try {
            return Files.readAllLines(root.resolve("requirements-local.txt")).stream()
                    .filter(l -> l.startsWith(name + "=="))
                    .map(l -> l.substring(name.length() + 2))
                    .findFirst()
                    .orElse("?");
        } catch (IOException e) {
            return "?";
        }
    }

    private static String command(Path root, List<String> command) {
        try {
            Process p = new ProcessBuilder(command)
                    .directory(root.toFile())
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            p.waitFor();
            return out;
        } catch (IOException | InterruptedException e) {
            return "?";
        }
    }
}
