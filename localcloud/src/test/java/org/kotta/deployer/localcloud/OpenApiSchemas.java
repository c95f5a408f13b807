package org.kotta.deployer.localcloud;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * docs/openapi.yaml for tests: the document as a tree, and any schema in it (found by JSON
 * pointer, {@code $ref}s followed) as a networknt validator with OpenAPI 3.0's dialect.
 */
final class OpenApiSchemas {
    /** The name the document is registered under; never fetched. */
    private static final String IRI = "https://kotta-deployer.invalid/openapi.yaml";

    private final JsonNode spec;
    private final SchemaRegistry registry;

    private OpenApiSchemas(JsonNode spec, String text) {
        this.spec = spec;
        this.registry = SchemaRegistry.withDefaultDialect(
                Dialects.getOpenApi30(), builder -> builder.schemas(Map.of(IRI, text)));
    }

    static OpenApiSchemas read(Path root) throws IOException {
        String text = Files.readString(root.resolve("docs/openapi.yaml"));
        return new OpenApiSchemas(new YAMLMapper().readTree(text), text);
    }

    JsonNode spec() {
        return spec;
    }

    /** The node at {@code pointer} ("/components/schemas/Problem"), through {@code $ref}s. */
    JsonNode at(String pointer) {
        return spec.at(resolve(pointer));
    }

    /** The pointer a {@code $ref} chain starting at {@code pointer} ends at. */
    String resolve(String pointer) {
        String current = pointer;
        while (spec.at(current).has("$ref")) {
            current = spec.at(current).get("$ref").asText().substring(1);
        }
        return current;
    }

    /** The schema at {@code pointer}, e.g. "/components/schemas/DeploymentRequest". */
    Schema schema(String pointer) {
        return registry.getSchema(SchemaLocation.of(IRI + "#" + resolve(pointer)));
    }

    /** {@code body} against the schema at {@code pointer}: each violation as "where: what". */
    List<String> violations(String pointer, JsonNode body) {
        List<String> violations = new ArrayList<>();
        for (Error error : schema(pointer).validate(body)) {
            violations.add(error.toString());
        }
        return violations;
    }

    /** A key as one step of a JSON pointer ("/deployments/{id}" → "~1deployments~1{id}"). */
    static String step(String key) {
        return key.replace("~", "~0").replace("/", "~1");
    }
}
