import { describe, expect, it } from "vitest";
import { databaseUrlFromSecret, readSettings } from "./env";

describe("settings wired by the AWS stack", () => {
  it("builds DATABASE_URL from the RDS secret, connecting through the proxy host", () => {
    const url = databaseUrlFromSecret(JSON.stringify({ username: "podium", password: "p@ss/word:1", host: "cluster.internal", port: 5432, dbname: "podium" }), "proxy.internal");
    expect(url).toBe("postgresql://podium:p%40ss%2Fword%3A1@proxy.internal:5432/podium?sslmode=require");
    expect(new URL(url).password).toBe("p%40ss%2Fword%3A1");
    expect(() => databaseUrlFromSecret(JSON.stringify({ username: "x" }), undefined)).toThrow(/no username or password/);
  });

  it("chooses PostgreSQL when only the secret's ARN is given, and requires a queue URL for SQS", () => {
    const config = readSettings({ PODIUM_DATABASE_SECRET_ARN: "arn:aws:secretsmanager:us-east-1:1:secret:db" });
    expect(config.database).toMatchObject({ kind: "postgres", url: null });
    expect(() => readSettings({ PODIUM_QUEUE: "sqs" })).toThrow(/PODIUM_SQS_QUEUE_URL: required when PODIUM_QUEUE=sqs/);
    expect(() => readSettings({ PODIUM_QUEUE: "sqs", PODIUM_SQS_QUEUE_URL: "https://sqs.us-east-1.amazonaws.com/1/q" })).toThrow(/PODIUM_SQS_TASK_QUEUE_URL: required when PODIUM_QUEUE=sqs/);
    const both = readSettings({ PODIUM_QUEUE: "sqs", PODIUM_SQS_QUEUE_URL: "https://sqs.us-east-1.amazonaws.com/1/q", PODIUM_SQS_TASK_QUEUE_URL: "https://sqs.us-east-1.amazonaws.com/1/t" });
    expect(both.worker).toMatchObject({ queue: "sqs", sqsQueueUrl: "https://sqs.us-east-1.amazonaws.com/1/q", sqsTaskQueueUrl: "https://sqs.us-east-1.amazonaws.com/1/t" });
    expect(() => readSettings({ PODIUM_MODEL_MEMORY_MB: "lots" })).toThrow(/PODIUM_MODEL_MEMORY_MB/);
  });
});
