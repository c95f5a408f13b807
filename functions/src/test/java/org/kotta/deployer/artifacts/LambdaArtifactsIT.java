package org.kotta.deployer.artifacts;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.kotta.deployer.testing.RepoRoot;

/**
 * Reads each function's Lambda artifact ({@code functions/target/lambda/<LogicalId>.zip}, made
 * by {@code mvn package}): it holds exactly the SDK service modules its handler's classes refer
 * to (read from the artifact's own class files, {@link ClassReferences}) — none it does not call,
 * none missing — and only PackageAndUploadCode carries the platform release.
 */
class LambdaArtifactsIT {
    private static final Path ARTIFACTS = RepoRoot.resolve("functions/target/lambda");
    private static final Pattern FUNCTION = Pattern.compile(
            "(?m)^  (\\w+):\\n    Type: AWS::Serverless::Function\\n[\\s\\S]*?^      Handler: ([\\w.$]+)::");
    private static final Pattern SERVICE_PACKAGE = Pattern.compile("^software/amazon/awssdk/services/([a-z0-9]+)/");
    private static final String RELEASE = "platform-release/kotta-platform-release.tar.gz";

    /** Logical id to handler class, from template.yaml. */
    static Map<String, String> handlers() throws IOException {
        Map<String, String> handlers = new LinkedHashMap<>();
        Matcher function = FUNCTION.matcher(Files.readString(RepoRoot.resolve("template.yaml")));
        while (function.find()) {
            handlers.put(function.group(1), function.group(2));
        }
        return handlers;
    }

    static List<String> functions() throws IOException {
        return new ArrayList<>(handlers().keySet());
    }

    @Test
    void everyFunctionOfTheTemplateHasItsOwnArtifact() throws IOException {
        assertThat(functions()).hasSizeGreaterThanOrEqualTo(14);
        Set<String> zips = new TreeSet<>();
        try (Stream<Path> files = Files.list(ARTIFACTS)) {
            files.map(f -> f.getFileName().toString())
                    .filter(n -> n.endsWith(".zip"))
                    .forEach(n -> zips.add(n.substring(0, n.length() - ".zip".length())));
        }
        assertThat(zips).containsExactlyInAnyOrderElementsOf(functions());
    }

    @ParameterizedTest
    @MethodSource("functions")
    void carriesExactlyTheSdkModulesItsHandlerRefersTo(String function) throws IOException {
        String handler = handlers().get(function).replace('.', '/');
        Map<String, byte[]> ownClasses = new HashMap<>();
        Map<String, Set<String>> servicesByJar = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(ARTIFACTS.resolve(function + ".zip").toFile())) {
            for (ZipEntry entry : Collections.list(zip.entries())) {
                String name = entry.getName();
                if (name.startsWith("lib/") && name.endsWith(".jar")) {
                    try (InputStream in = zip.getInputStream(entry)) {
                        servicesByJar.put(name, readJar(in, ownClasses));
                    }
                } else if (name.endsWith(".class")) {
                    ownClasses.put(classNameOf(name), zip.getInputStream(entry).readAllBytes());
                }
            }
        }
        assertThat(ownClasses).as("%s: the handler's class", function).containsKey(handler);
        Set<String> carried = new TreeSet<>();
        servicesByJar.values().forEach(carried::addAll);

        Set<String> called = new ClassReferences(ownClasses).servicesReachableFrom(handler);

        assertThat(carried)
                .as(
                        "%s (%s): the SDK service modules in its artifact, against those its classes refer to",
                        function, handler)
                .containsExactlyInAnyOrderElementsOf(called);
    }

    @ParameterizedTest
    @MethodSource("functions")
    void onlyPackageAndUploadCodeCarriesThePlatformRelease(String function) throws IOException {
        try (ZipFile zip = new ZipFile(ARTIFACTS.resolve(function + ".zip").toFile())) {
            boolean carries = zip.getEntry(RELEASE) != null;
            assertThat(carries)
                    .as("%s carries %s", function, RELEASE)
                    .isEqualTo(function.equals("PackageAndUploadCodeFunction"));
        }
    }

    /** The SDK services a jar holds; the project's own classes in it (the platform's) go to ownClasses. */
    private static Set<String> readJar(InputStream jar, Map<String, byte[]> ownClasses) throws IOException {
        Set<String> services = new TreeSet<>();
        ZipInputStream in = new ZipInputStream(jar);
        for (ZipEntry entry; (entry = in.getNextEntry()) != null; ) {
            String name = entry.getName();
            Matcher service = SERVICE_PACKAGE.matcher(name);
            if (service.find()) {
                services.add(service.group(1));
            } else if (name.startsWith("org/kotta/") && name.endsWith(".class")) {
                ownClasses.put(classNameOf(name), in.readAllBytes());
            }
        }
        return services;
    }

    private static String classNameOf(String entry) {
        return entry.substring(0, entry.length() - ".class".length());
    }
}
