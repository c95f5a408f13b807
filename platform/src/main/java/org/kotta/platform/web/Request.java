package org.kotta.platform.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** One HTTP exchange: its parsed query, form and cookies, and the ways to answer it. */
public final class Request {
    /** Form bodies (not uploads) are small. */
    static final int MAX_FORM_BYTES = 1024 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpExchange exchange;
    private final Map<String, List<String>> query;
    private Map<String, List<String>> form;
    private int status;

    Request(HttpExchange exchange) {
        this.exchange = exchange;
        this.query = parse(exchange.getRequestURI().getRawQuery());
    }

    public String method() {
        return exchange.getRequestMethod();
    }

    public String path() {
        return exchange.getRequestURI().getPath();
    }

    /** The path as sent, still percent-encoded (what the request log shows). */
    public String rawPath() {
        return exchange.getRequestURI().getRawPath();
    }

    public HttpExchange exchange() {
        return exchange;
    }

    public int status() {
        return status;
    }

    public Optional<String> header(String name) {
        return Optional.ofNullable(exchange.getRequestHeaders().getFirst(name));
    }

    public String queryParam(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** Form fields (application/x-www-form-urlencoded); empty for other bodies. */
    public Map<String, List<String>> form() throws IOException {
        if (form == null) {
            String type = header("Content-Type").orElse("");
            if ("POST".equals(method()) && type.startsWith("application/x-www-form-urlencoded")) {
                form = parse(new String(readBody(MAX_FORM_BYTES), StandardCharsets.UTF_8));
            } else {
                form = Map.of();
            }
        }
        return form;
    }

    public String field(String name) throws IOException {
        List<String> values = form().get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    public byte[] readBody(int max) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readNBytes(max + 1);
            if (body.length > max) {
                throw new TooLarge(max);
            }
            return body;
        }
    }

    public Optional<String> cookie(String name) {
        for (String header : exchange.getRequestHeaders().getOrDefault("Cookie", List.of())) {
            for (String part : header.split(";")) {
                int eq = part.indexOf('=');
                if (eq > 0 && part.substring(0, eq).strip().equals(name)) {
                    return Optional.of(part.substring(eq + 1).strip());
                }
            }
        }
        return Optional.empty();
    }

    public void setCookie(String name, String value, long maxAgeSeconds, boolean secure) {
        exchange.getResponseHeaders()
                .add(
                        "Set-Cookie",
                        name + "=" + value + "; Path=/; Max-Age=" + maxAgeSeconds + "; HttpOnly; SameSite=Lax"
                                + (secure ? "; Secure" : ""));
    }

    public void html(int code, String body) throws IOException {
        exchange.getResponseHeaders()
                .set("Content-Security-Policy", "default-src 'self'; form-action 'self' https: http:");
        exchange.getResponseHeaders().set("X-Frame-Options", "DENY");
        send(code, "text/html; charset=utf-8", body.getBytes(StandardCharsets.UTF_8));
    }

    public void json(int code, Object body) throws IOException {
        send(code, "application/json", JSON.writeValueAsBytes(body));
    }

    public void text(int code, String body) throws IOException {
        send(code, "text/plain; charset=utf-8", body.getBytes(StandardCharsets.UTF_8));
    }

    public void redirect(String location) throws IOException {
        exchange.getResponseHeaders().set("Location", location);
        send(303, "text/plain; charset=utf-8", new byte[0]);
    }

    public void send(int code, String contentType, byte[] body) throws IOException {
        status = code;
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        if ("HEAD".equals(method())) {
            exchange.sendResponseHeaders(code, -1);
            return;
        }
        exchange.sendResponseHeaders(code, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    static Map<String, List<String>> parse(String raw) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
        }
        return out;
    }

    /** A body over its cap. */
    public static final class TooLarge extends IOException {
        public TooLarge(int max) {
            super("the request body is larger than " + max + " bytes");
        }
    }
}
