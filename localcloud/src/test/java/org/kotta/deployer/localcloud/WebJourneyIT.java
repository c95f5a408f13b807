package org.kotta.deployer.localcloud;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.kotta.deployer.localcloud.platform.LocalPlatformStack;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The researcher's and admin's journey in a real browser: Debian's headless Chromium through
 * its own chromedriver (both named explicitly: Selenium Manager never downloads anything).
 * The web server and a Test-pool task executor run in this JVM against one test stack in the
 * local cloud (quick to start, and the pages are the release's own views); CloudKottaIT covers
 * the same site deployed through the orchestrator.
 */
class WebJourneyIT {
    static final String CHROMEDRIVER = "/usr/bin/chromedriver";
    static final String CHROMIUM = "/usr/bin/chromium";
    private static final String ADMIN = "admin@example.org";
    private static final String NEWCOMER = "carol@example.org";
    private static LocalPlatformStack stack;
    private static WebDriver browser;

    @BeforeAll
    static void start() throws Exception {
        stack = LocalCloud.platformStack().startWeb().startTestExecutor();
        stack.seedAdmin(ADMIN);
        browser = browser();
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (stack != null) {
            stack.close();
        }
    }

    static WebDriver browser() {
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER))
                .usingAnyFreePort()
                .build();
        ChromeOptions options = new ChromeOptions()
                .setBinary(CHROMIUM)
                .addArguments(
                        "--headless=new",
                        "--no-sandbox",
                        "--disable-dev-shm-usage",
                        "--disable-gpu",
                        "--no-first-run",
                        "--disable-extensions",
                        "--window-size=1280,1000");
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        return driver;
    }

    private WebDriverWait waiting() {
        return new WebDriverWait(browser, Duration.ofSeconds(20));
    }

    /** From the site's front page through the local provider's sign-in page, as {@code email}. */
    private void signIn(String email) {
        browser.manage().deleteAllCookies();
        browser.get(stack.url() + "/");
        browser.findElement(By.id("sign-in")).click();
        waiting().until(ExpectedConditions.presenceOfElementLocated(By.id("username")));
        browser.findElement(By.id("username")).sendKeys(email);
        browser.findElement(By.id("sign-in")).click();
        waiting()
                .until(d -> d.getCurrentUrl().startsWith(stack.url())
                        && !d.findElements(By.cssSelector("#signed-in-as, #not-registered, #error"))
                                .isEmpty());
    }

    private void signOut() {
        browser.findElement(By.id("logout")).click();
        waiting().until(ExpectedConditions.presenceOfElementLocated(By.id("sign-in")));
    }

    /** Submits the form's example script job under {@code name}; returns its id, from its page. */
    private String submitJob(String name) {
        browser.findElement(By.id("nav-submit")).click();
        WebElement jobName = waiting().until(ExpectedConditions.presenceOfElementLocated(By.name("jobname")));
        jobName.sendKeys(name);
        WebElement script = browser.findElement(By.name("script"));
        script.clear();
        script.sendKeys("#!/bin/bash\necho Hello from the browser > foo.txt\n");
        browser.findElement(By.id("submit-job")).click();
        return waiting()
                .until(ExpectedConditions.presenceOfElementLocated(By.id("job-id")))
                .getText();
    }

    /** The status shown on a job's page. */
    private String statusOnItsPage(String jobId) {
        browser.get(stack.url() + "/jobs/" + jobId);
        return browser.findElement(By.id("job-status")).getText();
    }

    /** Reloads the job's page until it shows an ended status (the page also refreshes itself while the job runs). */
    private String awaitEndOnItsPage(String jobId) {
        return new WebDriverWait(browser, Duration.ofSeconds(40))
                .pollingEvery(Duration.ofMillis(500))
                .until(d -> {
                    String status = statusOnItsPage(jobId);
                    return List.of("completed", "failed", "cancelled").contains(status) ? status : null;
                });
    }

    @Test
    void signInSubmitAJobWatchItCompleteAndReadItsOutput_thenApproveANewcomer() {
        signIn(ADMIN);
        assertThat(browser.findElement(By.id("signed-in-as")).getText()).isEqualTo(ADMIN);

        String jobId = submitJob("browser journey");
        assertThat(browser.findElement(By.id("job-status")).getText())
                .isIn("pending", "staging_inputs", "processing", "staging_outputs", "completed");
        browser.findElement(By.id("nav-jobs")).click();
        List<WebElement> rows = browser.findElements(By.cssSelector("tr.job[data-job-id='" + jobId + "']"));
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).getText()).contains("browser journey");

        assertThat(awaitEndOnItsPage(jobId)).isEqualTo("completed");
        WebElement output =
                browser.findElement(By.xpath("//ul[@id='outputs']//a[@class='output' and text()='foo.txt']"));
        output.click();
        waiting().until(d -> !d.getCurrentUrl().startsWith(stack.url()));
        assertThat(browser.findElement(By.tagName("body")).getText()).isEqualTo("Hello from the browser");
        browser.navigate().back();
        browser.findElement(By.id("nav-jobs")).click();
        assertThat(browser.findElement(By.cssSelector("tr.job[data-job-id='" + jobId + "']"))
                        .getText())
                .contains("completed");
        signOut();

        signIn(NEWCOMER);
        assertThat(browser.findElement(By.id("not-registered")).getText()).contains("not registered");
        assertThat(browser.getPageSource()).contains(NEWCOMER);
        assertThat(browser.findElements(By.id("logout"))).isEmpty();

        signIn(ADMIN);
        browser.findElement(By.id("nav-admin")).click();
        WebElement request = waiting()
                .until(ExpectedConditions.presenceOfElementLocated(
                        By.cssSelector("tr.request[data-email='" + NEWCOMER + "']")));
        request.findElement(By.className("approve")).click();
        waiting()
                .until(ExpectedConditions.presenceOfElementLocated(
                        By.cssSelector("tr.user[data-email='" + NEWCOMER + "']")));
        assertThat(browser.findElement(By.cssSelector("tr.user[data-email='" + NEWCOMER + "'] .role"))
                        .getText())
                .isEqualTo("researcher");
        signOut();

        signIn(NEWCOMER);
        assertThat(browser.findElement(By.id("signed-in-as")).getText()).isEqualTo(NEWCOMER);
        assertThat(browser.findElements(By.id("no-jobs"))).hasSize(1);
        assertThat(browser.findElements(By.id("nav-admin"))).isEmpty();
    }
}
