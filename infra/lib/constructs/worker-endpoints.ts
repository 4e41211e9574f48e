import { CustomResource, Duration, Fn, Stack } from "aws-cdk-lib";
import type * as batch from "aws-cdk-lib/aws-batch";
import * as ec2 from "aws-cdk-lib/aws-ec2";
import * as events from "aws-cdk-lib/aws-events";
import * as targets from "aws-cdk-lib/aws-events-targets";
import * as iam from "aws-cdk-lib/aws-iam";
import * as lambda from "aws-cdk-lib/aws-lambda";
import type * as logs from "aws-cdk-lib/aws-logs";
import * as cr from "aws-cdk-lib/custom-resources";
import { Construct } from "constructs";
import { join } from "node:path";
import { functionBundleCode } from "../function-bundle";
import { logGroupWithRetention } from "../log-groups";
import { REPO_ROOT } from "../paths";

/** Built by scripts/prepare.mjs from infra/functions/worker-endpoints/handler.ts. */
export const WORKER_ENDPOINTS_BUNDLE_DIR = join(REPO_ROOT, "dist", "functions", "worker-endpoints");
/** The tag that marks the endpoints the function made (its value: the stack's name). */
export const WORKER_ENDPOINT_TAG = "podium:worker-endpoints";

export interface WorkerEndpointsProps {
  readonly vpc: ec2.IVpc;
  /** Where the endpoints go: the worker subnets (of the endpoint zones). */
  readonly subnets: ec2.SubnetSelection;
  /** The services GPU hosts and Fargate tasks need to start and log (ECR, ECS, CloudWatch Logs). */
  readonly services: ec2.InterfaceVpcEndpointAwsService[];
  /** Podium's Batch queues: while a job of theirs waits or runs, the endpoints stay. */
  readonly jobQueues: batch.IJobQueue[];
  /** How long the endpoints outlive the last job (and their own creation) before the hourly pass removes them. */
  readonly idle: Duration;
  readonly logRetention: logs.RetentionDays;
  readonly bundleDir?: string;
}

/**
 * The workers' interface endpoints, on demand (infra/functions/worker-endpoints/handler.ts): standing, they were
 * most of an idle month's bill (6 services × 2 zones × $7.30). Made before any job is submitted (the dispatch pipes'
 * enrichment waits for them) and before the deploy's migration (a custom resource); removed by an hourly pass after
 * an idle period, and at stack deletion.
 */
export class WorkerEndpoints extends Construct {
  public readonly function: lambda.Function;
  public readonly securityGroup: ec2.SecurityGroup;
  /** Made on create and update, removed on delete: the migration runs after it. */
  public readonly resource: CustomResource;
  public readonly schedule: events.Rule;

  constructor(scope: Construct, id: string, props: WorkerEndpointsProps) {
    super(scope, id);
    const bundleDir = props.bundleDir ?? WORKER_ENDPOINTS_BUNDLE_DIR;
    const stack = Stack.of(this);
    const owner = stack.stackName;
    // HTTPS from the VPC's own addresses only, as the standing endpoints' `open: true`.
    this.securityGroup = new ec2.SecurityGroup(this, "SecurityGroup", { vpc: props.vpc, description: "Podium worker endpoints (HTTPS from the VPC)", allowAllOutbound: false });
    this.securityGroup.addIngressRule(ec2.Peer.ipv4(props.vpc.vpcCidrBlock), ec2.Port.tcp(443), "HTTPS from the VPC");
    const subnetIds = props.vpc.selectSubnets(props.subnets).subnetIds;

    this.function = new lambda.Function(this, "Function", {
      description: "Podium: the workers' interface endpoints, made while Batch has work and removed when idle",
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      handler: "index.handler",
      code: functionBundleCode(bundleDir),
      memorySize: 256,
      // Waiting for new endpoints to become available takes one to three minutes.
      timeout: Duration.minutes(15),
      logGroup: logGroupWithRetention(this, "Logs", props.logRetention),
      environment: {
        OWNER: owner,
        VPC_ID: props.vpc.vpcId,
        SUBNET_IDS: Fn.join(",", subnetIds),
        SECURITY_GROUP_IDS: this.securityGroup.securityGroupId,
        SERVICES: props.services.map((service) => service.name).join(","),
        JOB_QUEUES: Fn.join(",", props.jobQueues.map((queue) => queue.jobQueueArn)),
        IDLE_MINUTES: String(props.idle.toMinutes()),
        WAIT_SECONDS: "600",
      },
    });
    const account = stack.account;
    const region = stack.region;
    const arn = (resource: string) => `arn:${stack.partition}:ec2:${region}:${account}:${resource}`;
    const policy = new iam.Policy(this, "Policy", {
      statements: [
        new iam.PolicyStatement({ actions: ["ec2:DescribeVpcEndpoints"], resources: ["*"] }),
        // Only in this VPC, its subnets and security group, and only endpoints tagged as this stack's.
        new iam.PolicyStatement({ actions: ["ec2:CreateVpcEndpoint"], resources: [arn(`vpc/${props.vpc.vpcId}`), ...subnetIds.map((subnet) => arn(`subnet/${subnet}`)), arn(`security-group/${this.securityGroup.securityGroupId}`)] }),
        new iam.PolicyStatement({ actions: ["ec2:CreateVpcEndpoint"], resources: [arn("vpc-endpoint/*")], conditions: { StringEquals: { [`aws:RequestTag/${WORKER_ENDPOINT_TAG}`]: owner } } }),
        new iam.PolicyStatement({ actions: ["ec2:CreateTags"], resources: [arn("vpc-endpoint/*")], conditions: { StringEquals: { "ec2:CreateAction": "CreateVpcEndpoint" } } }),
        new iam.PolicyStatement({ actions: ["ec2:DeleteVpcEndpoints"], resources: [arn("vpc-endpoint/*")], conditions: { StringEquals: { [`aws:ResourceTag/${WORKER_ENDPOINT_TAG}`]: owner } } }),
        // Private DNS for an interface endpoint associates the VPC with the service's private hosted zone.
        new iam.PolicyStatement({ actions: ["route53:AssociateVPCWithHostedZone"], resources: ["*"] }),
        // ListJobs has no resource-level permissions.
        new iam.PolicyStatement({ actions: ["batch:ListJobs"], resources: ["*"] }),
      ],
    });
    this.function.role!.attachInlinePolicy(policy);

    this.schedule = new events.Rule(this, "Schedule", { description: "Podium: remove the workers' endpoints once idle", schedule: events.Schedule.rate(Duration.hours(1)) });
    this.schedule.addTarget(new targets.LambdaFunction(this.function));

    const provider = new cr.Provider(this, "Provider", { onEventHandler: this.function, logGroup: logGroupWithRetention(this, "ProviderLogs", props.logRetention) });
    this.resource = new CustomResource(this, "Endpoints", { serviceToken: provider.serviceToken, properties: { services: props.services.map((service) => service.name).join(",") } });
    this.resource.node.addDependency(policy);
  }

  /** Lets an EventBridge pipe call the function as its enrichment step. */
  grantEnrichment(role: iam.IGrantable): void {
    this.function.grantInvoke(role);
  }
}
