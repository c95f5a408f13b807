package org.kotta.deployer.stacks;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the repository and its Python tools are, seen from the directory Maven runs the tests in. */
final class RepoPaths {
    private RepoPaths() {
    }

    /** The first directory up from the working directory that holds template.yaml or .git. */
    static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path d = dir; d != null; d = d.getParent()) {
            if (Files.exists(d.resolve("template.yaml")) || Files.exists(d.resolve(".git"))) {
                return d;
            }
        }
        throw new IllegalStateException("no template.yaml or .git above " + dir);
    }

    /** The virtualenv with cfn-lint: KOTTA_VENV, else {@code <repo>/.venv}. */
    static Path venv() {
        String fromEnv = System.getenv("KOTTA_VENV");
        return fromEnv == null || fromEnv.isBlank() ? root().resolve(".venv") : Path.of(fromEnv);
    }

    static Path infrastructure() {
        return root().resolve("infrastructure");
    }
}
