package org.kotta.deployer.stacks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.kotta.deployer.core.AdminUser;
import org.kotta.deployer.core.DeploymentRequest;
import software.amazon.awssdk.services.cloudformation.model.Parameter;
import software.amazon.awssdk.services.cloudformation.model.Stack;

class KottaImagesTest {

    @Test
    void keepsThePlainImageIdTheStackRuns() {
        Stack stack = stackWith(Parameter.builder()
                .parameterKey("ImageId")
                .parameterValue("ami-0abcdef1234567890")
                .build());

        assertThat(KottaImages.imageOf(stack)).contains("ami-0abcdef1234567890");
    }

    /** A stack made while ImageId was SSM-typed holds the parameter's name; CloudFormation resolved it. */
    @Test
    void keepsTheImageAStackWithAnSsmTypedImageIdResolvedTo() {
        Stack stack = stackWith(Parameter.builder()
                .parameterKey("ImageId")
                .parameterValue(KottaImages.PUBLIC_PARAMETER)
                .resolvedValue("ami-0c2023a1b2c3d4e5f")
                .build());

        assertThat(KottaImages.imageOf(stack)).contains("ami-0c2023a1b2c3d4e5f");
    }

    @Test
    void findsNothingToKeepWithoutAnImageId() {
        Stack noImage = stackWith(Parameter.builder()
                .parameterKey("CodeKey")
                .parameterValue("releases/x.tar.gz")
                .build());
        Stack unresolved = stackWith(Parameter.builder()
                .parameterKey("ImageId")
                .parameterValue(KottaImages.PUBLIC_PARAMETER)
                .build());

        assertThat(KottaImages.imageOf(noImage)).isEmpty();
        assertThat(KottaImages.imageOf(unresolved)).isEmpty();
    }

    @Test
    void theKottaStackIsGivenTheChosenImage() {
        DeploymentRequest request = new DeploymentRequest(
                "kotta-demo",
                "us-east-1",
                "kotta-demo-jobs",
                "kotta.example.org",
                "arn:aws:acm:us-east-1:123456789012:certificate/abc",
                null,
                "amzn1.application-oa2-client.0123456789abcdef",
                "arn:aws:secretsmanager:us-east-1:123456789012:secret:kotta/oauth-AbCdEf",
                null,
                "t3.small",
                "c5.large",
                0,
                4,
                0,
                2,
                "0.10",
                null,
                List.of(new AdminUser("admin@example.org", null)),
                null,
                false);

        Map<String, String> parameters =
                StackSteps.kottaParameters(request, Map.of(), "releases/x.tar.gz", "ami-0abcdef1234567890");

        assertThat(parameters).containsEntry("ImageId", "ami-0abcdef1234567890");
    }

    private static Stack stackWith(Parameter parameter) {
        return Stack.builder()
                .stackName("kotta-demo")
                .stackStatus("UPDATE_COMPLETE")
                .parameters(parameter)
                .build();
    }
}
