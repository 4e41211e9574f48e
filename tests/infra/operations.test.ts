import { beforeAll, describe, expect, it } from "vitest";
import { flatten, resourcesOfType, synthesize, type CfnResource, type Json, type Synthesized } from "./synth";

// Alarms an operator needs during an event, log groups that expire, and the outputs the README refers to.

let synth: Synthesized;
let alarms: Record<string, Json>[];

beforeAll(() => {
  synth = synthesize({ logRetentionDays: 14, alarmEmail: "ops@podium.test", queueAgeAlarmMinutes: 15 });
  alarms = Object.values(resourcesOfType(synth.template, "AWS::CloudWatch::Alarm")).map((alarm) => alarm.Properties!);
});

const dimensions = (alarm: Record<string, Json>) => Object.fromEntries((alarm.Dimensions as { Name: string; Value: Json }[]).map((dimension) => [dimension.Name, flatten(dimension.Value)]));
const findAlarm = (namespace: string, metric: string) => {
  const found = alarms.filter((alarm) => alarm.Namespace === namespace && alarm.MetricName === metric);
  expect(found, `${namespace} ${metric}`).toHaveLength(1);
  return found[0]!;
};

describe("alarms", () => {
  it("fire when the oldest message of either job queue is older than the configured age", () => {
    const ageAlarms = alarms.filter((alarm) => alarm.Namespace === "AWS/SQS" && alarm.MetricName === "ApproximateAgeOfOldestMessage");
    expect(ageAlarms.map((alarm) => dimensions(alarm).QueueName).sort()).toEqual([synth.stack.dispatch.queue, synth.stack.dispatch.taskQueue].map((queue) => `${synth.logicalId(queue)}.QueueName`).sort());
    for (const alarm of ageAlarms) expect(alarm).toMatchObject({ Threshold: 15 * 60, ComparisonOperator: "GreaterThanThreshold" });
  });

  it("fire on the first message in the dead-letter queue", () => {
    const alarm = findAlarm("AWS/SQS", "ApproximateNumberOfMessagesVisible");
    expect(dimensions(alarm).QueueName).toBe(`${synth.logicalId(synth.stack.dispatch.deadLetterQueue)}.QueueName`);
    expect(alarm.Threshold).toBe(0);
    expect(alarm.ComparisonOperator).toBe("GreaterThanThreshold");
  });

  it("fire when a Batch job on Podium's queues ends FAILED", () => {
    const alarm = findAlarm("AWS/Events", "TriggeredRules");
    const rules = resourcesOfType(synth.template, "AWS::Events::Rule");
    const ruleId = dimensions(alarm).RuleName!.replace(/^ref:/, "");
    const pattern = rules[ruleId]!.Properties!.EventPattern as { source: string[]; "detail-type": string[]; detail: { status: string[]; jobQueue: Json[] } };
    expect(pattern.source).toEqual(["aws.batch"]);
    expect(pattern["detail-type"]).toEqual(["Batch Job State Change"]);
    expect(pattern.detail.status).toEqual(["FAILED"]);
    expect(pattern.detail.jobQueue.map(flatten).sort()).toEqual([synth.stack.workers.jobQueue, synth.stack.tasks.jobQueue, synth.stack.tasks.runJobQueue].map((queue) => `${synth.logicalId(queue)}.JobQueueArn`).sort());
    expect(alarm.Threshold).toBe(1);
  });

  it("fire when Aurora runs near its maximum capacity", () => {
    const alarm = findAlarm("AWS/RDS", "ACUUtilization");
    expect(dimensions(alarm).DBClusterIdentifier).toBe(`ref:${synth.logicalId(synth.stack.database.cluster)}`);
    expect(alarm.Threshold).toBeGreaterThanOrEqual(80);
  });

  it("fire on web function errors and throttles, and on any failed queue pass", () => {
    const lambdaAlarms = (metric: string) => alarms.filter((alarm) => alarm.Namespace === "AWS/Lambda" && alarm.MetricName === metric);
    expect(lambdaAlarms("Throttles").map((alarm) => dimensions(alarm).FunctionName)).toEqual([`ref:${synth.logicalId(synth.stack.web.serverFunction)}`]);
    const errors = new Map(lambdaAlarms("Errors").map((alarm) => [dimensions(alarm).FunctionName, alarm]));
    expect([...errors.keys()].sort()).toEqual([synth.stack.web.serverFunction, synth.stack.queuePass.function].map((fn) => `ref:${synth.logicalId(fn)}`).sort());
    const queuePass = errors.get(`ref:${synth.logicalId(synth.stack.queuePass.function)}`)!;
    expect(queuePass).toMatchObject({ Threshold: 0, ComparisonOperator: "GreaterThanThreshold", Period: 3600 });
  });

  it("notify the alarm topic, which mails the configured address", () => {
    const topic = `ref:${synth.logicalId(synth.stack.operations.topic)}`;
    expect(alarms).toHaveLength(8);
    for (const alarm of alarms) expect((alarm.AlarmActions as Json[]).map(flatten)).toEqual([topic]);
    synth.template.hasResourceProperties("AWS::SNS::Subscription", { Protocol: "email", Endpoint: "ops@podium.test" });
  });
});

describe("logs", () => {
  it("expire after the configured retention in every log group", () => {
    const groups = Object.values(resourcesOfType(synth.template, "AWS::Logs::LogGroup"));
    expect(groups.length).toBeGreaterThanOrEqual(4);
    for (const group of groups) expect(group.Properties!.RetentionInDays).toBe(14);
  });

  it("go to those log groups from the web functions, the worker, the one-off tasks and the pipe", () => {
    const groups = new Set(Object.keys(resourcesOfType(synth.template, "AWS::Logs::LogGroup")).map((id) => `ref:${id}`));
    const functions = resourcesOfType(synth.template, "AWS::Lambda::Function");
    const web = synth.stack.web;
    for (const fn of [web.serverFunction, web.imageFunction, web.revalidationFunction, synth.stack.tasks.migrationTrigger]) {
      const config = functions[synth.logicalId(fn)]!.Properties!.LoggingConfig as { LogGroup: Json } | undefined;
      expect(groups.has(flatten(config?.LogGroup)), fn.node.path).toBe(true);
    }
    for (const definition of Object.values(resourcesOfType(synth.template, "AWS::Batch::JobDefinition")) as CfnResource[]) {
      const options = ((definition.Properties!.ContainerProperties as Record<string, Json>).LogConfiguration as { Options: Record<string, Json> }).Options;
      expect(groups.has(flatten(options["awslogs-group"]))).toBe(true);
    }
  });
});

describe("outputs", () => {
  it("name the site URL, both buckets and the job queue URL", () => {
    const outputs = synth.template.toJSON().Outputs as Record<string, { Value: Json }>;
    expect(flatten(outputs.SiteUrl?.Value)).toBe(`https://${synth.logicalId(synth.stack.web.distribution)}.DomainName`);
    expect(flatten(outputs.DatasetsBucket?.Value)).toBe(`ref:${synth.logicalId(synth.stack.storage.datasets)}`);
    expect(flatten(outputs.SubmissionsBucket?.Value)).toBe(`ref:${synth.logicalId(synth.stack.storage.submissions)}`);
    expect(flatten(outputs.JobQueueUrl?.Value)).toBe(`ref:${synth.logicalId(synth.stack.dispatch.queue)}`);
  });
});
