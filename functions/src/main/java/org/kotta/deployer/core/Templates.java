package org.kotta.deployer.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The CloudFormation templates the deployer creates stacks from ({@code kotta-base.yaml},
 * {@code kotta.yaml}). They ship in the functions jar as {@code infrastructure/<name>}; when
 * the setting {@code KOTTA_TEMPLATES_DIR} names a folder (tests do), they are read from there.
 */
public final class Templates {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*\\.ya?ml");
    private static final String CLASSPATH_FOLDER = "infrastructure/";

    private final Optional<Path> folder;

    public Templates(Settings settings) {
        this.folder = settings.optional(Settings.TEMPLATES_DIR).map(Path::of);
    }

    /**
     * @throws IllegalStateException when the template is not where it should be (a packaging bug)
     */
    public byte[] read(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a template name: " + name);
        }
        try {
            if (folder.isPresent()) {
                Path file = folder.get().resolve(name);
                if (!Files.isRegularFile(file)) {
                    throw new IllegalStateException("template " + name + " is not in " + folder.get());
                }
                return Files.readAllBytes(file);
            }
            try (InputStream in = Templates.class.getClassLoader().getResourceAsStream(CLASSPATH_FOLDER + name)) {
                if (in == null) {
                    throw new IllegalStateException("template " + CLASSPATH_FOLDER + name + " is not on the classpath");
                }
                return in.readAllBytes();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not read template " + name, e);
        }
    }
}
