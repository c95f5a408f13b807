package org.kotta.deployer.stacks;

/**
 * The Amazon Linux image a deployment gives the Kotta stack (recorded as {@code image}).
 *
 * @param imageId   the AMI id passed as kotta.yaml's {@code ImageId}
 * @param source    {@link #RESOLVED} (looked up in {@code parameter} now) or {@link #KEPT} (the stack's own)
 * @param parameter the public SSM parameter it was looked up in, or null when kept
 * @param reason    why it was looked up or kept, in an admin's words
 */
public record ImageChoice(String imageId, String source, String parameter, String reason) {
    public static final String RESOLVED = "resolved";
    public static final String KEPT = "kept";
}
