package org.kotta.deployer.localcloud.instances;

import java.util.List;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;

/**
 * What an Auto Scaling group does for its instances in AWS and the local cloud does not: registers
 * the web server in the group's target groups once it answers {@code /health}. Locally the one
 * target is the stable URL (the relay to whichever instance serves now), so the local cloud's load
 * balancer data plane reaches the site as AWS's would, and the orchestrator's site check reads the
 * target health and {@code /health} through the same calls in both.
 */
final class LoadBalancerTargets {
    private final CloudFormationClient cfn;
    private final AutoScalingClient autoScaling;
    private final ElasticLoadBalancingV2Client elb;

    LoadBalancerTargets(CloudFormationClient cfn, AutoScalingClient autoScaling, ElasticLoadBalancingV2Client elb) {
        this.cfn = cfn;
        this.autoScaling = autoScaling;
        this.elb = elb;
    }

    /**
     * Registers 127.0.0.1:{@code port} in every target group of the Auto Scaling group (idempotent).
     * MiniStack keeps no {@code TargetGroupARNs} on a group; then the stack's own target groups
     * stand in (the Kotta stack has one, the web server's).
     */
    void register(String stackName, String groupName, int port) {
        List<String> targetGroups =
                autoScaling
                        .describeAutoScalingGroups(b -> b.autoScalingGroupNames(groupName))
                        .autoScalingGroups()
                        .stream()
                        .flatMap(group -> group.targetGroupARNs().stream())
                        .toList();
        if (targetGroups.isEmpty()) {
            targetGroups =
                    cfn.listStackResourcesPaginator(b -> b.stackName(stackName)).stackResourceSummaries().stream()
                            .filter(r -> "AWS::ElasticLoadBalancingV2::TargetGroup".equals(r.resourceType()))
                            .map(r -> r.physicalResourceId())
                            .toList();
        }
        for (String targetGroup : targetGroups) {
            elb.registerTargets(b ->
                    b.targetGroupArn(targetGroup).targets(t -> t.id("127.0.0.1").port(port)));
        }
    }
}
