import { Duration, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { containerPort, serverTimings, type DeploySettings } from './settings';

export interface LoadBalancerProps {
  readonly vpc: ec2.IVpc;
  readonly service: ecs.FargateService;
  readonly settings: Pick<DeploySettings, 'certificateArn'>;
  /** Where the access logs go. */
  readonly logs: s3.IBucket;
}

/** The load balancer's idle timeout: below the server's keep-alive, so the balancer, not the server, closes idle connections. */
export const idleTimeoutS = serverTimings.keepAliveTimeoutS - 5;

/**
 * How long a deregistered task keeps its connections: above `shutdown_delay_s`, and long enough for
 * a socket.io long-polling request (held up to its 25 s ping interval) to be answered.
 */
export const deregistrationDelayS = Math.max(serverTimings.shutdownDelayS + 10, 30);

/**
 * The public entry: an Application Load Balancer with an HTTPS listener (HTTP redirects to it),
 * checking `/readyz` of every task, draining a stopping task for the deregistration delay, and
 * sticky by cookie so that socket.io's long-polling requests reach the task that holds the session.
 */
export class LoadBalancer extends Construct {
  readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  readonly targetGroup: elbv2.ApplicationTargetGroup;

  constructor(scope: Construct, id: string, props: LoadBalancerProps) {
    super(scope, id);
    this.loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'LoadBalancer', {
      vpc: props.vpc,
      internetFacing: true,
      vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
      idleTimeout: Duration.seconds(idleTimeoutS),
      dropInvalidHeaderFields: true,
    });
    this.loadBalancer.logAccessLogs(props.logs, 'alb');
    // Justified: a public web API is reached from any address, on 443 (and 80, which only redirects to 443).
    Validations.of(this.loadBalancer).acknowledge({
      id: 'AwsSolutions-EC23',
      reason: 'The public API answers any address on 443; port 80 only redirects to HTTPS.',
    });

    const https = this.loadBalancer.addListener('Https', {
      port: 443,
      protocol: elbv2.ApplicationProtocol.HTTPS,
      certificates: [elbv2.ListenerCertificate.fromArn(props.settings.certificateArn)],
      sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
      open: true,
    });
    this.loadBalancer.addRedirect({ sourcePort: 80, sourceProtocol: elbv2.ApplicationProtocol.HTTP, targetPort: 443 });

    this.targetGroup = https.addTargets('Service', {
      port: containerPort,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targets: [props.service],
      healthCheck: {
        path: '/readyz',
        healthyHttpCodes: '200',
        interval: Duration.seconds(10),
        timeout: Duration.seconds(5),
        healthyThresholdCount: 2,
        unhealthyThresholdCount: 2,
      },
      deregistrationDelay: Duration.seconds(deregistrationDelayS),
      // socket.io's long-polling sends each request of a session anew: they must reach the same task.
      stickinessCookieDuration: Duration.days(1),
    });
  }
}
