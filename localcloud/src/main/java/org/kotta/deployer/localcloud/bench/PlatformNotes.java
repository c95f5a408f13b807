package org.kotta.deployer.localcloud.bench;

/**
 * The written part of the platform section: what the figures mean, what was found and fixed,
 * what is left. Keep it in step with the figures when they move.
 */
final class PlatformNotes {
    private PlatformNotes() {
    }

    static final String TEXT = """
            **Findings (platform).**

            - **Fixed: 44 ms on every response.** The JDK HTTP server writes a response's headers and
              body apart and leaves Nagle's algorithm on (`sun.net.httpserver.nodelay` is false by
              default), so each body waited for the client's delayed ACK of the headers. The first
              run of this section showed it: a 404 took 44 ms at the client and 0 ms in the server's
              log; `submit_task` 64 ms; the job list p50 80 ms, p99 159 ms (target missed). `WebServer`
              now turns TCP_NODELAY on before the first server starts (commit "WebServer: TCP_NODELAY
              on the JDK server's sockets"): the 404 takes 0.6 ms, `submit_task` about 18 ms.
            - **A trivial job** is written `completed` about 120 ms after its submit (the executor's log
              line, same clock): `submit_task` (PutItem + SendMessage) about 20 ms, then the message
              reaches the executor's waiting long poll, the claim, heartbeat and status writes, the job
              itself (`sh`, stdout and stderr uploaded: the recorded stages), the SNS publish. Polling
              `status_task` every 100 ms sees it at the first or second poll, so the headline figure's
              resolution is the poll interval. Executors are already running (0.5 s from `kotta-start`
              to their first poll); the executor's 20 s long poll is kept as in production.
            - **Long poll in MiniStack:** a waiting `ReceiveMessage` is answered when MiniStack next
              looks at the queue, every 100 ms (its SQS loop sleeps 0.1 s while waiting), so a message
              reaches a waiting executor after about 50 ms on average, up to 100 ms (the "MiniStack: a
              message reaching a waiting long poll" row). Real SQS answers a waiting long poll as the
              message arrives, so in AWS the pick-up should be no slower than here (network aside); it
              is not what makes this figure, and nothing in the executor polls on an interval.
            - **Throughput** is set by the submitting side here: the bench submits the 50 jobs one at a
              time over REST (about 25 ms each), and the two executors (one job at a time each, one
              message per receive) keep pace, ending the last job well under a second after the last
              submit. Jobs that run for real time would be bounded by 2 × one job at a time.
            - **Pages:** the list costs the web server about 30–40 ms at the median, and most of that
              is the local cloud: MiniStack's `by-user` Query takes about 20 ms with 1,000 items and
              about as long for Limit 1 as for Limit 200 (its last row above: it walks the table, where
              DynamoDB reads only the index range it returns). The platform's own part (the session
              cookie opened, the UsersTable GetItem, 200 items to rows, the Mustache template, a 49 KB
              page) is about 10 ms; the job page (two GetItems, two HEADs and two ranged GETs for
              stdout and stderr, two presigned links) about 15 ms. The list is the `by-user` GSI Query
              with a limit, never a Scan, and templates are compiled once. The p99 moves from run to
              run on this 2-core machine shared with other builds and tests (load average 2–3.7): in
              five trial runs of `./kotta bench --only platform` today, after the fix, the list's p99
              went 45–131 ms and the job page's 24–97 ms, while the noise floor (a static file: no AWS
              call, no template) reached 17 ms and the web server's GC log (`-Xlog:gc`, SerialGC,
              `-Xmx128m`) showed no pause over 12 ms. The tails are CPU contention between MiniStack's
              one Python process, the web server and the bench, not the platform's code; the target
              holds when the machine is quiet and is tight when it is not. Not changed: the list shows
              the newest 200 jobs on one page; a shorter first page with an "older" link would cut its
              work, but that is a product decision.
            - **Memory:** each executor holds about 127 MB resident when idle with kotta-start's default
              JVM options (`-Xmx128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1`); its peak (VmHWM) is
              the same figure, as the JVM keeps what it touched. The web server is about 136 MB.
            - **Not measured here:** an executor's JVM start as part of a job's latency (a scaled-out
              instance), the Prod pool, pages under concurrent users, real SQS and DynamoDB, and the
              executor's memory while a large job stages files.

            """;
}
