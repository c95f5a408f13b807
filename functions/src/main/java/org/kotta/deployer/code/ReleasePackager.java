package org.kotta.deployer.code;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.io.input.BoundedInputStream;
import org.kotta.deployer.core.AwsClients;
import org.kotta.deployer.core.DeploymentRequest;
import org.kotta.deployer.core.Json;
import org.kotta.deployer.core.S3Location;
import org.kotta.deployer.core.Templates;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.S3Utilities;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.GetUrlRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * PackageAndUploadCode: takes the web code (the request's {@code s3://} tarball, or the
 * Cloud Kotta platform release built from {@code platform/}), refuses it if {@link TarballInspector} does, adds the generated
 * {@link DeploymentConf} and uploads the result to {@code releases/<sha256>.tar.gz} in the
 * JobsBucket — never under {@code code/}, whose uploads trigger a redeploy. It also uploads
 * {@code kotta.yaml} for the Kotta stack's TemplateURL. Work files live in a temporary folder
 * (Lambda's /tmp) that is removed afterwards. For the platform release it also leaves a
 * {@link ReleaseRecipe}, so the same code and wiring later cost two small S3 reads, no tar work.
 */
public final class ReleasePackager {
    public static final String RELEASES_PREFIX = "releases/";
    public static final String TEMPLATES_PREFIX = "deployer/templates/";
    public static final String KOTTA_TEMPLATE = "kotta.yaml";
    public static final String META_SHA256 = "sha256";
    public static final String META_DEPLOYMENT_ID = "deployment-id";
    public static final String META_SOURCE = "source";

    private static final int NO_SPECIAL_BITS = 0777;

    private final S3Client s3;
    /** The S3 endpoint override (the local cloud's URL), or null in AWS. */
    private final URI endpoint;

    private final Templates templates;
    private final TarballInspector inspector;
    private final PlatformRelease platform;

    public ReleasePackager(S3Client s3, AwsClients clients, Templates templates) {
        this(s3, clients.endpoint().orElse(null), templates, TarballLimits.DEFAULTS);
    }

    ReleasePackager(S3Client s3, URI endpoint, Templates templates, TarballLimits limits) {
        this(s3, endpoint, templates, limits, PlatformRelease.EMBEDDED);
    }

    ReleasePackager(S3Client s3, URI endpoint, Templates templates, TarballLimits limits, PlatformRelease platform) {
        this.s3 = s3;
        this.endpoint = endpoint;
        this.templates = templates;
        this.inspector = new TarballInspector(limits);
        this.platform = platform;
    }

    /**
     * @param baseOutputs  the base stack's outputs (JobsBucketName, JobsTableName, UsersTableName)
     * @param deploymentId the deployment the release is for, written into the object's metadata only
     *                     (never into the tarball, so the same code and wiring give the same sha256); may be null
     */
    public PackageResult packageRelease(
            DeploymentRequest request, Map<String, String> baseOutputs, String deploymentId) {
        String bucket = baseOutputs.get(DeploymentConf.JOBS_BUCKET_OUTPUT);
        if (bucket == null || bucket.isBlank()) {
            throw new IllegalArgumentException("the base stack output JobsBucketName is missing");
        }
        String conf = DeploymentConf.render(request, baseOutputs);
        String source = request.codeSource() == null ? PlatformRelease.SOURCE : request.codeSource();
        // only the platform release has a digest known without reading it; an s3:// tarball's
        // ETag or VersionId is no content digest, so an admin's code always takes the full path
        Optional<String> recipeKey = request.codeSource() == null
                ? platform.sha256().map(digest -> ReleaseRecipe.key(digest, conf, inspector.limits()))
                : Optional.empty();
        Optional<ReleaseRecipe> known = recipeKey.flatMap(key -> readRecipe(bucket, key));
        Optional<Long> knownSize = known.flatMap(recipe -> releaseSize(bucket, recipe));
        if (knownSize.isPresent()) {
            return new PackageResult(
                    true,
                    null,
                    known.get().releaseKey(),
                    known.get().sha256(),
                    knownSize.get(),
                    source,
                    uploadTemplate(bucket, request.region()));
        }
        Path work = null;
        try {
            work = Files.createTempDirectory("kotta-release-");
            Path original = work.resolve("source.tar.gz");
            if (request.codeSource() == null) {
                platform.copyTo(original);
            } else {
                String refused = download(request.codeSource(), original);
                if (refused != null) {
                    return PackageResult.rejected(source, refused);
                }
            }
            TarballInspection inspection;
            try (InputStream in = Files.newInputStream(original)) {
                inspection = inspector.inspect(in);
            }
            if (!inspection.accepted()) {
                return PackageResult.rejected(source, inspection.reason());
            }
            Path release = work.resolve("release.tar.gz");
            String sha256 = repack(original, release, conf.getBytes(StandardCharsets.UTF_8));
            String releaseKey = RELEASES_PREFIX + sha256 + ".tar.gz";
            uploadUnlessPresent(
                    bucket,
                    releaseKey,
                    sha256,
                    release,
                    "application/gzip",
                    releaseMetadata(sha256, deploymentId, source));
            recipeKey.ifPresent(key -> writeRecipe(bucket, key, ReleaseRecipe.of(sha256)));
            String templateUrl = uploadTemplate(bucket, request.region());
            return new PackageResult(true, null, releaseKey, sha256, Files.size(release), source, templateUrl);
        } catch (IOException e) {
            throw new UncheckedIOException("could not package the release from " + source, e);
        } finally {
            deleteQuietly(work);
        }
    }

    /**
     * The path-style URL CloudFormation fetches an object of {@code bucket} from: at
     * {@code endpoint} when set (the local cloud), else at the region's S3 endpoint.
     */
    static String objectUrl(URI endpoint, String region, String bucket, String key) {
        S3Utilities urls = S3Utilities.builder()
                .region(Region.of(region))
                .endpoint(endpoint)
                .s3Configuration(
                        S3Configuration.builder().pathStyleAccessEnabled(true).build())
                .build();
        return urls.getUrl(GetUrlRequest.builder().bucket(bucket).key(key).build())
                .toExternalForm();
    }

    /** Copies the code object to {@code target}; a reason when it is missing or over the cap. */
    private String download(String s3Url, Path target) throws IOException {
        S3Location code = S3Location.parse(s3Url)
                .orElseThrow(() -> new IllegalArgumentException("code source is not an s3://bucket/key URL: " + s3Url));
        String codeBucket = code.bucket();
        String codeKey = code.key();
        long cap = inspector.limits().maxCompressedBytes();
        String overCap = "the tarball passes the " + TarballLimits.describe(cap) + " compressed size cap";
        ResponseInputStream<GetObjectResponse> in;
        try {
            in = s3.getObject(b -> b.bucket(codeBucket).key(codeKey));
        } catch (NoSuchKeyException e) {
            return "there is no object at " + s3Url;
        }
        try (in;
                OutputStream out = Files.newOutputStream(target)) {
            Long length = in.response().contentLength();
            if (length != null && length > cap) {
                in.abort();
                return overCap;
            }
            // one byte past the cap is enough to know the object passes it
            BoundedInputStream capped = BoundedInputStream.builder()
                    .setInputStream(in)
                    .setMaxCount(cap + 1)
                    .setPropagateClose(false)
                    .get();
            capped.transferTo(out);
            if (capped.getCount() > cap) {
                in.abort();
                return overCap;
            }
        }
        return null;
    }

    /**
     * Copies every entry of {@code original}, in order, into {@code release}, with the conf at
     * the root (in place of an entry of that name, else last); returns the release's SHA-256.
     * Copied entries keep name, type, owner and mtime; modes lose setuid, setgid and sticky bits.
     */
    private static String repack(Path original, Path release, byte[] conf) throws IOException {
        MessageDigest sha256 = sha256();
        boolean confWritten = false;
        try (InputStream raw = Files.newInputStream(original);
                TarArchiveInputStream in = new TarArchiveInputStream(GzipCompressorInputStream.builder()
                        .setInputStream(raw)
                        .setDecompressConcatenated(true)
                        .get());
                OutputStream file = Files.newOutputStream(release);
                TarArchiveOutputStream out = DeterministicTar.open(new DigestOutputStream(file, sha256))) {
            TarArchiveEntry entry;
            while ((entry = in.getNextEntry()) != null) {
                String path = TarPaths.normalize(entry.getName());
                if (path.equals(DeploymentConf.FILE_NAME) || path.startsWith(DeploymentConf.FILE_NAME + "/")) {
                    if (!confWritten) {
                        DeterministicTar.addFile(out, DeploymentConf.FILE_NAME, conf, 0644);
                        confWritten = true;
                    }
                    continue;
                }
                out.putArchiveEntry(copyOf(entry));
                if (entry.isFile() && !entry.isLink() && !entry.isSymbolicLink()) {
                    in.transferTo(out);
                }
                out.closeArchiveEntry();
            }
            if (!confWritten) {
                DeterministicTar.addFile(out, DeploymentConf.FILE_NAME, conf, 0644);
            }
            out.finish();
        }
        return HexFormat.of().formatHex(sha256.digest());
    }

    private static TarArchiveEntry copyOf(TarArchiveEntry entry) {
        TarArchiveEntry copy = new TarArchiveEntry(entry.getName(), entry.getLinkFlag(), true);
        copy.setMode(entry.getMode() & NO_SPECIAL_BITS);
        copy.setModTime(entry.getModTime());
        copy.setUserId(entry.getLongUserId());
        copy.setGroupId(entry.getLongGroupId());
        copy.setUserName(entry.getUserName());
        copy.setGroupName(entry.getGroupName());
        if (entry.isSymbolicLink() || entry.isLink()) {
            copy.setLinkName(entry.getLinkName());
        } else if (!entry.isDirectory()) {
            copy.setSize(entry.getSize());
        }
        return copy;
    }

    /**
     * A rollback's release: the last good deployment's release object, used as it is (same
     * key, same sha256, so the Kotta stack goes back to exactly what served), with the template
     * uploaded for this deployment. Refused when the object is gone or no longer has that sha256.
     */
    public PackageResult reuseRelease(
            DeploymentRequest request,
            Map<String, String> baseOutputs,
            String releaseKey,
            String sha256,
            String source) {
        String bucket = baseOutputs.get(DeploymentConf.JOBS_BUCKET_OUTPUT);
        if (bucket == null || bucket.isBlank()) {
            throw new IllegalArgumentException("the base stack output JobsBucketName is missing");
        }
        Optional<Long> size = releaseSize(bucket, ReleaseRecipe.of(sha256));
        if (size.isEmpty() || !ReleaseRecipe.of(sha256).releaseKey().equals(releaseKey)) {
            return PackageResult.rejected(
                    source,
                    "the release " + releaseKey + " to roll back to is not in s3://" + bucket + " with sha256 " + sha256
                            + " any more");
        }
        return new PackageResult(
                true, null, releaseKey, sha256, size.get(), source, uploadTemplate(bucket, request.region()));
    }

    /** The recipe at {@code key}; empty when there is none or it does not read as one. */
    private Optional<ReleaseRecipe> readRecipe(String bucket, String key) {
        Optional<byte[]> json = unlessMissing(
                () -> s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray());
        if (json.isEmpty()) {
            return Optional.empty();
        }
        try {
            ReleaseRecipe recipe = Json.MAPPER.readValue(json.get(), ReleaseRecipe.class);
            return recipe.wellFormed() ? Optional.of(recipe) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The size of the recipe's release, if that object is there with the recipe's sha256 metadata. */
    private Optional<Long> releaseSize(String bucket, ReleaseRecipe recipe) {
        return headObject(bucket, recipe.releaseKey())
                .filter(head -> recipe.sha256().equals(head.metadata().get(META_SHA256)))
                .map(HeadObjectResponse::contentLength);
    }

    /**
     * Written after the release, so a recipe never comes before the object it names. A failed write
     * fails nothing: the next deployment of the same code and wiring takes the full path again.
     */
    private void writeRecipe(String bucket, String key, ReleaseRecipe recipe) {
        try {
            byte[] json = Json.MAPPER.writeValueAsBytes(recipe);
            s3.putObject(b -> b.bucket(bucket).key(key).contentType("application/json"), RequestBody.fromBytes(json));
        } catch (IOException | SdkException e) {
            // the recipe only saves time
        }
    }

    private String uploadTemplate(String bucket, String region) {
        byte[] template = templates.read(KOTTA_TEMPLATE);
        String sha256 = HexFormat.of().formatHex(sha256().digest(template));
        String key = TEMPLATES_PREFIX + "kotta-" + sha256 + ".yaml";
        if (!sameObjectExists(bucket, key, sha256)) {
            s3.putObject(
                    b -> b.bucket(bucket)
                            .key(key)
                            .contentType("application/x-yaml")
                            .metadata(Map.of(META_SHA256, sha256)),
                    RequestBody.fromBytes(template));
        }
        return objectUrl(endpoint, region, bucket, key);
    }

    private void uploadUnlessPresent(
            String bucket, String key, String sha256, Path file, String contentType, Map<String, String> metadata) {
        if (sameObjectExists(bucket, key, sha256)) {
            return;
        }
        s3.putObject(
                b -> b.bucket(bucket).key(key).contentType(contentType).metadata(metadata), RequestBody.fromFile(file));
    }

    private boolean sameObjectExists(String bucket, String key, String sha256) {
        return headObject(bucket, key)
                .filter(head -> sha256.equals(head.metadata().get(META_SHA256)))
                .isPresent();
    }

    private Optional<HeadObjectResponse> headObject(String bucket, String key) {
        return unlessMissing(() -> s3.headObject(b -> b.bucket(bucket).key(key)));
    }

    /** An S3 read's answer; empty when the object is not there (NoSuchKey, or a bare 404 for HEAD). */
    private static <T> Optional<T> unlessMissing(java.util.function.Supplier<T> read) {
        try {
            return Optional.of(read.get());
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private static Map<String, String> releaseMetadata(String sha256, String deploymentId, String source) {
        Map<String, String> metadata = new HashMap<>();
        metadata.put(META_SHA256, sha256);
        metadata.put(META_SOURCE, asciiHeader(source));
        if (deploymentId != null) {
            metadata.put(META_DEPLOYMENT_ID, asciiHeader(deploymentId));
        }
        return metadata;
    }

    /** S3 metadata travels in HTTP headers: printable ASCII only, the rest percent-encoded. */
    private static String asciiHeader(String value) {
        StringBuilder out = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c >= 0x20 && c < 0x7f && c != '%') {
                out.append((char) c);
            } else {
                out.append(String.format("%%%02X", c));
            }
        }
        return out.toString();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }

    private static void deleteQuietly(Path folder) {
        if (folder == null) {
            return;
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover in /tmp is harmless; the next cold start gets a fresh one
        }
    }
}
