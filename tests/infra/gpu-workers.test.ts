import { beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { JOB_MAX_ATTEMPTS, WORKER_COMMAND } from "../../infra/lib/constructs/gpu-workers";
import { flatten, resourcesOfType, synthesize, type CfnResource, type Json, type Synthesized } from "./synth";

// The GPU tier: Batch scales from nothing, runs one entry per GPU, with the worker's command, limits and settings.

let synth: Synthesized;
let computeEnvironment: CfnResource;
let jobDefinition: Record<string, Json>;

beforeAll(() => {
  synth = synthesize({ gpuInstanceTypes: ["g5.xlarge", "g6.xlarge", "g5.2xlarge"], maxVcpus: 400, modelTimeoutMinutes: 90, workerTimeoutMinutes: 150, databaseProxy: true });
  computeEnvironment = resourcesOfType(synth.template, "AWS::Batch::ComputeEnvironment")[synth.logicalId(synth.stack.workers.computeEnvironment)]!;
  jobDefinition = resourcesOfType(synth.template, "AWS::Batch::JobDefinition")[synth.logicalId(synth.stack.workers.jobDefinition)]!.Properties!;
});

const containerOf = (definition: Record<string, Json>) => definition.ContainerProperties as Record<string, Json>;

describe("GPU compute environment", () => {
  it("scales down to 0 vCPUs and up to the configured ceiling", () => {
    const resources = computeEnvironment.Properties!.ComputeResources as Record<string, Json>;
    expect(resources.MinvCpus).toBe(0);
    expect(resources.MaxvCpus).toBe(400);
    expect(resources.Type).toBe("EC2");
  });

  it("launches only the configured NVIDIA GPU instance types, on the GPU AMI", () => {
    const resources = computeEnvironment.Properties!.ComputeResources as Record<string, Json>;
    expect(resources.InstanceTypes).toEqual(["g5.xlarge", "g6.xlarge", "g5.2xlarge"]);
    for (const type of resources.InstanceTypes as string[]) expect(type).toMatch(/^(g4dn|g5|g6|g6e|gr6|p3|p4d|p5)\./);
    expect(resources.Ec2Configuration).toEqual([{ ImageType: "ECS_AL2023_NVIDIA" }]);
  });

  it("puts its hosts in the isolated worker subnets", () => {
    const subnets = ((computeEnvironment.Properties!.ComputeResources as Record<string, Json>).Subnets as Json[]).map(flatten).sort();
    const workerSubnets = synth.stack.network.vpc.selectSubnets(synth.stack.network.workerSubnets).subnets.map((subnet) => `ref:${synth.logicalId(subnet)}`).sort();
    expect(subnets).toEqual(workerSubnets);
  });
});

describe("score-model job definition", () => {
  it("runs the worker's one-job entry point with the submission id parameter", () => {
    expect(containerOf(jobDefinition).Command).toEqual(["node", "/app/bin/podium-worker.mjs", "--submission", "Ref::submissionId"]);
    expect(containerOf(jobDefinition).Command).toEqual(WORKER_COMMAND);
  });

  it("asks for exactly one GPU, and vCPUs and memory that fit a 4-vCPU, 16 GiB host", () => {
    const requirements = containerOf(jobDefinition).ResourceRequirements as { Type: string; Value: string }[];
    expect(requirements.find((requirement) => requirement.Type === "GPU")?.Value).toBe("1");
    expect(Number(requirements.find((requirement) => requirement.Type === "VCPU")?.Value)).toBeLessThanOrEqual(4);
    expect(Number(requirements.find((requirement) => requirement.Type === "MEMORY")?.Value)).toBeLessThan(15 * 1024);
  });

  it("stops an attempt at the configured timeout, beyond the worker's own model limit", () => {
    expect(jobDefinition.Timeout).toEqual({ AttemptDurationSeconds: 150 * 60 });
    const environment = containerOf(jobDefinition).Environment as { Name: string; Value: Json }[];
    expect(environment).toContainEqual({ Name: "PODIUM_MODEL_TIMEOUT_SECONDS", Value: String(90 * 60) });
  });

  it("starts a worker again whenever one did not end its job, once more than the job's attempts", () => {
    const retry = jobDefinition.RetryStrategy as { Attempts: number; EvaluateOnExit: Record<string, string>[] };
    const schemaDefault = /maxAttempts\s+Int\s+@default\((\d+)\)/.exec(readFileSync("prisma/schema.prisma", "utf8"))?.[1];
    expect(Number(schemaDefault)).toBe(JOB_MAX_ATTEMPTS);
    expect(retry.Attempts).toBe(JOB_MAX_ATTEMPTS + 1);
    expect(retry.EvaluateOnExit).toEqual([
      { Action: "RETRY", OnStatusReason: "Host EC2*" },
      { Action: "RETRY", OnExitCode: "1" },
      { Action: "RETRY", OnReason: "*" },
    ]);
  });

  it("configures the worker for SQS dispatch with jobs left to Batch, both buckets and the database secret", () => {
    const environment = Object.fromEntries((containerOf(jobDefinition).Environment as { Name: string; Value: Json }[]).map((entry) => [entry.Name, flatten(entry.Value)]));
    expect(environment).toMatchObject({
      PODIUM_QUEUE: "sqs",
      PODIUM_WORKER: "off",
      S3_BUCKET: `ref:${synth.logicalId(synth.stack.storage.datasets)}`,
      S3_SUBMISSIONS_BUCKET: `ref:${synth.logicalId(synth.stack.storage.submissions)}`,
      S3_REGION: "${AWS::Region}",
      PODIUM_DATABASE_HOST: `${synth.logicalId(synth.stack.database.proxy!)}.Endpoint`,
    });
    expect(environment.PODIUM_DATABASE_SECRET_ARN).toMatch(/^ref:DatabaseClusterSecretAttachment/);
    // Nothing secret in plain text.
    expect(Object.keys(environment).filter((name) => /PASSWORD|DATABASE_URL|SECRET$/.test(name))).toEqual([]);
  });

  it("runs the pushed worker image with an init process and logs to its own log group", () => {
    expect(flatten(containerOf(jobDefinition).Image)).toContain("/podium-worker:test");
    expect(containerOf(jobDefinition).LinuxParameters).toEqual({ InitProcessEnabled: true });
    const logOptions = (containerOf(jobDefinition).LogConfiguration as { Options: Record<string, Json> }).Options;
    expect(flatten(logOptions["awslogs-group"])).toBe(`ref:${synth.logicalId(synth.stack.workers.logGroup)}`);
  });
});
