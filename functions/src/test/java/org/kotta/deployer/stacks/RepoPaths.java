package org.kotta.deployer.stacks;

import java.nio.file.Path;
import org.kotta.deployer.testing.RepoRoot;

/** Where the repository and its Python tools are, seen from the directory Maven runs the tests in. */
final class RepoPaths {
    private RepoPaths() {}

    static Path root() {
        return RepoRoot.path();
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
