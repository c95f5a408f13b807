package org.kotta.deployer.core;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;

/**
 * SnapStart priming. Before Lambda snapshots an initialised function (a published version),
 * {@link #beforeCheckpoint} makes one cheap call through each SDK client the handler built, so
 * the snapshot already holds the loaded and JIT-warmed request path (marshalling, signing, the
 * HTTP client, response and error reading, credentials) and a restore answers warm. Only
 * SnapStart calls it: on a JVM without CRaC the registration is a no-op. A call that fails is
 * logged and otherwise ignored: priming never keeps a version from being published.
 */
public final class Priming implements Resource {
    private static final Priming INSTANCE = new Priming();

    static {
        // the global context holds its resources weakly: INSTANCE keeps this one alive
        Core.getGlobalContext().register(INSTANCE);
    }

    /** One call per client kind; a later client of the same kind (tests, the local host) replaces it. */
    private final Map<String, Runnable> calls = new ConcurrentHashMap<>();

    private Priming() {}

    static void register(String client, Runnable call) {
        INSTANCE.calls.put(client, call);
    }

    /** Makes every registered call now; what {@link #beforeCheckpoint} does. Returns each outcome. */
    public static Map<String, String> primeNow() {
        Map<String, String> outcomes = new LinkedHashMap<>();
        INSTANCE.calls.forEach((client, call) -> {
            long start = System.nanoTime();
            String outcome;
            try {
                call.run();
                outcome = "answered";
            } catch (RuntimeException e) {
                outcome = "refused or failed: " + e.getClass().getSimpleName();
            }
            outcomes.put(client, outcome + " in " + (System.nanoTime() - start) / 1_000_000 + " ms");
        });
        return outcomes;
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        Log.forDeployment(null, null).info("SnapStart priming", Map.of("calls", primeNow()));
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        // nothing to do: the clients and their connections' settings survive the restore
    }
}
