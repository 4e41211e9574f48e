import { beforeAll, describe, expect, it } from "vitest";
import { flatten, resourcesOfType, synthesize, type Json, type Synthesized } from "./synth";

// The workers and the database have no way out of the VPC: no NAT or internet gateway route, AWS through endpoints.

let isolated: Synthesized;
/** The variant that gives the web tier a NAT gateway (GitHub sign-in): the workers must stay isolated anyway. */
let withWebEgress: Synthesized;

beforeAll(() => {
  isolated = synthesize();
  withWebEgress = synthesize({ webInternetEgress: true, endpointAzs: 1 });
});

function routeTables(synth: Synthesized, group: "webSubnets" | "workerSubnets" | "databaseSubnets"): string[] {
  const network = synth.stack.network;
  return network.vpc.selectSubnets(network[group]).subnets.map((subnet) => flatten(synth.stack.resolve(subnet.routeTable.routeTableId) as Json));
}

function routesOf(synth: Synthesized, tables: string[]): Record<string, Json>[] {
  return Object.values(resourcesOfType(synth.template, "AWS::EC2::Route"))
    .map((route) => route.Properties!)
    .filter((route) => tables.includes(flatten(route.RouteTableId)));
}

describe("worker and database subnets", () => {
  it("have no route at all beyond the VPC (the S3 and DynamoDB gateways attach to the route table separately)", () => {
    for (const synth of [isolated, withWebEgress]) {
      for (const group of ["workerSubnets", "databaseSubnets"] as const) {
        const tables = routeTables(synth, group);
        expect(tables).toHaveLength(2);
        expect(routesOf(synth, tables)).toEqual([]);
      }
    }
  });

  it("are the subnets of the GPU and Fargate compute environments", () => {
    const workerSubnets = isolated.stack.network.vpc.selectSubnets(isolated.stack.network.workerSubnets).subnetIds.map((id) => flatten(isolated.stack.resolve(id) as Json)).sort();
    for (const environment of Object.values(resourcesOfType(isolated.template, "AWS::Batch::ComputeEnvironment"))) {
      const subnets = ((environment.Properties!.ComputeResources as Record<string, Json>).Subnets as Json[]).map(flatten).sort();
      expect(subnets).toEqual(workerSubnets);
    }
  });
});

describe("the VPC", () => {
  it("has neither an internet gateway nor a NAT gateway by default", () => {
    isolated.template.resourceCountIs("AWS::EC2::InternetGateway", 0);
    isolated.template.resourceCountIs("AWS::EC2::NatGateway", 0);
    expect(Object.values(resourcesOfType(isolated.template, "AWS::EC2::Route"))).toEqual([]);
  });

  it("routes only the web subnets through NAT when web egress is on", () => {
    withWebEgress.template.resourceCountIs("AWS::EC2::NatGateway", 1);
    const webRoutes = routesOf(withWebEgress, routeTables(withWebEgress, "webSubnets"));
    expect(webRoutes).toHaveLength(2);
    for (const route of webRoutes) {
      expect(route.DestinationCidrBlock).toBe("0.0.0.0/0");
      expect(route.NatGatewayId).toBeDefined();
    }
  });

  it("reaches S3 and DynamoDB through gateway endpoints, and the services the hosts and containers call through interface endpoints", () => {
    const endpoints = Object.values(resourcesOfType(isolated.template, "AWS::EC2::VPCEndpoint")).map((endpoint) => ({
      service: flatten(endpoint.Properties!.ServiceName).replace("com.amazonaws.${AWS::Region}.", ""),
      type: endpoint.Properties!.VpcEndpointType,
    }));
    expect(endpoints.filter((endpoint) => endpoint.type === "Gateway").map((endpoint) => endpoint.service).sort()).toEqual(["dynamodb", "s3"]);
    // Standing: what the web function and the queue pass call. The workers' own come and go (worker-endpoints).
    expect(endpoints.filter((endpoint) => endpoint.type === "Interface").map((endpoint) => endpoint.service).sort()).toEqual(["secretsmanager", "sqs"]);
    const standing = synthesize({ workerEndpoints: "standing" });
    const standingServices = Object.values(resourcesOfType(standing.template, "AWS::EC2::VPCEndpoint"))
      .filter((endpoint) => endpoint.Properties!.VpcEndpointType === "Interface")
      .map((endpoint) => flatten(endpoint.Properties!.ServiceName).replace("com.amazonaws.${AWS::Region}.", ""));
    expect(standingServices.sort()).toEqual(["ecr.api", "ecr.dkr", "ecs", "ecs-agent", "ecs-telemetry", "logs", "secretsmanager", "sqs"]);
    expect(standing.stack.workerEndpoints).toBeUndefined();
  });

  it("puts the S3 gateway on the worker route tables (image layers, datasets, models)", () => {
    const s3 = Object.values(resourcesOfType(isolated.template, "AWS::EC2::VPCEndpoint")).find((endpoint) => flatten(endpoint.Properties!.ServiceName).endsWith(".s3"));
    const tables = (s3!.Properties!.RouteTableIds as Json[]).map(flatten);
    expect(tables).toEqual(expect.arrayContaining(routeTables(isolated, "workerSubnets")));
  });
});

describe("interface endpoints", () => {
  const interfaceSubnets = (synth: Synthesized) =>
    Object.values(resourcesOfType(synth.template, "AWS::EC2::VPCEndpoint"))
      .filter((endpoint) => endpoint.Properties!.VpcEndpointType === "Interface")
      .map((endpoint) => (endpoint.Properties!.SubnetIds as Json[]).map(flatten).sort());

  it("sit in every zone's worker subnet when endpointAzs is the zone count", () => {
    const everyZone = synthesize({ endpointAzs: 2 });
    const workerSubnets = everyZone.stack.network.vpc.selectSubnets(everyZone.stack.network.workerSubnets).subnets.map((subnet) => `ref:${everyZone.logicalId(subnet)}`).sort();
    for (const subnets of interfaceSubnets(everyZone)) expect(subnets).toEqual(workerSubnets);
  });

  it("sit in the first zone only by default (half the hourly cost; the other zone reaches them across)", () => {
    const first = isolated.stack.network.vpc.selectSubnets(isolated.stack.network.workerSubnets).subnets[0]!;
    for (const subnets of interfaceSubnets(isolated)) expect(subnets).toEqual([`ref:${isolated.logicalId(first)}`]);
  });

  it("sit in the first zone only when endpointAzs is 1 (half the hourly cost)", () => {
    const first = withWebEgress.stack.network.vpc.selectSubnets(withWebEgress.stack.network.workerSubnets).subnets[0]!;
    for (const subnets of interfaceSubnets(withWebEgress)) expect(subnets).toEqual([`ref:${withWebEgress.logicalId(first)}`]);
  });
});

describe("zones", () => {
  // An environment-agnostic stack knows no zones and the CDK gives its VPC two whatever maxAzs says: a deploy asked
  // for three used two, silently. Now three zones need the account and region, and the synth says so otherwise.
  it("refuses maxAzs above 2 without an account and region, naming what to set", () => {
    expect(() => synthesize({ maxAzs: 3 })).toThrow(/maxAzs=3 needs the stack's account and region.*CDK_DEFAULT_ACCOUNT/);
  });

  it("spreads the subnets over three zones when the stack has an account and region", () => {
    const { template } = synthesize({ maxAzs: 3, env: { account: "123456789012", region: "eu-west-1" } });
    const zones = new Set(Object.values(resourcesOfType(template, "AWS::EC2::Subnet")).map((subnet) => JSON.stringify(subnet.Properties!.AvailabilityZone)));
    expect(zones.size).toBe(3);
  });
});
