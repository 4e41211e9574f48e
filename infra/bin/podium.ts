import { createPodiumApp } from "../lib/podium-app";
import { PodiumStack } from "../lib/podium-stack";
import { optionsFromContext } from "../lib/settings";

// The CDK app: `cd infra && npx cdk deploy -c siteOrigin=https://podium.example.org` (see infra/README.md).
// Every stack option is a context key; the stack validates them and names each bad one.

const app = createPodiumApp();
const context = (key: string): unknown => app.node.tryGetContext(key);
const stackName = (context("stackName") as string | undefined) ?? "Podium";

if (context("siteOrigin") === undefined) {
  throw new Error('siteOrigin is required: cdk synth -c siteOrigin=https://podium.example.org (the only origin browsers may upload from)');
}

// More than two zones needs the zones of a real account and region (the CDK CLI sets these from the credentials).
const zoneAware = Number(context("maxAzs") ?? 2) > 2;
new PodiumStack(app, stackName, {
  env: zoneAware ? { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION } : undefined,
  description: "Podium: competition submission and judging (Next.js on Lambda, Aurora Serverless v2, S3, SQS, AWS Batch GPU workers)",
  ...optionsFromContext(context),
});
app.synth();
