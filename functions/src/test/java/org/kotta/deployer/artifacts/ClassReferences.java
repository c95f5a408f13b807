package org.kotta.deployer.artifacts;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a handler's code refers to, read from the class files themselves: every class name in
 * a class file's constant pool (class entries, field and method descriptors, signatures),
 * followed from the handler through the project's own classes. The SDK services named on the
 * way are the ones the handler can call. The client factory is the one class that names every
 * service, and builds a client only when asked: its own service names are skipped, and a call
 * through it still counts, because the caller's constant pool holds the accessor's descriptor
 * ({@code ()Lsoftware/amazon/awssdk/services/s3/S3Client;}).
 */
final class ClassReferences {
    static final String CLIENT_FACTORY = "org/kotta/deployer/core/AwsClients";
    private static final Pattern OWN_CLASS = Pattern.compile("org/kotta/[A-Za-z0-9_/$]+");
    private static final Pattern SDK_SERVICE = Pattern.compile("software/amazon/awssdk/services/([a-z0-9]+)/");

    private final Map<String, byte[]> ownClasses;

    /** @param ownClasses the project's class files by internal name ("org/kotta/deployer/api/Foo") */
    ClassReferences(Map<String, byte[]> ownClasses) {
        this.ownClasses = ownClasses;
    }

    /** The SDK services (module names: "s3", "dynamodb") reachable from one class. */
    Set<String> servicesReachableFrom(String className) {
        Set<String> services = new TreeSet<>();
        Set<String> seen = new HashSet<>();
        Deque<String> queue = new ArrayDeque<>();
        queue.add(className);
        while (!queue.isEmpty()) {
            String name = queue.poll();
            byte[] bytes = ownClasses.get(name);
            if (!seen.add(name) || bytes == null) {
                continue;
            }
            boolean factory = name.equals(CLIENT_FACTORY) || name.startsWith(CLIENT_FACTORY + "$");
            for (String constant : utf8Constants(bytes)) {
                Matcher own = OWN_CLASS.matcher(constant);
                while (own.find()) {
                    queue.add(own.group());
                }
                Matcher service = SDK_SERVICE.matcher(constant);
                while (!factory && service.find()) {
                    services.add(service.group(1));
                }
            }
        }
        return services;
    }

    /** Every CONSTANT_Utf8 of a class file (JVMS 4.4). */
    static Set<String> utf8Constants(byte[] classFile) {
        Set<String> strings = new HashSet<>();
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(classFile))) {
            if (in.readInt() != 0xCAFEBABE) {
                throw new IllegalArgumentException("not a class file");
            }
            in.readUnsignedShort();
            in.readUnsignedShort();
            int count = in.readUnsignedShort();
            for (int i = 1; i < count; i++) {
                int tag = in.readUnsignedByte();
                switch (tag) {
                    case 1 -> strings.add(in.readUTF());
                    case 7, 8, 16, 19, 20 -> in.skipNBytes(2);
                    case 15 -> in.skipNBytes(3);
                    case 3, 4, 9, 10, 11, 12, 17, 18 -> in.skipNBytes(4);
                    case 5, 6 -> {
                        in.skipNBytes(8);
                        i++;
                    }
                    default -> throw new IllegalArgumentException("unknown constant pool tag " + tag);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return strings;
    }
}
