package org.kotta.deployer.localcloud.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kotta.deployer.core.Json;

/** docs/benchmarks.md from a full run's results.json (kept under test resources), without measuring. */
class ReportTest {
    private static Path results() throws URISyntaxException {
        return Path.of(ReportTest.class.getResource("results.json").toURI());
    }

    @Test
    void resultsJson_readIntoTheRecord_writesBackTheSameTree() throws Exception {
        JsonNode original = Json.MAPPER.readTree(results().toFile());

        JsonNode again = Json.MAPPER.valueToTree(BenchResults.read(results()));

        // as text: the record's longs come back as long nodes where the parser made int nodes
        assertThat(Json.MAPPER.writeValueAsString(again)).isEqualTo(Json.MAPPER.writeValueAsString(original));
    }

    @Test
    void report_takesItsFiguresFromTheResults_andLeavesNoPlaceholder() throws Exception {
        BenchResults r = BenchResults.read(results());

        String md = Report.markdown(r);

        assertThat(md).doesNotContain("{{").doesNotContain("}}");
        assertThat(md)
                .contains(String.format(
                        "The slowest handler, ValidateInputsFunction, answers in %.0f ms",
                        r.coldStarts()
                                .get("ValidateInputsFunction")
                                .firstAnswerMs()
                                .median()));
        assertThat(md).contains(String.format("%.2f MB (%d bytes)", r.artifactBytes() / 1e6, r.artifactBytes()));
        assertThat(md).contains("| target (this " + r.machine().cores() + "-core machine, local cloud)");
    }

    @Test
    void aPlaceholderTheResultsLack_fails() {
        assertThatThrownBy(() -> Notes.render("notes.md", Json.MAPPER.createObjectNode()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("which the results do not hold");
    }

    @Test
    void reportOnly_writesDocsFromTheLastResults_andReturnsZero(@TempDir Path root) throws Exception {
        Files.createDirectories(root.resolve("target/bench"));
        Files.createDirectories(root.resolve("docs"));
        Files.copy(results(), root.resolve("target/bench/results.json"));
        ByteArrayOutputStream console = new ByteArrayOutputStream();

        int code = Bench.run(List.of("--report-only"), root, new PrintStream(console, true, StandardCharsets.UTF_8));

        assertThat(code).isZero();
        assertThat(root.resolve("docs/benchmarks.md"))
                .content()
                .isEqualTo(Report.markdown(BenchResults.read(results())));
        assertThat(console.toString(StandardCharsets.UTF_8))
                .isEqualTo("bench: wrote docs/benchmarks.md from target/bench/results.json" + System.lineSeparator());
    }
}
