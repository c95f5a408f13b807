package org.kotta.deployer.code;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.kotta.deployer.core.AwsClients;
import org.kotta.deployer.core.DeploymentRequest;
import org.kotta.deployer.core.Settings;
import org.kotta.deployer.core.Templates;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

/** PackageAndUploadCode against the local cloud's S3. */
class ReleasePackagerIT {
    private static final String ENDPOINT = System.getProperty("kotta.endpoint", "http://127.0.0.1:4566");
    private static final AwsClients CLIENTS =
            new AwsClients(new Settings(Map.of("AWS_ENDPOINT_URL", ENDPOINT, "AWS_REGION", "us-east-1")));
    private static final S3Client S3 = CLIENTS.s3();

    private final Templates templates = new Templates(
            new Settings(Map.of(Settings.TEMPLATES_DIR, testTemplatesDir().toString())));
    private final ReleasePackager packager = new ReleasePackager(S3, CLIENTS, templates);
    private String bucket;

    @BeforeEach
    void createJobsBucket() {
        bucket = "kotta-it-" + UUID.randomUUID().toString().substring(0, 8);
        S3.createBucket(b -> b.bucket(bucket));
    }

    @AfterEach
    void removeJobsBucket() {
        keysUnder("").forEach(key -> S3.deleteObject(b -> b.bucket(bucket).key(key)));
        S3.deleteBucket(b -> b.bucket(bucket));
    }

    @Test
    void packagesUploadedCodeIntoAReleaseWithTheConf() throws IOException {
        String source = upload("code/app.tar.gz", Tarballs.goodSite());

        PackageResult result = packager.packageRelease(request(source), SampleRequests.baseOutputs(bucket), "dep-1");

        assertThat(result.accepted()).as(result.reason()).isTrue();
        assertThat(result.source()).isEqualTo(source);
        assertThat(result.releaseKey()).isEqualTo("releases/" + result.sha256() + ".tar.gz");
        ResponseBytes<GetObjectResponse> release =
                S3.getObjectAsBytes(b -> b.bucket(bucket).key(result.releaseKey()));
        assertThat(sha256(release.asByteArray())).isEqualTo(result.sha256());
        assertThat(release.asByteArray()).hasSize((int) result.sizeBytes());
        assertThat(release.response().metadata())
                .containsEntry("sha256", result.sha256())
                .containsEntry("deployment-id", "dep-1")
                .containsEntry("source", source);

        Map<String, String> entries = readTar(release.asByteArray());
        assertThat(entries.keySet())
                .containsExactly(
                        "bin/kotta-start",
                        "app/",
                        "app/index.html",
                        "app/server.py",
                        "app/home.html",
                        "kotta-deployment.conf");
        assertThat(entries.get("app/index.html")).isEqualTo("<h1>Cloud Kotta</h1>");
        assertThat(entries.get("kotta-deployment.conf"))
                .contains("table_name = kotta-demo-base-JobsTable-1A2B3C")
                .contains("turing_users = kotta-demo-base-UsersTable-4D5E6F")
                .contains("name = " + bucket)
                .doesNotContain("deployment_id");
    }

    @Test
    void sameInputsGiveTheSameRelease() {
        String source = upload("code/app.tar.gz", Tarballs.goodSite());

        PackageResult first = packager.packageRelease(request(source), SampleRequests.baseOutputs(bucket), "dep-1");
        PackageResult second = packager.packageRelease(request(source), SampleRequests.baseOutputs(bucket), "dep-1");

        assertThat(second.sha256()).isEqualTo(first.sha256());
        assertThat(second).isEqualTo(first);
        assertThat(keysUnder("releases/")).containsExactly(first.releaseKey());

        // equal bytes within one second cannot catch a clock (tar mtimes are whole seconds): the conf the
        // packager adds is at the epoch and root's, copied entries keep their upload's mtime, gzip has no time
        byte[] release = download(first.releaseKey());
        TarClock.assertGzipHeaderHasNoTime(release);
        TarClock.assertAddedEntriesAtTheEpoch(release, Set.of("kotta-deployment.conf"));
        assertThat(TarClock.entries(release)).allSatisfy((name, entry) -> {
            if (!name.equals("kotta-deployment.conf")) {
                assertThat(entry.getModTime()).as("mtime of %s", name).isEqualTo(Tarballs.SITE_TIME);
            }
        });
    }

    @Test
    void leavesAnExistingReleaseWithTheSameSha256Alone() {
        String source = upload("code/app.tar.gz", Tarballs.goodSite());
        PackageResult first = packager.packageRelease(request(source), SampleRequests.baseOutputs(bucket), "dep-1");
        byte[] marker = "already here".getBytes(StandardCharsets.UTF_8);
        S3.putObject(
                b -> b.bucket(bucket).key(first.releaseKey()).metadata(Map.of("sha256", first.sha256())),
                RequestBody.fromBytes(marker));

        packager.packageRelease(request(source), SampleRequests.baseOutputs(bucket), "dep-1");

        assertThat(download(first.releaseKey())).isEqualTo(marker);
    }

    @Test
    void rewritesAReleaseObjectWhoseSha256MetadataDiffers() {
        String source = upload("code/app.tar.gz", Tarballs.goodSite());
        PackageResult first = packager.packageRelease(request(source), SampleRequests.baseOutputs(bucket), "dep-1");
        S3.putObject(b -> b.bucket(bucket).key(first.releaseKey()), RequestBody.fromString("clobbered"));

        packager.packageRelease(request(source), SampleRequests.baseOutputs(bucket), "dep-1");

        assertThat(sha256(download(first.releaseKey()))).isEqualTo(first.sha256());
    }

    @Test
    void replacesAConfShippedInTheTarball() throws IOException {
        byte[] tarball = Tarballs.gzipTar()
                .file("./kotta-deployment.conf", "[server]\naws_client_secret = leaked\n")
                .file("index.html", "x")
                .startScript()
                .build();
        String source = upload("code/app.tar.gz", tarball);

        PackageResult result = packager.packageRelease(request(source), SampleRequests.baseOutputs(bucket), "dep-1");

        Map<String, String> entries = readTar(download(result.releaseKey()));
        assertThat(entries.keySet()).containsExactly("kotta-deployment.conf", "index.html", "bin/kotta-start");
        assertThat(entries.get("kotta-deployment.conf"))
                .doesNotContain("leaked")
                .contains("[dynamodb]");
    }

    @Test
    void deploysThePlatformReleaseWhenThereIsNoCode() throws IOException {
        PackageResult result = packager.packageRelease(request(null), SampleRequests.baseOutputs(bucket), "dep-1");

        assertThat(result.accepted()).as(result.reason()).isTrue();
        assertThat(result.source()).isEqualTo("platform");
        Map<String, String> entries = readTar(download(result.releaseKey()));
        assertThat(entries.keySet())
                .contains("bin/kotta-start", "bin/kotta-bootstrap", "kotta-deployment.conf")
                .anyMatch(name -> name.matches("lib/kotta-platform-[^/]+\\.jar"))
                .anyMatch(name -> name.startsWith("views/"))
                .anyMatch(name -> name.startsWith("static/"))
                .noneMatch(name -> name.contains("placeholder") || name.equals("index.html"));
        assertThat(entries.get("bin/kotta-start")).contains("org.kotta.platform.Main");
        assertThat(entries.get("kotta-deployment.conf")).doesNotContain("dep-1");
        // the same code and wiring give the same release, whatever the deployment
        assertThat(packager.packageRelease(request(null), SampleRequests.baseOutputs(bucket), "dep-2")
                        .sha256())
                .isEqualTo(result.sha256());
        TarClock.assertGzipHeaderHasNoTime(download(result.releaseKey()));
    }

    @Test
    void platformReleaseIsFoundByItsRecipeTheSecondTime() {
        PackageResult first = packager.packageRelease(request(null), SampleRequests.baseOutputs(bucket), "dep-1");

        // a fresh packager (a cold start) that cannot even read the tarball: any tar work would throw
        PackageResult second =
                withoutTarball().packageRelease(request(null), SampleRequests.baseOutputs(bucket), "dep-2");

        assertThat(second).isEqualTo(first);
        assertThat(keysUnder("releases/")).containsExactlyInAnyOrder(first.releaseKey(), onlyRecipeKey());
        assertThat(S3.getObjectAsBytes(b -> b.bucket(bucket).key(first.releaseKey()))
                        .response()
                        .metadata())
                .containsEntry("deployment-id", "dep-1");
    }

    @Test
    void aRecipeIsForTheSameWiringOnly() {
        packager.packageRelease(request(null), SampleRequests.baseOutputs(bucket), "dep-1");
        Map<String, String> otherWiring = new LinkedHashMap<>(SampleRequests.baseOutputs(bucket));
        otherWiring.put("JobsTableName", "kotta-demo-base-JobsTable-OTHER");

        assertThatThrownBy(() -> withoutTarball().packageRelease(request(null), otherWiring, "dep-2"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not on the classpath");
    }

    @Test
    void ignoresARecipeWhoseReleaseIsMissing() {
        PackageResult first = packager.packageRelease(request(null), SampleRequests.baseOutputs(bucket), "dep-1");
        S3.deleteObject(b -> b.bucket(bucket).key(first.releaseKey()));

        PackageResult second = packager.packageRelease(request(null), SampleRequests.baseOutputs(bucket), "dep-2");

        assertThat(second).isEqualTo(first);
        byte[] release = download(first.releaseKey());
        assertThat(sha256(release)).isEqualTo(first.sha256());
        assertThat(S3.headObject(b -> b.bucket(bucket).key(first.releaseKey())).metadata())
                .containsEntry("sha256", first.sha256())
                .containsEntry("deployment-id", "dep-2");
    }

    @Test
    void ignoresARecipeWhoseReleaseHasAnotherSha256() {
        PackageResult first = packager.packageRelease(request(null), SampleRequests.baseOutputs(bucket), "dep-1");
        S3.putObject(
                b -> b.bucket(bucket).key(first.releaseKey()).metadata(Map.of("sha256", "0".repeat(64))),
                RequestBody.fromString("not the release"));

        PackageResult second = packager.packageRelease(request(null), SampleRequests.baseOutputs(bucket), "dep-2");

        assertThat(second).isEqualTo(first);
        assertThat(sha256(download(first.releaseKey()))).isEqualTo(first.sha256());
    }

    @Test
    void writesTheRecipeAgainWhenOnlyTheReleaseIsThere() {
        PackageResult first = packager.packageRelease(request(null), SampleRequests.baseOutputs(bucket), "dep-1");
        String recipe = onlyRecipeKey();
        S3.deleteObject(b -> b.bucket(bucket).key(recipe));

        assertThat(packager.packageRelease(request(null), SampleRequests.baseOutputs(bucket), "dep-2"))
                .isEqualTo(first);

        assertThat(keysUnder("releases/recipes/")).containsExactly(recipe);
        assertThat(withoutTarball().packageRelease(request(null), SampleRequests.baseOutputs(bucket), "dep-3"))
                .isEqualTo(first);
    }

    @Test
    void ignoresARecipeThatNamesAnotherKey() {
        PackageResult first = packager.packageRelease(request(null), SampleRequests.baseOutputs(bucket), "dep-1");
        String recipe = onlyRecipeKey();
        S3.putObject(
                b -> b.bucket(bucket).key("code/x.tar.gz").metadata(Map.of("sha256", first.sha256())),
                RequestBody.fromString("elsewhere"));
        S3.putObject(
                b -> b.bucket(bucket).key(recipe),
                RequestBody.fromString("{\"releaseKey\":\"code/x.tar.gz\",\"sha256\":\"" + first.sha256() + "\"}"));

        assertThatThrownBy(() ->
                        withoutTarball().packageRelease(request(null), SampleRequests.baseOutputs(bucket), "dep-2"))
                .isInstanceOf(IllegalStateException.class);
        assertThat(packager.packageRelease(request(null), SampleRequests.baseOutputs(bucket), "dep-2"))
                .isEqualTo(first);
    }

    @Test
    void refusesCodeWithoutTheStartScriptNamingIt() {
        String source = upload(
                "code/kotta.tar.gz",
                Tarballs.gzipTar()
                        .file("cloudkotta/web_server.py", "print 'python 2'")
                        .build());

        PackageResult result = packager.packageRelease(request(source), SampleRequests.baseOutputs(bucket), "dep-1");

        assertThat(result.accepted()).isFalse();
        assertThat(result.reason()).contains("bin/kotta-start", "not a Cloud Kotta release", "docs/customizing.md");
        assertThat(keysUnder("releases/")).isEmpty();
    }

    static Stream<Arguments> badTarballs() {
        return Stream.of(
                Arguments.of(
                        "dot-dot",
                        Tarballs.gzipTar().file("../etc/passwd", "x").build(),
                        "entry \"../etc/passwd\" escapes the code tree (\"..\")"),
                Arguments.of(
                        "absolute",
                        Tarballs.gzipTar().file("/etc/passwd", "x").build(),
                        "entry \"/etc/passwd\" has an absolute path"),
                Arguments.of(
                        "symlink out",
                        Tarballs.gzipTar()
                                .file("index.html", "x")
                                .symlink("link", "/etc")
                                .build(),
                        "entry \"link\" is a symbolic link to \"/etc\" outside the code tree"),
                Arguments.of("not gzip", "plain text\n".getBytes(StandardCharsets.UTF_8), "not a gzip file"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badTarballs")
    void refusesABadTarballAndUploadsNothing(String name, byte[] tarball, String reason) {
        String source = upload("code/app.tar.gz", tarball);

        PackageResult result = packager.packageRelease(request(source), SampleRequests.baseOutputs(bucket), "dep-1");

        assertThat(result.accepted()).isFalse();
        assertThat(result.reason()).isEqualTo(reason);
        assertThat(result.releaseKey()).isNull();
        assertThat(keysUnder("releases/")).isEmpty();
        assertThat(keysUnder("deployer/")).isEmpty();
    }

    @Test
    void refusesAMissingCodeObject() {
        String source = "s3://" + bucket + "/code/missing.tar.gz";

        PackageResult result = packager.packageRelease(request(source), SampleRequests.baseOutputs(bucket), "dep-1");

        assertThat(result.accepted()).isFalse();
        assertThat(result.reason()).isEqualTo("there is no object at " + source);
    }

    @Test
    void refusesCodeOverTheCompressedCapBeforeReadingIt() {
        ReleasePackager small = new ReleasePackager(
                S3, CLIENTS.endpoint().orElse(null), templates, new TarballLimits(1024, TarballLimits.MIB, 100, 100));
        String source = upload(
                "code/app.tar.gz",
                Tarballs.gzipTar()
                        .startScript()
                        .file("big.txt", randomHex(8192))
                        .build());

        PackageResult result = small.packageRelease(request(source), SampleRequests.baseOutputs(bucket), "dep-1");

        assertThat(result.reason()).isEqualTo("the tarball passes the 1 KiB compressed size cap");
        assertThat(keysUnder("releases/")).isEmpty();
    }

    @Test
    void uploadsKottaTemplateWhereItsUrlCanFetchIt() throws Exception {
        PackageResult result = packager.packageRelease(request(null), SampleRequests.baseOutputs(bucket), "dep-1");
        byte[] template = Files.readAllBytes(testTemplatesDir().resolve("kotta.yaml"));

        String key = "deployer/templates/kotta-" + sha256(template) + ".yaml";
        assertThat(keysUnder("deployer/")).containsExactly(key);
        assertThat(result.templateUrl()).isEqualTo(ENDPOINT + "/" + bucket + "/" + key);
        HttpResponse<byte[]> fetched = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(result.templateUrl()))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofByteArray());
        assertThat(fetched.statusCode()).isEqualTo(200);
        assertThat(fetched.body()).isEqualTo(template);
    }

    @Test
    void neverWritesUnderTheCodePrefix() {
        String source = upload("code/app.tar.gz", Tarballs.goodSite());

        packager.packageRelease(request(source), SampleRequests.baseOutputs(bucket), "dep-1");

        assertThat(keysUnder("code/")).containsExactly("code/app.tar.gz");
    }

    /** A packager whose platform release has the real digest but no tarball to read. */
    private ReleasePackager withoutTarball() {
        return new ReleasePackager(
                S3,
                CLIENTS.endpoint().orElse(null),
                templates,
                TarballLimits.DEFAULTS,
                new PlatformRelease(
                        "no-such-folder/kotta-platform-release.tar.gz", PlatformRelease.RESOURCE + ".sha256"));
    }

    private String onlyRecipeKey() {
        List<String> recipes = keysUnder("releases/recipes/");
        assertThat(recipes).hasSize(1);
        return recipes.get(0);
    }

    private DeploymentRequest request(String codeSource) {
        return SampleRequests.request(bucket, codeSource);
    }

    private String upload(String key, byte[] bytes) {
        S3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(bytes));
        return "s3://" + bucket + "/" + key;
    }

    private byte[] download(String key) {
        return S3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
    }

    private List<String> keysUnder(String prefix) {
        List<String> keys = new ArrayList<>();
        S3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents().stream()
                .map(S3Object::key)
                .forEach(keys::add);
        return keys;
    }

    /** Entry names in order, each with its text (empty for directories and links). */
    private static Map<String, String> readTar(byte[] gzipTar) throws IOException {
        Map<String, String> entries = new LinkedHashMap<>();
        try (TarArchiveInputStream tar =
                new TarArchiveInputStream(new GzipCompressorInputStream(new ByteArrayInputStream(gzipTar)))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                entries.put(entry.getName(), new String(tar.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        return entries;
    }

    private static Path testTemplatesDir() {
        try {
            return Path.of(
                    ReleasePackagerIT.class.getResource("/templates-for-tests").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String randomHex(int length) {
        byte[] random = new byte[length / 2];
        new java.util.Random(3).nextBytes(random);
        return HexFormat.of().formatHex(random);
    }
}
