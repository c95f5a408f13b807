package org.kotta.deployer.validate;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The rule for an administrator's e-mail address: local@domain, a dot-atom local part and a
 * domain following {@link AwsNames#domainNameProblems}. Quoted local parts and address
 * literals, which no mail sign-in needs, are refused.
 */
final class EmailAddresses {
    static final int MAX_LENGTH = 254;
    static final int MAX_LOCAL_PART = 64;
    // RFC 5322 dot-atom: what an address's local part may hold without quoting
    private static final Pattern LOCAL_PART =
            Pattern.compile("^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$");

    private EmailAddresses() {}

    /** What is wrong with {@code address}; empty when it is fine. */
    static List<String> problems(String address) {
        List<String> problems = new ArrayList<>();
        if (address.length() > MAX_LENGTH) {
            problems.add("must be at most " + MAX_LENGTH + " characters (got " + address.length() + ")");
        }
        int at = address.indexOf('@');
        if (at < 0 || at != address.lastIndexOf('@')) {
            problems.add("must be an e-mail address local@domain with exactly one @");
            return problems;
        }
        String local = address.substring(0, at);
        String domain = address.substring(at + 1);
        if (local.isEmpty() || local.length() > MAX_LOCAL_PART) {
            problems.add("the part before @ must be 1 to " + MAX_LOCAL_PART + " characters");
        } else if (!LOCAL_PART.matcher(local).matches()) {
            problems.add("the part before @ may contain only letters, digits, single inner dots and"
                    + " !#$%&'*+/=?^_`{|}~-");
        }
        for (String problem : AwsNames.domainNameProblems(domain)) {
            problems.add("the domain after @ " + problem);
        }
        return problems;
    }
}
