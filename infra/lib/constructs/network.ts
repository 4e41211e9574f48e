import * as ec2 from "aws-cdk-lib/aws-ec2";
import { Construct } from "constructs";

export interface NetworkProps {
  readonly maxAzs: number;
  /** Interface endpoints in the first N zones only (each endpoint is billed per AZ-hour); default: every zone. */
  readonly endpointAzs?: number;
  /** Give the web subnets a NAT gateway (GitHub sign-in calls github.com). The worker subnets never get one. */
  readonly webInternetEgress: boolean;
  /**
   * "on-demand": the endpoints only GPU hosts and Fargate tasks use (WORKER_ENDPOINT_SERVICES) are left to the
   * WorkerEndpoints construct, which makes them while Batch has work; "standing": they are part of the VPC.
   */
  readonly workerEndpoints: "on-demand" | "standing";
}

/** What GPU hosts and Fargate tasks call to start and log: image pulls, the ECS agent, the awslogs driver. */
export const WORKER_ENDPOINT_SERVICES = {
  // The awslogs driver of Batch containers (Lambda ships its own logs outside the VPC).
  Logs: ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS,
  // Image pulls: the registry API and the layer downloads (layers themselves come through the S3 gateway).
  EcrApi: ec2.InterfaceVpcEndpointAwsService.ECR,
  EcrDocker: ec2.InterfaceVpcEndpointAwsService.ECR_DOCKER,
  // The ECS agent on Batch's GPU hosts registers and reports through these three.
  Ecs: ec2.InterfaceVpcEndpointAwsService.ECS,
  EcsAgent: ec2.InterfaceVpcEndpointAwsService.ECS_AGENT,
  EcsTelemetry: ec2.InterfaceVpcEndpointAwsService.ECS_TELEMETRY,
};

/** Subnet group names, also used by tests to find the route tables. */
export const SUBNET_GROUPS = { web: "web", workers: "workers", database: "database", public: "public" } as const;

/**
 * A VPC whose worker and database subnets have no route out: no internet gateway or NAT unless the web tier asks
 * for egress, and even then only the web subnets route through it. AWS services are reached through VPC endpoints:
 * S3 and DynamoDB gateways (free) and interface endpoints for what the web Lambda, the Batch hosts (ECS agent, image
 * pulls, logs) and the containers (Secrets Manager, SQS) call.
 */
export class Network extends Construct {
  public readonly vpc: ec2.Vpc;
  public readonly webSubnets: ec2.SubnetSelection = { subnetGroupName: SUBNET_GROUPS.web };
  public readonly workerSubnets: ec2.SubnetSelection = { subnetGroupName: SUBNET_GROUPS.workers };
  public readonly databaseSubnets: ec2.SubnetSelection = { subnetGroupName: SUBNET_GROUPS.database };
  /** Where interface endpoints go: the worker subnets of the first endpointAzs zones. */
  public readonly endpointSubnets: ec2.SubnetSelection;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    const egress = props.webInternetEgress;
    this.vpc = new ec2.Vpc(this, "Vpc", {
      ipAddresses: ec2.IpAddresses.cidr("10.40.0.0/16"),
      maxAzs: props.maxAzs,
      natGateways: egress ? 1 : 0,
      subnetConfiguration: [
        ...(egress ? [{ name: SUBNET_GROUPS.public, subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 }] : []),
        { name: SUBNET_GROUPS.web, subnetType: egress ? ec2.SubnetType.PRIVATE_WITH_EGRESS : ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 22 },
        // /20 per zone: one address per GPU host and per Fargate task, with room for 4,000 of them.
        { name: SUBNET_GROUPS.workers, subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 20 },
        { name: SUBNET_GROUPS.database, subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
      ],
      // With NAT the private subnets get the default route, so name them explicitly: workers must stay isolated.
      natGatewaySubnets: egress ? { subnetGroupName: SUBNET_GROUPS.public } : undefined,
    });

    const routed = [this.webSubnets, this.workerSubnets];
    this.vpc.addGatewayEndpoint("S3", { service: ec2.GatewayVpcEndpointAwsService.S3, subnets: routed });
    // OpenNext's tag cache (DynamoDB) from the web Lambda.
    this.vpc.addGatewayEndpoint("DynamoDb", { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB, subnets: [this.webSubnets] });

    const endpointSubnets: ec2.SubnetSelection = (this.endpointSubnets = {
      subnetGroupName: SUBNET_GROUPS.workers,
      availabilityZones: props.endpointAzs === undefined ? undefined : this.vpc.availabilityZones.slice(0, props.endpointAzs),
    });
    const interfaceEndpoints: Record<string, ec2.InterfaceVpcEndpointAwsService> = {
      // The web tier queues model jobs; OpenNext queues revalidations.
      Sqs: ec2.InterfaceVpcEndpointAwsService.SQS,
      // Database credentials and the app secret, fetched at start by web, worker and one-off tasks.
      SecretsManager: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
      ...(props.workerEndpoints === "standing" ? WORKER_ENDPOINT_SERVICES : {}),
    };
    for (const [name, service] of Object.entries(interfaceEndpoints)) {
      // open: true admits HTTPS from the VPC's CIDR, i.e. from every Podium subnet and nothing else.
      this.vpc.addInterfaceEndpoint(name, { service, subnets: endpointSubnets, privateDnsEnabled: true, open: true });
    }
  }
}
