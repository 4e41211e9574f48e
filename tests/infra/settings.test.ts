import { describe, expect, it } from "vitest";
import { optionsFromContext, resolveSettings, type PodiumOptions } from "../../infra/lib/settings";
import { resourcesOfType, SITE_ORIGIN, synthesize, type Json } from "./synth";

// Stack options are validated at synth time: a bad value fails `cdk synth` naming it, before CloudFormation.

const valid: PodiumOptions = { siteOrigin: SITE_ORIGIN };
const problemsOf = (options: Partial<PodiumOptions> & Record<string, unknown>) => {
  try {
    resolveSettings({ ...valid, ...options } as PodiumOptions);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
};

describe("resolveSettings", () => {
  it("applies the documented defaults", () => {
    expect(resolveSettings(valid)).toMatchObject({
      gpuInstanceTypes: ["g5.xlarge", "g6.xlarge"],
      minVcpus: 0,
      maxVcpus: 64,
      modelTimeoutMinutes: 60,
      workerTimeoutMinutes: 120,
      auroraMinAcu: 0,
      auroraMaxAcu: 4,
      databaseProxy: false,
      endpointAzs: 1,
      workerEndpoints: "on-demand",
      webInternetEgress: false,
      logRetentionDays: 30,
    });
  });

  it.each([
    ["a wildcard origin", { siteOrigin: "*" }, /siteOrigin/],
    ["a plain-HTTP origin", { siteOrigin: "http://podium.example.org" }, /siteOrigin/],
    ["an origin with a path", { siteOrigin: "https://podium.example.org/app" }, /siteOrigin/],
    ["a missing origin", { siteOrigin: undefined }, /siteOrigin/],
    ["a CPU instance type", { gpuInstanceTypes: ["g5.xlarge", "m5.large"] }, /gpuInstanceTypes\.1: must be an NVIDIA GPU instance type/],
    ["no instance type", { gpuInstanceTypes: [] }, /gpuInstanceTypes/],
    ["a capacity between ACU steps", { auroraMinAcu: 0.25 }, /auroraMinAcu: must be a multiple of 0.5 ACU/],
    ["a maximum below the minimum", { auroraMinAcu: 8, auroraMaxAcu: 4 }, /auroraMaxAcu: must be at least auroraMinAcu/],
    ["a ceiling below one job", { maxVcpus: 2, workerVcpus: 4 }, /maxVcpus: must fit at least one job/],
    ["a Batch timeout that cuts the worker's own", { modelTimeoutMinutes: 60, workerTimeoutMinutes: 70 }, /workerTimeoutMinutes: must leave at least 15 minutes/],
    ["a floor above the ceiling", { minVcpus: 128, maxVcpus: 64 }, /minVcpus: cannot exceed maxVcpus/],
    ["a retention CloudWatch does not offer", { logRetentionDays: 10 }, /logRetentionDays: must be one of 1, 3, 5, 7, 14, 30/],
    ["a certificate outside us-east-1", { certificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-0000-4000-8000-123456789abc" }, /certificateArn/],
    ["more endpoint zones than zones", { maxAzs: 2, endpointAzs: 3 }, /endpointAzs: cannot exceed maxAzs/],
  ])("refuses %s", (_name, options, message) => {
    expect(problemsOf(options)).toMatch(message);
  });

  it("names every problem at once", () => {
    const message = problemsOf({ siteOrigin: "*", auroraMinAcu: 0.3, gpuInstanceTypes: ["t3.micro"] });
    expect(message).toMatch(/siteOrigin/);
    expect(message).toMatch(/auroraMinAcu/);
    expect(message).toMatch(/gpuInstanceTypes/);
  });

  it("accepts 0 ACU, Aurora Serverless v2's auto-pause floor", () => {
    expect(problemsOf({ auroraMinAcu: 0 })).toBeNull();
  });
});

describe("optionsFromContext", () => {
  it("reads `-c key=value` strings into typed options", () => {
    const context: Record<string, string> = {
      siteOrigin: SITE_ORIGIN,
      gpuInstanceTypes: "g6.xlarge, g6.2xlarge",
      maxVcpus: "400",
      auroraMinAcu: "0",
      databaseProxy: "false",
      webInternetEgress: "true",
      unrelated: "ignored",
    };
    const settings = resolveSettings(optionsFromContext((key) => context[key]));
    expect(settings).toMatchObject({ gpuInstanceTypes: ["g6.xlarge", "g6.2xlarge"], maxVcpus: 400, auroraMinAcu: 0, databaseProxy: false, webInternetEgress: true });
    expect(settings).not.toHaveProperty("unrelated");
  });
});

describe("a stack with 0 minimum ACU and no proxy", () => {
  it("lets Aurora pause and points clients at the writer", () => {
    const { stack, template, logicalId } = synthesize({ auroraMinAcu: 0, auroraMaxAcu: 8, databaseProxy: false });
    const cluster = resourcesOfType(template, "AWS::RDS::DBCluster")[logicalId(stack.database.cluster)]!.Properties!;
    expect(cluster.ServerlessV2ScalingConfiguration).toEqual({ MinCapacity: 0, MaxCapacity: 8, SecondsUntilAutoPause: 600 });
    template.resourceCountIs("AWS::RDS::DBProxy", 0);
    expect(stack.resolve(stack.database.host) as Json).toEqual({ "Fn::GetAtt": [logicalId(stack.database.cluster), "Endpoint.Address"] });
  });
});
