package org.kotta.deployer.code;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Checks and resolves tar entry names as the extracting instance would see them. */
final class TarPaths {
    private static final Pattern DRIVE_LETTER = Pattern.compile("^[A-Za-z]:");
    private static final int MAX_LINK_HOPS = 40;
    private static final int MAX_QUOTED_LENGTH = 200;

    private TarPaths() {}

    /** Why {@code name} may not be extracted, or null when it stays inside the code tree. */
    static String problemWithName(String name) {
        if (name.isEmpty()) {
            return "an entry has an empty name";
        }
        String quoted = quote(name);
        if (hasControlCharacter(name)) {
            return "entry " + quoted + " has a control character in its name";
        }
        if (name.startsWith("/")) {
            return "entry " + quoted + " has an absolute path";
        }
        if (name.indexOf('\\') >= 0) {
            return "entry " + quoted + " has a backslash in its name (a Windows path trick)";
        }
        if (DRIVE_LETTER.matcher(name).find()) {
            return "entry " + quoted + " starts with a Windows drive letter";
        }
        if (segments(name).contains("..")) {
            return "entry " + quoted + " escapes the code tree (\"..\")";
        }
        return null;
    }

    /** True for a link target that names a place regardless of where the link sits. */
    static boolean isAbsolute(String target) {
        return target.startsWith("/")
                || target.indexOf('\\') >= 0
                || DRIVE_LETTER.matcher(target).find();
    }

    /** The name without "." segments, empty segments or a trailing slash: "./a//b/" is "a/b". */
    static String normalize(String name) {
        return String.join("/", segments(name));
    }

    /**
     * Follows a symbolic link at {@code linkPath} to {@code target} through the other links of
     * the tree ({@code links}, normalized path to target), as the kernel would after extraction.
     *
     * @return null when it stays inside the tree; "outside" or "loop" otherwise
     */
    static String resolveLink(String linkPath, String target, Map<String, String> links) {
        if (isAbsolute(target)) {
            return "outside";
        }
        Deque<String> pending = new ArrayDeque<>();
        List<String> parent = segments(linkPath);
        if (!parent.isEmpty()) {
            parent.remove(parent.size() - 1);
        }
        pending.addAll(parent);
        pending.addAll(segments(target));
        Deque<String> resolved = new ArrayDeque<>();
        int hops = 0;
        while (!pending.isEmpty()) {
            String segment = pending.pollFirst();
            if (segment.equals("..")) {
                if (resolved.isEmpty()) {
                    return "outside";
                }
                resolved.removeLast();
                continue;
            }
            resolved.addLast(segment);
            String through = links.get(String.join("/", resolved));
            if (through != null) {
                if (++hops > MAX_LINK_HOPS) {
                    return "loop";
                }
                if (isAbsolute(through)) {
                    return "outside";
                }
                resolved.removeLast();
                List<String> next = segments(through);
                for (int i = next.size() - 1; i >= 0; i--) {
                    pending.addFirst(next.get(i));
                }
            }
        }
        return null;
    }

    /** A name as it reads in a rejection: quoted, control characters escaped, long names cut. */
    static String quote(String name) {
        StringBuilder out = new StringBuilder("\"");
        int limit = Math.min(name.length(), MAX_QUOTED_LENGTH);
        for (int i = 0; i < limit; i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\u%04x", (int) c));
            } else if (c == '"') {
                out.append("\\\"");
            } else {
                out.append(c);
            }
        }
        if (name.length() > limit) {
            out.append("...");
        }
        return out.append('"').toString();
    }

    private static boolean hasControlCharacter(String s) {
        return s.chars().anyMatch(c -> c < 0x20 || c == 0x7f);
    }

    private static List<String> segments(String name) {
        List<String> out = new ArrayList<>();
        for (String segment : name.split("/")) {
            if (!segment.isEmpty() && !segment.equals(".")) {
                out.add(segment);
            }
        }
        return out;
    }
}
