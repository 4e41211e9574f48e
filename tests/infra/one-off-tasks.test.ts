import { beforeAll, describe, expect, it } from "vitest";
import { JOB_MAX_ATTEMPTS, WORKER_COMMAND } from "../../infra/lib/constructs/gpu-workers";
import { RUN_JOB_COMMAND } from "../../infra/lib/constructs/one-off-tasks";
import { decide, flatten, resourcesOfType, roleStatements, synthesize, type Json, type Statement, type Synthesized } from "./synth";

// CPU jobs on Fargate: a dataset validation or a results file that scoring could not finish in its request runs as
// `podium-worker --job ID` under a role that reads archives and results files — and nothing the GPU worker guards.

let synth: Synthesized;
let definition: Record<string, Json>;
let runner: Statement[];
let datasets = "";
let submissions = "";

beforeAll(() => {
  synth = synthesize();
  definition = resourcesOfType(synth.template, "AWS::Batch::JobDefinition")[synth.logicalId(synth.stack.tasks.runJobDefinition)]!.Properties!;
  runner = roleStatements(synth.template, synth.logicalId(synth.stack.tasks.runnerRole));
  datasets = `arn:${synth.logicalId(synth.stack.storage.datasets)}`;
  submissions = `arn:${synth.logicalId(synth.stack.storage.submissions)}`;
});

const container = () => definition.ContainerProperties as Record<string, Json>;

describe("run-job definition", () => {
  it("runs the worker's one-job entry point on Fargate with the job id parameter, as the worker's own program", () => {
    expect(container().Command).toEqual(["node", "/app/bin/podium-worker.mjs", "--job", "Ref::jobId"]);
    expect(RUN_JOB_COMMAND.slice(0, 2)).toEqual(WORKER_COMMAND.slice(0, 2));
    expect(definition.PlatformCapabilities).toEqual(["FARGATE"]);
  });

  it("is started again whenever a worker did not end its job, one more time than the job's attempts", () => {
    expect(definition.RetryStrategy).toMatchObject({ Attempts: JOB_MAX_ATTEMPTS + 1 });
    const onExit = ((definition.RetryStrategy as { EvaluateOnExit: { OnExitCode?: string; OnReason?: string; Action: string }[] }).EvaluateOnExit ?? []).map((rule) => [rule.OnExitCode ?? rule.OnReason, rule.Action.toLowerCase()]);
    expect(onExit).toEqual(expect.arrayContaining([["1", "retry"], ["*", "retry"]]));
  });

  it("runs on its own Fargate queue and capacity, apart from the deploy's migration", () => {
    const queues = resourcesOfType(synth.template, "AWS::Batch::JobQueue");
    const environmentsOf = (queue: Parameters<Synthesized["logicalId"]>[0]) =>
      ((queues[synth.logicalId(queue)]!.Properties!.ComputeEnvironmentOrder as { ComputeEnvironment: Json }[]) ?? []).map((entry) => flatten(entry.ComputeEnvironment));
    const runJob = environmentsOf(synth.stack.tasks.runJobQueue);
    expect(runJob).toHaveLength(1);
    expect(environmentsOf(synth.stack.tasks.jobQueue)).not.toContain(runJob[0]);
  });

  it("gets the task queue's URL with the rest of the Podium settings, under the runner role", () => {
    const environment = Object.fromEntries((container().Environment as { Name: string; Value: Json }[]).map((variable) => [variable.Name, flatten(variable.Value)]));
    expect(environment).toMatchObject({ PODIUM_QUEUE: "sqs", PODIUM_WORKER: "off", PODIUM_SQS_TASK_QUEUE_URL: `ref:${synth.logicalId(synth.stack.dispatch.taskQueue)}` });
    expect(flatten(container().JobRoleArn)).toBe(`arn:${synth.logicalId(synth.stack.tasks.runnerRole)}`);
  });
});

describe("the runner role", () => {
  it("validates archives: reads the upload, writes files, truth, names and the bundle, deletes a rejected version's files", () => {
    expect(decide(runner, "s3:GetObject", `${datasets}/datasets/c1/v2/archive.tar.gz`)).toBe("allow");
    for (const key of ["datasets/c1/v2/files/query/q1.jpg", "datasets/c1/v2/hidden/truth.json", "datasets/c1/v2/hidden/names.json", "bundles/c1/v2/participant-bundle.zip"]) {
      expect(decide(runner, "s3:PutObject", `${datasets}/${key}`), key).toBe("allow");
    }
    expect(decide(runner, "s3:DeleteObject", `${datasets}/datasets/c1/v2/files/query/q1.jpg`)).toBe("allow");
  });

  it("reads results files to score them, and nothing of models, the worker's cache or other hidden files", () => {
    expect(decide(runner, "s3:GetObject", `${submissions}/submissions/c1/t1/s1.json`)).toBe("allow");
    expect(decide(runner, "s3:PutObject", `${submissions}/submissions/c1/t1/s1.json`)).not.toBe("allow");
    expect(decide(runner, "s3:GetObject", `${submissions}/submissions/c1/t1/s1.onnx`)).not.toBe("allow");
    expect(decide(runner, "s3:GetObject", `${datasets}/cache/v1/gallery-224-uint8.bin`)).not.toBe("allow");
    expect(decide(runner, "s3:GetObject", `${datasets}/datasets/c1/v1/hidden/gallery/0001.jpg`)).not.toBe("allow");
    expect(decide(runner, "s3:DeleteObject", `${datasets}/datasets/c1/v1/hidden/truth.json`)).not.toBe("allow");
  });

  it("may announce on both queues the jobs its sweep put back (as the GPU worker may), and receive from none", () => {
    const gpu = roleStatements(synth.template, synth.logicalId(synth.stack.workers.jobRole));
    for (const queue of [synth.stack.dispatch.queue, synth.stack.dispatch.taskQueue]) {
      const arn = `arn:${synth.logicalId(queue)}`;
      for (const statements of [runner, gpu]) {
        expect(decide(statements, "sqs:SendMessage", arn)).toBe("allow");
        expect(decide(statements, "sqs:ReceiveMessage", arn)).toBe("implicit-deny");
      }
    }
  });

  it("reads the database secret, and the database accepts the tasks' security group", () => {
    expect(decide(runner, "secretsmanager:GetSecretValue", `ref:${synth.logicalId(synth.stack.database.secret)}`)).toBe("allow");
    const group = `${synth.logicalId(synth.stack.tasks.securityGroup)}.GroupId`;
    const ingress = Object.values(resourcesOfType(synth.template, "AWS::EC2::SecurityGroupIngress")).filter((rule) => flatten(rule.Properties!.SourceSecurityGroupId) === group);
    expect(ingress.length).toBeGreaterThan(0);
  });
});
