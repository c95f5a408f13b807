package org.kotta.platform.web;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sends each request to its handler; logs one line per request, with the path as sent (still
 * percent-encoded, so an encoded line break cannot forge log lines); never logs query strings or cookies.
 */
final class Router {
    private static final Pattern JOB = Pattern.compile("/jobs/([0-9a-fA-F-]{1,64})(/cancel|/resubmit)?");
    private static final Pattern ADMIN = Pattern.compile("/admin/users/(approve|role|remove|add)");
    private static final Pattern STATIC = Pattern.compile("/static/([A-Za-z0-9][A-Za-z0-9._-]{0,100})");
    private static final Map<String, String> TYPES = Map.of(
            "css",
            "text/css; charset=utf-8",
            "png",
            "image/png",
            "svg",
            "image/svg+xml",
            "ico",
            "image/x-icon",
            "txt",
            "text/plain; charset=utf-8");

    private final Web web;
    private final SignIn signIn;
    private final JobPages jobs;
    private final FilePages files;
    private final AdminPages admin;
    private final RestApi rest;

    Router(Web web) {
        this.web = web;
        Outputs outputs = new Outputs(web);
        this.signIn = new SignIn(web);
        this.jobs = new JobPages(web, outputs);
        this.files = new FilePages(web, outputs);
        this.admin = new AdminPages(web);
        this.rest = new RestApi(web, outputs);
    }

    void handle(HttpExchange exchange) {
        long started = System.nanoTime();
        Request r = new Request(exchange);
        try {
            route(r);
        } catch (Request.TooLarge tooLarge) {
            answerFailure(r, 413, tooLarge.getMessage());
        } catch (Exception e) {
            System.out.println("error " + r.method() + " " + r.rawPath() + ": "
                    + e.getClass().getName());
            answerFailure(r, 500, "Something went wrong on our side.");
        } finally {
            System.out.printf(
                    "%s %s %d %d ms%n", r.method(), r.rawPath(), r.status(), (System.nanoTime() - started) / 1_000_000);
            exchange.close();
        }
    }

    private void answerFailure(Request r, int code, String message) {
        if (r.status() != 0) {
            return;
        }
        try {
            if (r.path().startsWith(RestApi.PREFIX)) {
                r.json(code, RestAnswers.fail(message));
            } else {
                r.text(code, message);
            }
        } catch (IOException ignored) {
            // the client went away
        }
    }

    private void route(Request r) throws IOException {
        String path = r.path();
        String method = r.method();
        boolean get = "GET".equals(method) || "HEAD".equals(method);
        boolean post = "POST".equals(method);
        if (path.startsWith(RestApi.PREFIX)) {
            rest.handle(r);
            return;
        }
        Matcher m;
        if (get && path.equals("/health")) {
            Health.Result health = web.health().check();
            r.json(health.ok() ? 200 : 503, health.body());
        } else if (get && path.equals("/")) {
            signIn.home(r);
        } else if (get && path.equals("/login")) {
            signIn.start(r);
        } else if (get && path.equals("/handle_login")) {
            signIn.callback(r);
        } else if (post && path.equals("/logout")) {
            signIn.logout(r);
        } else if (get && path.equals("/jobs")) {
            jobs.list(r);
        } else if (get && path.equals("/submit")) {
            jobs.form(r, null, java.util.List.of());
        } else if (post && path.equals("/submit")) {
            jobs.submit(r);
        } else if ((m = JOB.matcher(path)).matches() && (get || post)) {
            String tail = m.group(2);
            if (get && tail == null) {
                jobs.page(r, m.group(1));
            } else if (post && "/cancel".equals(tail)) {
                jobs.cancel(r, m.group(1));
            } else if (get && "/resubmit".equals(tail)) {
                jobs.resubmit(r, m.group(1));
            } else {
                r.text(405, "Method not allowed.");
            }
        } else if (get && path.equals("/files")) {
            files.list(r);
        } else if (post && path.equals("/files/upload")) {
            files.upload(r);
        } else if (post && path.equals("/files/upload_url")) {
            files.uploadUrl(r);
        } else if (get && path.equals("/admin/users")) {
            admin.users(r);
        } else if (post && (m = ADMIN.matcher(path)).matches()) {
            admin.act(r, m.group(1));
        } else if (get && (m = STATIC.matcher(path)).matches()) {
            serveStatic(r, m.group(1));
        } else {
            r.text(404, "Not found.");
        }
    }

    private void serveStatic(Request r, String name) throws IOException {
        Path file = web.views().staticDir().resolve(name);
        String ext = name.substring(name.lastIndexOf('.') + 1);
        if (!Files.isRegularFile(file) || !TYPES.containsKey(ext)) {
            r.text(404, "Not found.");
            return;
        }
        r.send(200, TYPES.get(ext), Files.readAllBytes(file));
    }
}
