import { Annotations, Match } from "aws-cdk-lib/assertions";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { flatten, resourcesOfType, SITE_ORIGIN, synthesize, type Json, type Synthesized } from "./synth";

// The Next.js app on Lambda through OpenNext, behind CloudFront; synthesizes with or without `.open-next/`.

let placeholder: Synthesized;
let built: Synthesized;
let buildDir: string;

beforeAll(() => {
  placeholder = synthesize();
  // The folders `npx @opennextjs/aws build` writes, with stand-in contents.
  buildDir = mkdtempSync(join(tmpdir(), "podium-open-next-"));
  const files = {
    "server-functions/default/index.mjs": "export const handler = async () => ({ statusCode: 200 });\n",
    "image-optimization-function/index.mjs": "export const handler = async () => ({ statusCode: 200 });\n",
    "revalidation-function/index.mjs": "export const handler = async () => {};\n",
    "assets/_next/static/chunks/main.js": "console.log('main');\n",
    "assets/favicon.ico": "icon",
    "cache/BUILD_ID/index.cache": "{}",
  };
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(buildDir, path)), { recursive: true });
    writeFileSync(join(buildDir, path), content);
  }
  built = synthesize({ openNextDir: buildDir, certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-0000-4000-8000-123456789abc" });
});
afterAll(() => rmSync(buildDir, { recursive: true, force: true }));

const serverEnvironment = (synth: Synthesized) =>
  Object.fromEntries(
    Object.entries((resourcesOfType(synth.template, "AWS::Lambda::Function")[synth.logicalId(synth.stack.web.serverFunction)]!.Properties!.Environment as { Variables: Record<string, Json> }).Variables).map(([name, value]) => [name, flatten(value)]),
  );
const distributionConfig = (synth: Synthesized) => resourcesOfType(synth.template, "AWS::CloudFront::Distribution")[synth.logicalId(synth.stack.web.distribution)]!.Properties!.DistributionConfig as Record<string, Json>;

describe("without an OpenNext build", () => {
  it("fails the synth, naming deploy:build, unless a placeholder is asked for", () => {
    expect(() => synthesize({ placeholder: false })).toThrow(/has no OpenNext build: run `npm run deploy:build` first.*placeholder=true/);
  });

  it("with placeholder=true, synthesizes placeholders and warns that `npx @opennextjs/aws build` must run first", () => {
    expect(placeholder.stack.web.placeholder).toBe(true);
    Annotations.fromStack(placeholder.stack).hasWarning("/Podium/Web", Match.stringLikeRegexp("npx @opennextjs/aws build"));
  });
});

describe("with an OpenNext build", () => {
  it("does not warn", () => {
    expect(built.stack.web.placeholder).toBe(false);
    expect(Annotations.fromStack(built.stack).findWarning("*", Match.stringLikeRegexp("OpenNext build"))).toEqual([]);
  });

  it("serves the build's top-level asset entries from S3, images from the optimizer, everything else from the server", () => {
    const config = distributionConfig(built);
    const byPattern = Object.fromEntries((config.CacheBehaviors as Record<string, Json>[]).map((behavior) => [behavior.PathPattern as string, flatten(behavior.TargetOriginId)]));
    expect(Object.keys(byPattern)).toEqual(["_next/image*", "_next/data/*", "_next/*", "favicon.ico"]);
    expect(byPattern["_next/*"]).toBe(byPattern["favicon.ico"]);
    const origins = Object.fromEntries((config.Origins as Record<string, Json>[]).map((origin) => [flatten(origin.Id), origin]));
    expect(origins[byPattern["_next/*"]!]!.OriginPath).toBe("/_assets");
    expect(origins[byPattern["_next/*"]!]!.S3OriginConfig).toBeDefined();
    const defaultOrigin = flatten((config.DefaultCacheBehavior as Record<string, Json>).TargetOriginId);
    expect(byPattern["_next/data/*"]).toBe(defaultOrigin);
    expect(byPattern["_next/image*"]).not.toBe(defaultOrigin);
  });

  it("answers on the site's host name with the given certificate", () => {
    const config = distributionConfig(built);
    expect(config.Aliases).toEqual([new URL(SITE_ORIGIN).host]);
    expect((config.ViewerCertificate as Record<string, Json>).MinimumProtocolVersion).toBe("TLSv1.2_2021");
    expect(built.stack.web.siteUrl).toBe(SITE_ORIGIN);
  });
});

describe("server function", () => {
  it("caches nothing at CloudFront and forwards the viewer's host for Auth.js and Next.js", () => {
    const behavior = distributionConfig(placeholder).DefaultCacheBehavior as Record<string, Json>;
    expect(behavior.CachePolicyId).toBe("4135ea2d-6df8-44a3-9df3-4b5a84be39ad"); // Managed-CachingDisabled
    expect(behavior.AllowedMethods).toEqual(expect.arrayContaining(["POST", "PUT", "DELETE"]));
    expect(behavior.ViewerProtocolPolicy).toBe("redirect-to-https");
    const code = Object.values(resourcesOfType(placeholder.template, "AWS::CloudFront::Function"))[0]!.Properties!.FunctionCode as string;
    expect(code).toContain('request.headers["x-forwarded-host"] = { value: request.headers.host.value }');
  });

  it("runs in the web subnets, reaching the database through its security group", () => {
    const fn = resourcesOfType(placeholder.template, "AWS::Lambda::Function")[placeholder.logicalId(placeholder.stack.web.serverFunction)]!.Properties!;
    const subnets = ((fn.VpcConfig as Record<string, Json>).SubnetIds as Json[]).map(flatten).sort();
    const network = placeholder.stack.network;
    expect(subnets).toEqual(network.vpc.selectSubnets(network.webSubnets).subnets.map((subnet) => `ref:${placeholder.logicalId(subnet)}`).sort());
    const webGroup = placeholder.logicalId(placeholder.stack.web.securityGroup);
    const ingress = Object.values(resourcesOfType(placeholder.template, "AWS::EC2::SecurityGroupIngress")).map((rule) => rule.Properties!);
    expect(ingress).toContainEqual(expect.objectContaining({ FromPort: 5432, ToPort: 5432, SourceSecurityGroupId: { "Fn::GetAtt": [webGroup, "GroupId"] } }));
  });

  it("gets Podium's settings, secrets as ARNs only, and OpenNext's cache settings", () => {
    const environment = serverEnvironment(placeholder);
    expect(environment).toMatchObject({
      PODIUM_PUBLIC_URL: SITE_ORIGIN,
      AUTH_URL: SITE_ORIGIN,
      PODIUM_QUEUE: "sqs",
      PODIUM_WORKER: "off",
      PODIUM_SQS_QUEUE_URL: `ref:${placeholder.logicalId(placeholder.stack.dispatch.queue)}`,
      PODIUM_SQS_TASK_QUEUE_URL: `ref:${placeholder.logicalId(placeholder.stack.dispatch.taskQueue)}`,
      S3_BUCKET: `ref:${placeholder.logicalId(placeholder.stack.storage.datasets)}`,
      S3_SUBMISSIONS_BUCKET: `ref:${placeholder.logicalId(placeholder.stack.storage.submissions)}`,
      PODIUM_SECRET_ARN: `ref:${placeholder.logicalId(placeholder.stack.web.appSecret)}`,
      CACHE_BUCKET_NAME: `ref:${placeholder.logicalId(placeholder.stack.web.siteBucket)}`,
      CACHE_BUCKET_KEY_PREFIX: "_cache",
    });
    expect(environment.PODIUM_DATABASE_SECRET_ARN).toMatch(/^ref:/);
    expect(environment.DATABASE_URL).toBeUndefined();
    expect(environment.S3_ACCESS_KEY).toBeUndefined();
  });

  it("deploys the site's assets under the prefix CloudFront reads", () => {
    placeholder.template.hasResourceProperties("Custom::CDKBucketDeployment", { DestinationBucketKeyPrefix: "_assets" });
  });
});
