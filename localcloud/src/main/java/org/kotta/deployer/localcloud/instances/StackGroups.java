package org.kotta.deployer.localcloud.instances;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingGroup;
import software.amazon.awssdk.services.autoscaling.model.LaunchTemplateSpecification;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.StackResourceSummary;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.LaunchTemplateVersion;

/**
 * Reads a Kotta stack's Auto Scaling groups and, for each, the launch template version it
 * refers to (ListStackResources → DescribeAutoScalingGroups → DescribeLaunchTemplateVersions).
 */
final class StackGroups {
    static final Set<String> GROUPS = Set.of("WebServerGroup", "ProdWorkerGroup", "TestWorkerGroup");

    private final CloudFormationClient cfn;
    private final AutoScalingClient autoScaling;
    private final Ec2Client ec2;

    StackGroups(CloudFormationClient cfn, AutoScalingClient autoScaling, Ec2Client ec2) {
        this.cfn = cfn;
        this.autoScaling = autoScaling;
        this.ec2 = ec2;
    }

    /** The stack's groups, in template order of {@link #GROUPS} (web server first). */
    List<GroupSpec> read(String stackName) {
        List<GroupSpec> groups = new ArrayList<>();
        List<StackResourceSummary> resources =
                cfn.listStackResourcesPaginator(b -> b.stackName(stackName)).stackResourceSummaries().stream()
                        .filter(r -> "AWS::AutoScaling::AutoScalingGroup".equals(r.resourceType()))
                        .filter(r -> GROUPS.contains(r.logicalResourceId()))
                        .filter(r -> !r.resourceStatusAsString().startsWith("DELETE"))
                        .sorted((a, b) -> Boolean.compare(
                                !a.logicalResourceId().equals("WebServerGroup"),
                                !b.logicalResourceId().equals("WebServerGroup")))
                        .toList();
        for (StackResourceSummary resource : resources) {
            groups.add(read(resource.logicalResourceId(), resource.physicalResourceId()));
        }
        return groups;
    }

    private GroupSpec read(String logicalId, String groupName) {
        List<AutoScalingGroup> found = autoScaling
                .describeAutoScalingGroups(b -> b.autoScalingGroupNames(groupName))
                .autoScalingGroups();
        if (found.isEmpty()) {
            throw new IllegalStateException("Auto Scaling group " + groupName + " (" + logicalId + ") is not found");
        }
        AutoScalingGroup group = found.get(0);
        LaunchTemplateSpecification template = group.launchTemplate();
        if (template == null
                || template.launchTemplateId() == null
                || template.launchTemplateId().isEmpty()) {
            throw new IllegalStateException(
                    "Auto Scaling group " + groupName + " (" + logicalId + ") has no launch template");
        }
        String version = template.version() == null || template.version().isEmpty() ? "$Default" : template.version();
        List<LaunchTemplateVersion> versions = ec2.describeLaunchTemplateVersions(
                        b -> b.launchTemplateId(template.launchTemplateId()).versions(version))
                .launchTemplateVersions();
        if (versions.isEmpty()) {
            throw new IllegalStateException("launch template " + template.launchTemplateId() + " has no version "
                    + version + " (group " + logicalId + ")");
        }
        LaunchTemplateVersion chosen = versions.get(0);
        String userData = chosen.launchTemplateData() == null
                ? null
                : chosen.launchTemplateData().userData();
        Map<String, String> wiring;
        try {
            wiring = UserDataWiring.fromBase64(userData).orElse(null);
        } catch (IllegalArgumentException e) {
            throw new InstanceSyncException("group " + logicalId + ": launch template " + chosen.launchTemplateId()
                    + " version " + chosen.versionNumber() + ": " + e.getMessage());
        }
        return new GroupSpec(
                logicalId,
                groupName,
                chosen.launchTemplateId() + ":" + chosen.versionNumber(),
                wiring,
                group.minSize(),
                group.maxSize());
    }
}
