package org.kotta.platform.executor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.kotta.platform.core.FileMapping;
import org.kotta.platform.core.JobPaths;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * Transfers report progress as the bytes flow, not only between files (the message heartbeat
 * rides on it, so one 5 GiB file never lets the job's message lapse); outputs are opened without
 * following links and capped in size. Against the JobsBucket in the local cloud.
 */
class FileStagerIT {
    private static final int MIB = 1024 * 1024;
    private ExecutorCloud cloud;
    private Path work;

    @BeforeEach
    void cloud() throws Exception {
        cloud = new ExecutorCloud();
        work = Files.createTempDirectory(cloud.workRoot, "stager-");
    }

    @AfterEach
    void close() throws Exception {
        cloud.close();
    }

    @Test
    void stagingOneLargeInput_reportsProgressEveryChunk() throws Exception {
        String key = JobPaths.userArea("user-a") + "big.bin";
        cloud.s3.putObject(b -> b.bucket(cloud.bucket).key(key), RequestBody.fromBytes(new byte[2 * MIB]));
        InputRules.Source input = new InputRules(cloud.bucket, "user-a", id -> false)
                .check(new FileMapping("s3://" + cloud.bucket + "/" + key, "big.bin"));
        AtomicInteger calls = new AtomicInteger();

        long bytes = stager(Long.MAX_VALUE).stageIn(List.of(input), work, calls::incrementAndGet);

        assertThat(bytes).isEqualTo(2 * MIB);
        assertThat(Files.size(work.resolve("big.bin"))).isEqualTo(2 * MIB);
        assertThat(calls.get())
                .as("progress calls for one 2 MiB file")
                .isGreaterThanOrEqualTo(2 * MIB / FileStager.CHUNK);
    }

    @Test
    void uploadingOneLargeOutput_reportsProgressEveryChunk() throws Exception {
        Files.write(work.resolve("big.out"), new byte[2 * MIB]);
        AtomicInteger calls = new AtomicInteger();

        FileStager.Uploaded uploaded =
                stager(Long.MAX_VALUE).stageOut("job-progress", List.of("big.out"), work, calls::incrementAndGet);

        assertThat(uploaded.uploaded()).containsExactly("big.out");
        assertThat(cloud.s3
                        .headObject(b -> b.bucket(cloud.bucket).key(JobPaths.outputKey("job-progress", "big.out")))
                        .contentLength())
                .isEqualTo(2L * MIB);
        assertThat(calls.get())
                .as("progress calls for one 2 MiB file")
                .isGreaterThanOrEqualTo(2 * MIB / FileStager.CHUNK);
    }

    @Test
    void anOutputThatIsALink_isNeverFollowed_andOneOverTheCapIsNotUploaded() throws Exception {
        Path secret = Files.writeString(cloud.workRoot.resolve("executor-only.txt"), "not the job's\n");
        Files.createSymbolicLink(work.resolve("linked.txt"), secret);
        Files.write(work.resolve("huge.out"), new byte[4096]);
        Files.writeString(work.resolve("fine.txt"), "ok\n");

        FileStager.Uploaded uploaded =
                stager(1024).stageOut("job-links", List.of("linked.txt", "huge.out", "fine.txt"), work, () -> {});

        assertThat(uploaded.uploaded()).containsExactly("fine.txt");
        assertThat(uploaded.missing()).containsExactly("linked.txt", "huge.out");
        assertThat(uploaded.tooLarge()).containsExactly("huge.out");
        assertThat(cloud.outputKeys("job-links")).containsExactly("fine.txt");
    }

    private FileStager stager(long maxOutputBytes) {
        return new FileStager(cloud.s3, cloud.bucket, 10L * MIB, 20L * MIB, maxOutputBytes);
    }
}
