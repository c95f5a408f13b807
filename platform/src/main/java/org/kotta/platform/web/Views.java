package org.kotta.platform.web;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import com.github.mustachejava.MustacheFactory;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The page templates of the release ({@code views/*.mustache}, Mustache: every {@code {{value}}}
 * is HTML-escaped). Admins customize them; they are compiled once, at first use.
 */
public final class Views {
    private final Path viewsDir;
    private final MustacheFactory factory;

    public Views(Path appDir) {
        this.viewsDir = appDir.resolve("views");
        if (!Files.isDirectory(viewsDir)) {
            throw new IllegalStateException("no views/ under " + appDir + " (set KOTTA_APP_DIR to the release root)");
        }
        this.factory = new DefaultMustacheFactory(viewsDir.toFile());
    }

    public String render(String view, Map<String, Object> model) {
        Mustache template = factory.compile(view + ".mustache");
        StringWriter out = new StringWriter();
        try {
            template.execute(out, model).flush();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toString();
    }

    public Path staticDir() {
        return viewsDir.getParent().resolve("static");
    }
}
