import { Duration } from "aws-cdk-lib";
import * as ec2 from "aws-cdk-lib/aws-ec2";
import * as events from "aws-cdk-lib/aws-events";
import * as targets from "aws-cdk-lib/aws-events-targets";
import * as lambda from "aws-cdk-lib/aws-lambda";
import type * as logs from "aws-cdk-lib/aws-logs";
import { Construct } from "constructs";
import { join } from "node:path";
import { functionBundleCode } from "../function-bundle";
import { logGroupWithRetention } from "../log-groups";
import { REPO_ROOT } from "../paths";

/** Built by scripts/prepare.mjs (run by `npm ci`) from infra/functions/queue-pass/handler.ts. */
export const QUEUE_PASS_BUNDLE_DIR = join(REPO_ROOT, "dist", "functions", "queue-pass");

export interface QueuePassProps {
  readonly vpc: ec2.IVpc;
  /** Where it reaches RDS Proxy, SQS and Secrets Manager (the web tier's subnets). */
  readonly subnets: ec2.SubnetSelection;
  /** Podium settings (lib/config/env.ts): the database secret, PODIUM_QUEUE=sqs and the job queue's URL. */
  readonly environment: Record<string, string>;
  readonly every: Duration;
  readonly logRetention: logs.RetentionDays;
  /** Bundle folder (tests point elsewhere to check the missing-bundle error). */
  readonly bundleDir?: string;
}

/**
 * With PODIUM_WORKER=off nothing polls the jobs table, so a job whose announcement was lost (the send failed after
 * the row was committed, or the pipe dead-lettered the message) would wait forever. This function runs on a
 * schedule: it re-queues jobs whose worker stopped answering and announces on SQS every job still waiting
 * unannounced, or announced long ago (lib/queue/run-jobs.ts `maintainQueue`).
 */
export class QueuePass extends Construct {
  public readonly function: lambda.Function;
  public readonly rule: events.Rule;
  public readonly logGroup: logs.LogGroup;
  /** Beside the function, not inside it: migrations run before the function, after the database accepts this group. */
  public readonly securityGroup: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: QueuePassProps) {
    super(scope, id);
    const bundleDir = props.bundleDir ?? QUEUE_PASS_BUNDLE_DIR;
    this.logGroup = logGroupWithRetention(this, "Logs", props.logRetention);
    this.securityGroup = new ec2.SecurityGroup(this, "SecurityGroup", { vpc: props.vpc, description: "Podium queue pass", allowAllOutbound: true });
    this.function = new lambda.Function(this, "Function", {
      description: "Podium: scheduled queue pass (sweep expired leases, announce waiting jobs)",
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.X86_64,
      handler: "index.handler",
      code: functionBundleCode(bundleDir),
      memorySize: 256,
      // A paused Aurora resumes in ~15 s; a pass itself takes well under a second.
      timeout: Duration.seconds(60),
      vpc: props.vpc,
      vpcSubnets: props.subnets,
      securityGroups: [this.securityGroup],
      logGroup: this.logGroup,
      environment: props.environment,
    });
    this.rule = new events.Rule(this, "Schedule", {
      description: "Podium: run the queue pass",
      schedule: events.Schedule.rate(props.every),
      // A missed pass is simply the next one: no retries piling up behind a slow database.
      targets: [new targets.LambdaFunction(this.function, { retryAttempts: 0 })],
    });
  }
}
