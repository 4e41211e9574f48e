import { beforeAll, describe, expect, it } from "vitest";
import { actionsOf, flatten, resourcesOf, resourcesOfType, roleStatements, synthesize, type Json, type Synthesized } from "./synth";

// SQS → EventBridge Pipe → AWS Batch: one SCORE_MODEL message becomes one GPU job for its submission.

let synth: Synthesized;
let pipe: Record<string, Json>;

beforeAll(() => {
  synth = synthesize();
  const pipes = Object.values(resourcesOfType(synth.template, "AWS::Pipes::Pipe"));
  expect(pipes).toHaveLength(1);
  pipe = pipes[0]!.Properties!;
});

describe("job queue", () => {
  it("moves a message to the dead-letter queue after 3 failed receives", () => {
    const queue = resourcesOfType(synth.template, "AWS::SQS::Queue")[synth.logicalId(synth.stack.dispatch.queue)]!.Properties!;
    expect(queue.RedrivePolicy).toEqual({ deadLetterTargetArn: { "Fn::GetAtt": [synth.logicalId(synth.stack.dispatch.deadLetterQueue), "Arn"] }, maxReceiveCount: 3 });
  });

  it("keeps dead letters for 14 days", () => {
    const deadLetters = resourcesOfType(synth.template, "AWS::SQS::Queue")[synth.logicalId(synth.stack.dispatch.deadLetterQueue)]!.Properties!;
    expect(deadLetters.MessageRetentionPeriod).toBe(14 * 24 * 3600);
  });

  it("refuses plain-HTTP access to both queues", () => {
    for (const queue of [synth.stack.dispatch.queue, synth.stack.dispatch.deadLetterQueue]) {
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
