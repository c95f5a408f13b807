package org.kotta.deployer.validate;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AwsNamesTest {

    @Test
    void commercialRegionsFromTheSdkHoldEveryRegionTheHandListHad() {
        // the list kept by hand before the SDK's metadata replaced it: the SDK may add regions, never drop these
        assertThat(AwsNames.COMMERCIAL_REGIONS)
                .contains(
                        "us-east-1",
                        "us-east-2",
                        "us-west-1",
                        "us-west-2",
                        "ca-central-1",
                        "ca-west-1",
                        "sa-east-1",
                        "mx-central-1",
                        "eu-west-1",
                        "eu-west-2",
                        "eu-west-3",
                        "eu-central-1",
                        "eu-central-2",
                        "eu-north-1",
                        "eu-south-1",
                        "eu-south-2",
                        "af-south-1",
                        "me-south-1",
                        "me-central-1",
                        "il-central-1",
                        "ap-south-1",
                        "ap-south-2",
                        "ap-southeast-1",
                        "ap-southeast-2",
                        "ap-southeast-3",
                        "ap-southeast-4",
                        "ap-southeast-5",
                        "ap-southeast-6",
                        "ap-southeast-7",
                        "ap-northeast-1",
                        "ap-northeast-2",
                        "ap-northeast-3",
                        "ap-east-1",
                        "ap-east-2");
    }

    @Test
    void commercialRegionsLeaveOutOtherPartitionsAndGlobalPseudoRegions() {
        assertThat(AwsNames.COMMERCIAL_REGIONS)
                .doesNotContain(
                        "us-gov-west-1",
                        "us-gov-east-1",
                        "cn-north-1",
                        "cn-northwest-1",
                        "us-iso-east-1",
                        "us-isob-east-1",
                        "eusc-de-east-1",
                        "aws-global",
                        "aws-cn-global")
                .allMatch(region -> region.matches("[a-z]{2}-[a-z]+-[0-9]"));
    }
}
