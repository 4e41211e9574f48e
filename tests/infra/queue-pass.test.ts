import { App, Duration, Stack } from "aws-cdk-lib";
import * as ec2 from "aws-cdk-lib/aws-ec2";
import { beforeAll, describe, expect, it } from "vitest";
import { QueuePass } from "../../infra/lib/constructs/queue-pass";
import { decide, flatten, resourcesOfType, roleStatements, synthesize, type Json, type Synthesized } from "./synth";

// The scheduled queue pass: with PODIUM_WORKER=off nothing polls the jobs table, so a rule runs a function that
// sweeps expired leases and announces waiting jobs on SQS. It must reach the database and send to the job queue.

let synth: Synthesized;
let fn: Record<string, Json>;
let functionId: string;

const scheduleOf = (s: Synthesized) => {
  const id = s.logicalId(s.stack.queuePass.function);
  const rules = Object.values(resourcesOfType(s.template, "AWS::Events::Rule")).filter((rule) => (rule.Properties!.Targets as Json[] | undefined)?.some((target) => flatten((target as { Arn: Json }).Arn) === `arn:${id}`));
  expect(rules).toHaveLength(1);
  return rules[0]!.Properties!;
};

beforeAll(() => {
  synth = synthesize();
  functionId = synth.logicalId(synth.stack.queuePass.function);
  fn = resourcesOfType(synth.template, "AWS::Lambda::Function")[functionId]!.Properties!;
});

describe("queue pass", () => {
  it("runs the bundled handler on Node 22 inside the VPC, with the Podium settings that select SQS", () => {
    expect(fn.Runtime).toBe("nodejs22.x");
    expect(fn.Handler).toBe("index.handler");
    expect(fn.VpcConfig).toBeDefined();
    const variables = (fn.Environment as { Variables: Record<string, Json> }).Variables;
    expect(variables.PODIUM_QUEUE).toBe("sqs");
    expect(variables.PODIUM_WORKER).toBe("off");
    expect(flatten(variables.PODIUM_SQS_QUEUE_URL)).toBe(`ref:${synth.logicalId(synth.stack.dispatch.queue)}`);
    expect(flatten(variables.PODIUM_DATABASE_SECRET_ARN)).toBe(`ref:${synth.logicalId(synth.stack.database.secret)}`);
  });

  it("runs hourly by default (the database may pause, and each pass wakes it), without retries piling up", () => {
    const rule = scheduleOf(synth);
    expect(rule.ScheduleExpression).toBe("rate(1 hour)");
    expect(scheduleOf(synthesize({ auroraMinAcu: 0.5 })).ScheduleExpression).toBe("rate(5 minutes)");
    expect((rule.Targets as { RetryPolicy?: { MaximumRetryAttempts: number } }[])[0]!.RetryPolicy).toEqual({ MaximumRetryAttempts: 0 });
  });

  it("runs hourly when the database may pause (each pass wakes it), or as often as configured", () => {
    expect(scheduleOf(synthesize({ auroraMinAcu: 0 })).ScheduleExpression).toBe("rate(1 hour)");
    expect(scheduleOf(synthesize({ auroraMinAcu: 0, queuePassMinutes: 15 })).ScheduleExpression).toBe("rate(15 minutes)");
  });

  it("may send to the job queue and read the database secret, and reaches the database's port", () => {
    const statements = roleStatements(synth.template, flatten(fn.Role).replace(/^arn:/, ""));
    const queue = `arn:${synth.logicalId(synth.stack.dispatch.queue)}`;
    expect(decide(statements, "sqs:SendMessage", queue)).toBe("allow");
    expect(decide(statements, "sqs:ReceiveMessage", queue)).toBe("implicit-deny");
    expect(decide(statements, "secretsmanager:GetSecretValue", `ref:${synth.logicalId(synth.stack.database.secret)}`)).toBe("allow");
    const functionGroups = (fn.VpcConfig as { SecurityGroupIds: Json[] }).SecurityGroupIds.map(flatten);
    const ingress = Object.values(resourcesOfType(synth.template, "AWS::EC2::SecurityGroupIngress")).filter((rule) => functionGroups.includes(flatten(rule.Properties!.SourceSecurityGroupId)));
    expect(ingress.map((rule) => rule.Properties!.Description)).toEqual(expect.arrayContaining([expect.stringMatching(/queue pass/)]));
  });

  it("refuses to synthesize without its bundle, naming the command that builds it", () => {
    const stack = new Stack(new App(), "Bare");
    const vpc = new ec2.Vpc(stack, "Vpc", { maxAzs: 2, natGateways: 0 });
    expect(() => new QueuePass(stack, "QueuePass", { vpc, subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }, environment: {}, every: Duration.minutes(5), logRetention: 30, bundleDir: "/nonexistent/queue-pass" })).toThrow(
      /\/nonexistent\/queue-pass\/index\.mjs is missing: run `node scripts\/prepare\.mjs`/,
    );
  });
});
