package org.kotta.platform.executor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.kotta.platform.core.JobRecord;
import org.kotta.platform.core.JobStatus;
import org.kotta.platform.core.Queue;
import org.kotta.platform.core.Wiring;

/** An item written before the 11-hour cap (Cloud Kotta allowed days) still runs at most 11 hours. */
class WalltimeCapTest {

    @Test
    void aJobAskingForSevenDaysRunsAtMostElevenHours() {
        assertThat(run(7 * 24 * 3600).walltime()).isEqualTo(11 * 3600);
        assertThat(run(600).walltime()).isEqualTo(600);
    }

    private static JobRun run(long walltime) {
        JobRecord job = new JobRecord(
                "j",
                "j",
                JobRecord.SCRIPT_TYPE,
                JobStatus.PENDING,
                Queue.TEST,
                walltime,
                0L,
                null,
                null,
                "",
                "u",
                "u@example.org",
                "u",
                "/bin/true",
                null,
                null,
                null,
                List.of(),
                List.of(),
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                0,
                false);
        ExecutorSettings settings = ExecutorSettings.fromWiring(new Wiring(Map.of(
                Wiring.POOL,
                "test",
                Wiring.JOBS_BUCKET,
                "b",
                Wiring.JOBS_TABLE,
                "t",
                Wiring.WORK_DIR,
                "/tmp",
                Wiring.TEST_PENDING_QUEUE_URL,
                "http://queue")));
        ExecutorContext context = new ExecutorContext(settings, null, null, java.util.Optional.empty(), null);
        return new JobRun(context, job, () -> {}, () -> false);
    }
}
