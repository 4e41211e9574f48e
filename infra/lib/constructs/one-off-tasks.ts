import { Duration, Size } from "aws-cdk-lib";
import * as batch from "aws-cdk-lib/aws-batch";
import * as ec2 from "aws-cdk-lib/aws-ec2";
import * as ecs from "aws-cdk-lib/aws-ecs";
import * as iam from "aws-cdk-lib/aws-iam";
import * as lambda from "aws-cdk-lib/aws-lambda";
import type * as logs from "aws-cdk-lib/aws-logs";
import * as triggers from "aws-cdk-lib/triggers";
import { Construct } from "constructs";
import { join } from "node:path";
import { logGroupWithRetention } from "../log-groups";
import { FUNCTIONS_DIR } from "../paths";
import { JOB_MAX_ATTEMPTS, jobEnvironment, workerRetryStrategies } from "./gpu-workers";

/** `podium db migrate` in the worker image: applies prisma/migrations to the database, recorded as Prisma does. */
export const MIGRATE_COMMAND = ["node", "/app/bin/podium.mjs", "db", "migrate", "--wait", "300"];
export const MIGRATION_ATTEMPTS = 3;

/** One CPU job by id (dataset validation, a results file): Batch fills Ref::jobId from the pipe's parameters. */
export const RUN_JOB_COMMAND = ["node", "/app/bin/podium-worker.mjs", "--job", "Ref::jobId"];

export interface OneOffTasksProps {
  readonly vpc: ec2.IVpc;
  readonly subnets: ec2.SubnetSelection;
  /** The worker image: it carries the `podium` CLI and prisma/migrations too. */
  readonly image: ecs.ContainerImage;
  readonly environment: Record<string, string>;
  readonly logRetention: logs.RetentionDays;
  /** Migrations run once these exist (database, endpoints) … */
  readonly migrateAfter: Construct[];
  /** … and before these are updated (the web function), so new code never meets an old schema. */
  readonly migrateBefore: Construct[];
}

/**
 * CPU-only, run-to-completion work on Fargate through a small Batch queue: `podium` commands — database migrations on
 * every deploy, and by hand `podium admin create-user` (see infra/README.md) — and the jobs that need no GPU
 * (dataset validation, results files scoring could not finish in the request), one Batch job per SQS message. Same
 * image and network as the GPU workers, no GPU host booted for a one-minute task.
 */
export class OneOffTasks extends Construct {
  public readonly jobQueue: batch.JobQueue;
  /** CPU jobs have their own queue and capacity: a backlog of validations never holds up a deploy's migration. */
  public readonly runJobQueue: batch.JobQueue;
  /** Runs `podium db migrate` unless the submission overrides the command. */
  public readonly cliJobDefinition: batch.EcsJobDefinition;
  public readonly jobRole: iam.Role;
  /** Runs one job by id (`podium-worker --job`), under its own role (it reads archives and results files). */
  public readonly runJobDefinition: batch.EcsJobDefinition;
  public readonly runnerRole: iam.Role;
  public readonly securityGroup: ec2.SecurityGroup;
  public readonly migrationTrigger: triggers.TriggerFunction;
  /** The CLI tasks' output and the migration trigger's own log. */
  public readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: OneOffTasksProps) {
    super(scope, id);
    this.logGroup = logGroupWithRetention(this, "Logs", props.logRetention);
    this.securityGroup = new ec2.SecurityGroup(this, "SecurityGroup", { vpc: props.vpc, description: "Podium one-off tasks", allowAllOutbound: true });
    const computeEnvironment = new batch.FargateComputeEnvironment(this, "ComputeEnvironment", {
      vpc: props.vpc,
      vpcSubnets: props.subnets,
      securityGroups: [this.securityGroup],
      maxvCpus: 4,
    });
    this.jobQueue = new batch.JobQueue(this, "JobQueue", { computeEnvironments: [{ computeEnvironment, order: 1 }] });
    const runJobEnvironment = new batch.FargateComputeEnvironment(this, "RunJobComputeEnvironment", {
      vpc: props.vpc,
      vpcSubnets: props.subnets,
      securityGroups: [this.securityGroup],
      // Four 2-vCPU jobs at once; Fargate bills only running tasks.
      maxvCpus: 8,
    });
    this.runJobQueue = new batch.JobQueue(this, "RunJobQueue", { computeEnvironments: [{ computeEnvironment: runJobEnvironment, order: 1 }] });
    this.jobRole = new iam.Role(this, "JobRole", { assumedBy: new iam.ServicePrincipal("ecs-tasks.amazonaws.com"), description: "Podium one-off CLI tasks" });

    this.cliJobDefinition = new batch.EcsJobDefinition(this, "Cli", {
      container: new batch.EcsFargateContainerDefinition(this, "Container", {
        image: props.image,
        command: MIGRATE_COMMAND,
        cpu: 1,
        memory: Size.gibibytes(2),
        environment: { ...props.environment, ...jobEnvironment(2048) },
        jobRole: this.jobRole,
        logging: ecs.LogDriver.awsLogs({ logGroup: this.logGroup, streamPrefix: "cli" }),
        assignPublicIp: false,
        // The CUDA image unpacks to several GB; room above Fargate's default 20 GiB for the image and scratch files.
        ephemeralStorageSize: Size.gibibytes(30),
      }),
      timeout: Duration.minutes(30),
      // A first deploy's migration can meet Aurora still resuming: the command waits for it (db migrate --wait), and
      // Batch starts it again if a host fails, rather than failing the deploy into a rollback.
      retryAttempts: MIGRATION_ATTEMPTS,
    });

    this.runnerRole = new iam.Role(this, "RunnerRole", { assumedBy: new iam.ServicePrincipal("ecs-tasks.amazonaws.com"), description: "Podium CPU jobs (podium-worker --job)" });
    this.runJobDefinition = new batch.EcsJobDefinition(this, "RunJob", {
      container: new batch.EcsFargateContainerDefinition(this, "RunJobContainer", {
        image: props.image,
        command: RUN_JOB_COMMAND,
        // Validation streams the archive and decodes each image once; a model check holds the model and runs its dry
        // run in a sandbox capped at the worker's model memory (4 GiB by default): two cores and 8 GiB.
        cpu: 2,
        memory: Size.gibibytes(8),
        environment: { ...props.environment, ...jobEnvironment(8192) },
        jobRole: this.runnerRole,
        logging: ecs.LogDriver.awsLogs({ logGroup: this.logGroup, streamPrefix: "run-job" }),
        assignPublicIp: false,
        ephemeralStorageSize: Size.gibibytes(30),
      }),
      timeout: Duration.hours(1),
      // As for GPU jobs: PostgreSQL counts attempts, Batch starts a worker again whenever one did not end its job.
      retryAttempts: JOB_MAX_ATTEMPTS + 1,
      retryStrategies: workerRetryStrategies(),
      propagateTags: true,
    });

    this.migrationTrigger = new triggers.TriggerFunction(this, "Migrate", {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: "index.handler",
      code: lambda.Code.fromAsset(join(FUNCTIONS_DIR, "run-batch-job")),
      // Covers a cold Fargate start and an image pull; the deploy waits for the outcome.
      timeout: Duration.minutes(15),
      environment: {
        JOB_QUEUE: this.jobQueue.jobQueueArn,
        // Includes the revision: a new image makes a new revision, a new function version, and so a new run.
        JOB_DEFINITION: this.cliJobDefinition.jobDefinitionArn,
        JOB_NAME: "podium-db-migrate",
      },
      logGroup: this.logGroup,
      executeAfter: [this.jobQueue, this.cliJobDefinition, ...props.migrateAfter],
      executeBefore: props.migrateBefore,
    });
    this.cliJobDefinition.grantSubmitJob(this.migrationTrigger, this.jobQueue);
    // DescribeJobs has no resource-level permissions in IAM: "*" is the only resource it accepts.
    this.migrationTrigger.addToRolePolicy(new iam.PolicyStatement({ actions: ["batch:DescribeJobs"], resources: ["*"] }));
  }
}
