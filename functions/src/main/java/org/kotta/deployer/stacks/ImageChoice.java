package org.kotta.deployer.stacks;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The Amazon Linux image a deployment gives the Kotta stack (recorded as {@code image}).
 *
 * @param imageId   the AMI id passed as kotta.yaml's {@code ImageId}
 * @param source    {@link Source#RESOLVED} (looked up in {@code parameter} now) or {@link Source#KEPT} (the stack's own)
 * @param parameter the public SSM parameter it was looked up in, or null when kept
 * @param reason    why it was looked up or kept, in an admin's words
 */
public record ImageChoice(String imageId, Source source, String parameter, String reason) {

    /** Where the image came from; the record spells it {@code resolved} or {@code kept}. */
    public enum Source {
        RESOLVED("resolved"),
        KEPT("kept");

        private final String json;

        Source(String json) {
            this.json = json;
        }

        @JsonValue
        public String json() {
            return json;
        }
    }
}
