import { BatchClient } from "@aws-sdk/client-batch";
import { EC2Client } from "@aws-sdk/client-ec2";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ensureEndpoints, handler, OWNER_TAG, releaseEndpoints, releaseWhenIdle, settingsFrom, type EndpointClients, type EndpointSettings } from "../../infra/functions/worker-endpoints/handler";
import { startEc2BatchStandIn, type Ec2BatchStandIn } from "../helpers/ec2-batch-stand-in";
import { decide, flatten, resourcesOfType, roleStatements, synthesize, type Json } from "./synth";

// Issue 16, idle cost: the workers' interface endpoints exist only while Batch has Podium work. The function's
// requests are checked against an EC2 and Batch stand-in (tests/helpers/ec2-batch-stand-in.ts): the request contract,
// not AWS's acceptance of it.

const SERVICES = ["ecr.api", "ecr.dkr", "ecs", "ecs-agent", "logs"].map((name) => `com.amazonaws.eu-west-1.${name}`);
const QUEUES = ["arn:aws:batch:eu-west-1:123456789012:job-queue/gpu", "arn:aws:batch:eu-west-1:123456789012:job-queue/tasks"];

describe("worker endpoints on demand", () => {
  let standIn: Ec2BatchStandIn;
  let clients: EndpointClients;
  let settings: EndpointSettings;
  const quiet = () => {};

  beforeEach(async () => {
    standIn = await startEc2BatchStandIn();
    const config = { region: "eu-west-1", endpoint: standIn.endpoint, credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" } };
    clients = { ec2: new EC2Client(config), batch: new BatchClient(config) };
    settings = settingsFrom({
      OWNER: "Podium",
      VPC_ID: "vpc-0123",
      SUBNET_IDS: "subnet-a",
      SECURITY_GROUP_IDS: "sg-endpoints",
      SERVICES: SERVICES.join(","),
      JOB_QUEUES: QUEUES.join(","),
      IDLE_MINUTES: "60",
      WAIT_SECONDS: "30",
      POLL_MS: "1",
    });
  });
  afterEach(async () => {
    await standIn.close();
  });

  it("makes each missing endpoint with private DNS in the worker subnets, tagged as the stack's, and waits until all are available", async () => {
    const made = await ensureEndpoints(clients, settings, quiet);
    expect(made).toHaveLength(SERVICES.length);
    expect(standIn.endpoints.map((endpoint) => endpoint.serviceName).sort()).toEqual([...SERVICES].sort());
    for (const endpoint of standIn.endpoints) {
      expect(endpoint).toMatchObject({ vpcId: "vpc-0123", subnetIds: ["subnet-a"], securityGroupIds: ["sg-endpoints"], privateDns: true, state: "available" });
      expect(endpoint.tags[OWNER_TAG]).toBe("Podium");
    }
    // Again: nothing new is made.
    expect(await ensureEndpoints(clients, settings, quiet)).toEqual([]);
    expect(standIn.endpoints).toHaveLength(SERVICES.length);
  });

  it("passes the dispatch pipe's events through unchanged once the endpoints are available", async () => {
    const events = [{ messageId: "m1", body: JSON.stringify({ kind: "SCORE_MODEL", submissionId: "s1" }) }];
    const previous = { ...process.env };
    Object.assign(process.env, { OWNER: "Podium", VPC_ID: "vpc-0123", SUBNET_IDS: "subnet-a", SECURITY_GROUP_IDS: "sg-endpoints", SERVICES: SERVICES.join(","), JOB_QUEUES: QUEUES.join(","), WAIT_SECONDS: "30", POLL_MS: "1" });
    try {
      expect(await handler(events, undefined, clients)).toEqual(events);
    } finally {
      process.env = previous;
    }
    expect(standIn.endpoints.filter((endpoint) => endpoint.state === "available")).toHaveLength(SERVICES.length);
  });

  it("takes a concurrent invocation's endpoint for its own rather than failing, and names one it cannot have", async () => {
    // Two pipes' enrichments at once: both see nothing, both create; the second meets the first's DNS name.
    const [first, second] = await Promise.all([ensureEndpoints(clients, settings, quiet), ensureEndpoints(clients, settings, quiet)]);
    expect(first.length + second.length).toBe(SERVICES.length);
    expect(standIn.endpoints).toHaveLength(SERVICES.length);
    // Another stack's endpoint for the same service in the same VPC conflicts too, and is never taken for ours.
    standIn.endpoints[0]!.tags[OWNER_TAG] = "Other";
    await expect(ensureEndpoints(clients, { ...settings, services: SERVICES.slice(0, 1), waitSeconds: 0 }, quiet)).rejects.toThrow(/not available after 0 s: com\.amazonaws\.eu-west-1\.ecr\.api/);
  });

  it("removes them only when no job of Podium's queues waits or runs and they are an idle hour old; only its own", async () => {
    await ensureEndpoints(clients, settings, quiet);
    standIn.endpoints.push({ ...standIn.endpoints[0]!, id: "vpce-someone-else", serviceName: "com.amazonaws.eu-west-1.sqs", tags: { Name: "not ours" } });
    const created = standIn.endpoints[0]!.createdAt.getTime();

    expect(await releaseWhenIdle(clients, settings, created + 10 * 60_000, quiet)).toEqual({ released: [], reason: "made less than an idle period ago" });
    standIn.activeJobs.set(`${QUEUES[1]} RUNNABLE`, 1);
    expect(await releaseWhenIdle(clients, settings, created + 2 * 3_600_000, quiet)).toEqual({ released: [], reason: "jobs waiting or running" });
    expect(standIn.actions).toContain(`ListJobs ${QUEUES[1]} RUNNABLE`);

    standIn.activeJobs.clear();
    const idle = await releaseWhenIdle(clients, settings, created + 2 * 3_600_000, quiet);
    expect(idle.reason).toBe("idle");
    expect(idle.released).toHaveLength(SERVICES.length);
    expect(standIn.endpoints.find((endpoint) => endpoint.id === "vpce-someone-else")!.state).toBe("available");
    expect(await releaseWhenIdle(clients, settings, created + 3 * 3_600_000, quiet)).toMatchObject({ released: [] });
  });

  it("at stack deletion, deletes its endpoints and waits until they are gone from the VPC", async () => {
    await ensureEndpoints(clients, settings, quiet);
    const ids = await releaseEndpoints(clients, settings, quiet, { waitUntilGone: true });
    expect(ids).toHaveLength(SERVICES.length);
    expect(standIn.endpoints.every((endpoint) => endpoint.state === "deleted")).toBe(true);
  });

  it("names a missing setting", () => {
    expect(() => settingsFrom({ OWNER: "Podium", VPC_ID: "vpc-1", SUBNET_IDS: "", SECURITY_GROUP_IDS: "sg", SERVICES: "x", JOB_QUEUES: "q" })).toThrow(/subnetIds is not set/);
  });
});

describe("worker endpoints in the stack", () => {
  const synth = synthesize();
  const endpoints = synth.stack.workerEndpoints!;
  const functionArn = `arn:${synth.logicalId(endpoints.function)}`;

  it("runs the function outside the VPC, hourly, with the workers' services and Podium's three Batch queues", () => {
    const fn = resourcesOfType(synth.template, "AWS::Lambda::Function")[synth.logicalId(endpoints.function)]!.Properties!;
    expect(fn.VpcConfig).toBeUndefined();
    const variables = (fn.Environment as { Variables: Record<string, Json> }).Variables;
    expect(flatten(variables.SERVICES).split(",").map((name) => name.replace("com.amazonaws.${AWS::Region}.", "")).sort()).toEqual(["ecr.api", "ecr.dkr", "ecs", "ecs-agent", "ecs-telemetry", "logs"]);
    expect(flatten(variables.JOB_QUEUES).split(",")).toHaveLength(3);
    expect(variables.IDLE_MINUTES).toBe("60");
    const rule = resourcesOfType(synth.template, "AWS::Events::Rule")[synth.logicalId(endpoints.schedule)]!.Properties!;
    expect(rule.ScheduleExpression).toBe("rate(1 hour)");
  });

  it("puts itself before every SubmitJob as the pipes' enrichment, which the pipes' roles may invoke", () => {
    const pipes = Object.values(resourcesOfType(synth.template, "AWS::Pipes::Pipe"));
    expect(pipes).toHaveLength(2);
    for (const pipe of pipes) {
      expect(flatten(pipe.Properties!.Enrichment)).toBe(functionArn);
      const role = flatten(pipe.Properties!.RoleArn).replace(/^arn:/, "");
      expect(decide(roleStatements(synth.template, role), "lambda:InvokeFunction", functionArn)).toBe("allow");
    }
  });

  it("makes the endpoints before the deploy's migration pulls the worker image", () => {
    const trigger = Object.entries(resourcesOfType(synth.template, "Custom::Trigger"))[0]!;
    const dependsOn = (synth.template.toJSON().Resources[trigger[0]] as { DependsOn?: string[] }).DependsOn ?? [];
    expect(dependsOn).toContain(synth.logicalId(endpoints.resource));
  });
});
