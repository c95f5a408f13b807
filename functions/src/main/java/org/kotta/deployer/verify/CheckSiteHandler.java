package org.kotta.deployer.verify;

import java.time.Clock;
import java.time.Duration;
import org.kotta.deployer.core.AwsClients;
import org.kotta.deployer.core.DeploymentRecords;
import org.kotta.deployer.core.Settings;
import org.kotta.deployer.core.StepHandler;
import org.kotta.deployer.core.StepInput;
import org.kotta.deployer.core.WaitSchedule;

/** Lambda entry point of "Check that Cloud Kotta answers". */
public final class CheckSiteHandler extends StepHandler {
    /** "on" (the template's value) or "off". */
    public static final String SITE_CHECK = "SITE_CHECK";
    /** Seconds from the first look until the site must serve the new release. */
    public static final String SITE_CHECK_LIMIT_SECONDS = "SITE_CHECK_LIMIT_SECONDS";

    static final int DEFAULT_LIMIT_SECONDS = 600;

    private final CheckSite step;

    public CheckSiteHandler() {
        this(Settings.fromEnvironment());
    }

    public CheckSiteHandler(Settings settings) {
        AwsClients aws = new AwsClients(settings);
        String mode = settings.orDefault(SITE_CHECK, "on");
        if (!mode.equals("on") && !mode.equals("off")) {
            throw new IllegalArgumentException(SITE_CHECK + " must be on or off, not " + mode);
        }
        this.step = new CheckSite(
                aws.elasticLoadBalancing(),
                new SiteProbe(aws.endpoint().orElse(null)),
                new DeploymentRecords(aws.dynamoDb(), settings.required(Settings.DEPLOYMENTS_TABLE)),
                WaitSchedule.standard(),
                Duration.ofSeconds(Integer.parseInt(
                        settings.orDefault(SITE_CHECK_LIMIT_SECONDS, Integer.toString(DEFAULT_LIMIT_SECONDS)))),
                Clock.systemUTC(),
                mode.equals("on"));
    }

    @Override
    protected Object handle(StepInput input) {
        return step.run(input);
    }
}
