package org.kotta.deployer.localcloud.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The functions template.yaml declares — logical id, handler class, memory — and the JVM
 * options its Globals set, read line by line (the template's own layout: two-space
 * resources, {@code Handler:} and {@code MemorySize:} under their properties).
 */
public record TemplateFunctions(List<Function> functions, String javaToolOptions) {

    public record Function(String logicalId, String handlerClass, int memoryMb) {}

    public static TemplateFunctions read(Path template) throws IOException {
        List<String> lines = Files.readAllLines(template);
        int defaultMemory = 128;
        String toolOptions = "";
        boolean inGlobals = false;
        for (String line : lines) {
            if (!line.startsWith(" ") && !line.isBlank()) {
                inGlobals = line.startsWith("Globals:");
            }
            String t = line.strip();
            if (inGlobals && t.startsWith("MemorySize:")) {
                defaultMemory = Integer.parseInt(value(t));
            }
            if (inGlobals && t.startsWith("JAVA_TOOL_OPTIONS:")) {
                toolOptions = value(t);
            }
        }
        List<Function> functions = new ArrayList<>();
        String resource = null;
        String handler = null;
        int memory = defaultMemory;
        boolean inResources = false;
        for (String line : lines) {
            if (!line.startsWith(" ") && !line.isBlank() && !line.startsWith("#")) {
                inResources = line.startsWith("Resources:");
            }
            if (!inResources) {
                continue;
            }
            if (line.matches("  [A-Za-z0-9]+:\\s*")) {
                if (handler != null) {
                    functions.add(new Function(resource, handler, memory));
                }
                resource = line.strip().replace(":", "");
                handler = null;
                memory = defaultMemory;
            }
            String t = line.strip();
            if (t.startsWith("Handler:")) {
                handler = value(t).split("::")[0];
            }
            if (t.startsWith("MemorySize:")) {
                memory = Integer.parseInt(value(t));
            }
        }
        if (handler != null) {
            functions.add(new Function(resource, handler, memory));
        }
        return new TemplateFunctions(List.copyOf(functions), toolOptions);
    }

    private static String value(String line) {
        return line.substring(line.indexOf(':') + 1).strip();
    }
}
