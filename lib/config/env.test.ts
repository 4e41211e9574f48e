import { describe, expect, it } from "vitest";
import { databaseUrlFromSecret, readSettings, sandboxEnvironment } from "./env";

describe("settings wired by the AWS stack", () => {
  it("builds DATABASE_URL from the RDS secret, connecting through the proxy host", () => {
    const url = databaseUrlFromSecret(JSON.stringify({ username: "podium", password: "p@ss/word:1", host: "cluster.internal", port: 5432, dbname: "podium" }), "proxy.internal");
    expect(url).toBe("postgresql://podium:p%40ss%2Fword%3A1@proxy.internal:5432/podium?sslmode=verify-full");
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

describe("the model sandbox's environment", () => {
  it("holds what the runtime needs and none of the server's secrets or settings", () => {
    const saved = { ...process.env };
    Object.assign(process.env, { DATABASE_URL: "postgresql://u:secret@db/podium", AUTH_SECRET: "a", PODIUM_SECRET: "p", S3_SECRET_KEY: "s", AWS_SECRET_ACCESS_KEY: "k", NODE_OPTIONS: "--import x", PATH: "/usr/bin:/bin" });
    try {
      const env = sandboxEnvironment();
      expect(env.PATH).toBe("/usr/bin:/bin");
      for (const name of ["DATABASE_URL", "AUTH_SECRET", "PODIUM_SECRET", "S3_SECRET_KEY", "AWS_SECRET_ACCESS_KEY", "NODE_OPTIONS"]) expect(env, name).not.toHaveProperty(name);
      expect(JSON.stringify(env)).not.toContain("secret");
    } finally {
      for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
      Object.assign(process.env, saved);
    }
  });
});
