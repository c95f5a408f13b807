package org.kotta.deployer.code;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Recipe keys and the digest resource (the embedded release itself: {@code EmbeddedReleaseIT}). */
class ReleaseRecipeTest {
    private static final String SOURCE = "a".repeat(64);

    @Test
    void missingDigestResourceMeansNoDigest() {
        assertThat(new PlatformRelease(PlatformRelease.RESOURCE, "no-such.sha256").sha256())
                .isEmpty();
    }

    @Test
    void keyDependsOnSourceConfAndLimits() {
        String key = ReleaseRecipe.key(SOURCE, "conf", TarballLimits.DEFAULTS);

        assertThat(key)
                .matches("releases/recipes/[0-9a-f]{64}\\.json")
                .isEqualTo(ReleaseRecipe.key(SOURCE, "conf", TarballLimits.DEFAULTS))
                .isNotEqualTo(ReleaseRecipe.key("b".repeat(64), "conf", TarballLimits.DEFAULTS))
                .isNotEqualTo(ReleaseRecipe.key(SOURCE, "conf2", TarballLimits.DEFAULTS))
                .isNotEqualTo(ReleaseRecipe.key(SOURCE, "conf", new TarballLimits(1024, 4096, 10, 5)));
    }

    @Test
    void wellFormedOnlyWhenTheKeyIsTheReleaseOfItsSha256() {
        assertThat(ReleaseRecipe.of(SOURCE).wellFormed()).isTrue();
        assertThat(new ReleaseRecipe("code/x.tar.gz", SOURCE).wellFormed()).isFalse();
        assertThat(new ReleaseRecipe("releases/" + "b".repeat(64) + ".tar.gz", SOURCE).wellFormed())
                .isFalse();
        assertThat(new ReleaseRecipe("releases/x.tar.gz", "x").wellFormed()).isFalse();
        assertThat(new ReleaseRecipe(null, null).wellFormed()).isFalse();
    }
}
