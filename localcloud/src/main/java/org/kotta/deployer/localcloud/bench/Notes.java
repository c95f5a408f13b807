package org.kotta.deployer.localcloud.bench;

/** The part of docs/benchmarks.md that is written, not measured: findings, fixes, what is left. */
final class Notes {
    private Notes() {
    }

    static final String TEXT = """
            ## Findings

            (to be written from the measurements)
            """;
}
