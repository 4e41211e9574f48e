import { beforeAll, describe, expect, it } from "vitest";
import { actionsOf, flatten, resourcesOf, resourcesOfType, roleStatements, synthesize, type Json, type Synthesized } from "./synth";

// SQS → EventBridge Pipe → AWS Batch: one SCORE_MODEL message becomes one GPU job for its submission; one
// VALIDATE_DATASET or SCORE_RESULTS message on the task queue becomes one Fargate job for that job id.

let synth: Synthesized;
let pipe: Record<string, Json>;
let taskPipe: Record<string, Json>;

beforeAll(() => {
  synth = synthesize();
  const pipes = Object.values(resourcesOfType(synth.template, "AWS::Pipes::Pipe")).map((resource) => resource.Properties!);
  expect(pipes).toHaveLength(2);
  const from = (queue: Parameters<Synthesized["logicalId"]>[0]) => pipes.find((candidate) => flatten(candidate.Source) === `arn:${synth.logicalId(queue)}`)!;
  pipe = from(synth.stack.dispatch.queue);
  taskPipe = from(synth.stack.dispatch.taskQueue);
});

describe("job queue", () => {
  it("moves a message of either queue to the dead-letter queue after 3 failed receives", () => {
    for (const source of [synth.stack.dispatch.queue, synth.stack.dispatch.taskQueue]) {
      const queue = resourcesOfType(synth.template, "AWS::SQS::Queue")[synth.logicalId(source)]!.Properties!;
      expect(queue.RedrivePolicy).toEqual({ deadLetterTargetArn: { "Fn::GetAtt": [synth.logicalId(synth.stack.dispatch.deadLetterQueue), "Arn"] }, maxReceiveCount: 3 });
    }
  });

  it("keeps dead letters for 14 days", () => {
    const deadLetters = resourcesOfType(synth.template, "AWS::SQS::Queue")[synth.logicalId(synth.stack.dispatch.deadLetterQueue)]!.Properties!;
    expect(deadLetters.MessageRetentionPeriod).toBe(14 * 24 * 3600);
  });

  it("refuses plain-HTTP access to both queues", () => {
    for (const queue of [synth.stack.dispatch.queue, synth.stack.dispatch.taskQueue, synth.stack.dispatch.deadLetterQueue]) {
      const policy = Object.values(resourcesOfType(synth.template, "AWS::SQS::QueuePolicy")).find((candidate) => (candidate.Properties!.Queues as Json[]).map(flatten).includes(`ref:${synth.logicalId(queue)}`));
      expect(JSON.stringify(policy?.Properties!.PolicyDocument)).toContain('"aws:SecureTransport":"false"');
    }
  });
});

describe("pipe", () => {
  it("reads the job queue one message at a time", () => {
    expect(flatten(pipe.Source)).toBe(`arn:${synth.logicalId(synth.stack.dispatch.queue)}`);
    expect(pipe.SourceParameters).toEqual({ SqsQueueParameters: { BatchSize: 1 } });
  });

  it("submits a job of the score-model definition to the GPU queue, with submissionId taken from the message body", () => {
    expect(flatten(pipe.Target)).toBe(`${synth.logicalId(synth.stack.workers.jobQueue)}.JobQueueArn`);
    const target = (pipe.TargetParameters as { BatchJobParameters: Record<string, Json> }).BatchJobParameters;
    expect(flatten(target.JobDefinition)).toBe(`ref:${synth.logicalId(synth.stack.workers.jobDefinition)}`);
    expect(target.Parameters).toEqual({ submissionId: "$.body.submissionId" });
    expect(target.JobName).toMatch(/^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/);
  });

  it("may consume the queue and submit to that queue and definition, nothing else", () => {
    const statements = roleStatements(synth.template, flatten(pipe.RoleArn).replace(/^arn:/, ""));
    const queue = `arn:${synth.logicalId(synth.stack.dispatch.queue)}`;
    expect(statements.filter((statement) => resourcesOf(statement).includes(queue)).flatMap(actionsOf).sort()).toEqual(["sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"]);
    const submit = statements.filter((statement) => actionsOf(statement).includes("batch:SubmitJob"));
    expect(submit.flatMap(resourcesOf).sort()).toEqual([`${synth.logicalId(synth.stack.workers.jobQueue)}.JobQueueArn`, `ref:${synth.logicalId(synth.stack.workers.jobDefinition)}`].sort());
  });

  it("logs the messages it cannot submit to a log group with retention", () => {
    const destination = (pipe.LogConfiguration as { CloudwatchLogsLogDestination: { LogGroupArn: Json } }).CloudwatchLogsLogDestination;
    expect(flatten(destination.LogGroupArn)).toBe(`arn:${synth.logicalId(synth.stack.dispatch.logGroup)}`);
  });
});

describe("task pipe", () => {
  it("submits a job of the run-job definition to the Fargate queue, one message at a time, with jobId from the body", () => {
    expect(taskPipe.SourceParameters).toEqual({ SqsQueueParameters: { BatchSize: 1 } });
    expect(flatten(taskPipe.Target)).toBe(`${synth.logicalId(synth.stack.tasks.runJobQueue)}.JobQueueArn`);
    const target = (taskPipe.TargetParameters as { BatchJobParameters: Record<string, Json> }).BatchJobParameters;
    expect(flatten(target.JobDefinition)).toBe(`ref:${synth.logicalId(synth.stack.tasks.runJobDefinition)}`);
    expect(target.Parameters).toEqual({ jobId: "$.body.jobId" });
  });

  it("may consume only the task queue and submit only run-job jobs to the Fargate queue", () => {
    const statements = roleStatements(synth.template, flatten(taskPipe.RoleArn).replace(/^arn:/, ""));
    const taskQueue = `arn:${synth.logicalId(synth.stack.dispatch.taskQueue)}`;
    expect(statements.filter((statement) => resourcesOf(statement).includes(taskQueue)).flatMap(actionsOf).sort()).toEqual(["sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"]);
    expect(statements.some((statement) => resourcesOf(statement).includes(`arn:${synth.logicalId(synth.stack.dispatch.queue)}`))).toBe(false);
    const submit = statements.filter((statement) => actionsOf(statement).includes("batch:SubmitJob"));
    expect(submit.flatMap(resourcesOf).sort()).toEqual([`${synth.logicalId(synth.stack.tasks.runJobQueue)}.JobQueueArn`, `ref:${synth.logicalId(synth.stack.tasks.runJobDefinition)}`].sort());
  });
});
