package org.kotta.deployer.localcloud;

/**
 * {@code ./kotta local token EMAIL}: prints, as one line, an access token for {@code EMAIL} from
 * the running local identity provider.
 * Usage: {@code java -cp <localcloud classpath> org.kotta.deployer.localcloud.LocalToken <issuer-url> <email>}.
 */
public final class LocalToken {
    private LocalToken() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 2 || args[1].isBlank()) {
            System.err.println("usage: LocalToken <issuer-url> <email>");
            System.exit(2);
        }
        System.out.println(LocalIdentityProvider.tokenFrom(args[0].replaceAll("/+$", ""), args[1].strip()));
    }
}
