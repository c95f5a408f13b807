package org.kotta.deployer.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The repository's root, seen from the directory Maven runs the tests in (a module folder,
 * or the root itself): the nearest folder up holding template.yaml. The one place tests of
 * every module (through this module's test-jar) find the repository's files.
 */
public final class RepoRoot {
    private RepoRoot() {}

    public static Path path() {
        Path here = Path.of("").toAbsolutePath();
        for (Path dir = here; dir != null; dir = dir.getParent()) {
            if (Files.exists(dir.resolve("template.yaml"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no template.yaml above " + here);
    }

    /** A file or folder of the repository, by its path from the root ("docs/openapi.yaml"). */
    public static Path resolve(String relative) {
        return path().resolve(relative);
    }
}
