import { CfnOutput, Duration, IgnoreMode, Stack, Token, type StackProps } from "aws-cdk-lib";
import * as ecr from "aws-cdk-lib/aws-ecr";
import { Platform } from "aws-cdk-lib/aws-ecr-assets";
import * as ecs from "aws-cdk-lib/aws-ecs";
import type * as logs from "aws-cdk-lib/aws-logs";
import type { Construct } from "constructs";
import { appEnvironment } from "./app-environment";
import { Database } from "./constructs/database";
import { Dispatch } from "./constructs/dispatch";
import { GpuWorkers, modelMemoryMaxMiB } from "./constructs/gpu-workers";
import { Network, WORKER_ENDPOINT_SERVICES } from "./constructs/network";
import { WorkerEndpoints } from "./constructs/worker-endpoints";
import { OneOffTasks } from "./constructs/one-off-tasks";
import { Operations } from "./constructs/operations";
import { QueuePass } from "./constructs/queue-pass";
import { Storage } from "./constructs/storage";
import { Web } from "./constructs/web";
import { REPO_ROOT } from "./paths";
import { resolveSettings, type PodiumOptions, type PodiumSettings } from "./settings";

export type PodiumStackProps = StackProps & PodiumOptions;

/**
 * Podium on AWS. This class only wires: each concern is a construct in ./constructs, and permissions pass through
 * their grant methods. Environment-agnostic on purpose (no account, region or lookups), so it synthesizes offline.
 */
export class PodiumStack extends Stack {
  public readonly settings: PodiumSettings;
  public readonly network: Network;
  public readonly storage: Storage;
  public readonly database: Database;
  public readonly dispatch: Dispatch;
  public readonly workers: GpuWorkers;
  public readonly tasks: OneOffTasks;
  /** The workers' interface endpoints on demand (workerEndpoints=on-demand, the default). */
  public readonly workerEndpoints?: WorkerEndpoints;
  public readonly web: Web;
  public readonly queuePass: QueuePass;
  public readonly operations: Operations;

  constructor(scope: Construct, id: string, props: PodiumStackProps) {
    super(scope, id, props);
    // Validated before any construct exists: bad options fail the synth with every problem named.
    const settings = resolveSettings(props);
    this.settings = settings;
    const logRetention = settings.logRetentionDays as logs.RetentionDays;

    // Without an account and region the CDK knows no zones and gives any VPC two: maxAzs=3 would silently deploy 2.
    if (settings.maxAzs > 2 && Token.isUnresolved(this.region)) {
      throw new Error(`maxAzs=${settings.maxAzs} needs the stack's account and region (set CDK_DEFAULT_ACCOUNT and CDK_DEFAULT_REGION, or deploy with credentials): an environment-agnostic stack gets 2 zones`);
    }
    this.network = new Network(this, "Network", { maxAzs: settings.maxAzs, endpointAzs: settings.endpointAzs, webInternetEgress: settings.webInternetEgress, workerEndpoints: settings.workerEndpoints });
    const { vpc } = this.network;
    this.storage = new Storage(this, "Storage", {
      siteOrigin: settings.siteOrigin,
      abortMultipartUploadDays: settings.abortMultipartUploadDays,
      bundleNoncurrentDays: settings.bundleNoncurrentDays,
    });
    this.database = new Database(this, "Database", {
      vpc,
      subnets: this.network.databaseSubnets,
      minAcu: settings.auroraMinAcu,
      maxAcu: settings.auroraMaxAcu,
      proxy: settings.databaseProxy,
    });
    this.dispatch = new Dispatch(this, "Dispatch", { logRetention });
    const environment = {
      ...appEnvironment({ siteOrigin: settings.siteOrigin, storage: this.storage, database: this.database, dispatch: this.dispatch }),
      // Model checks run on Fargate, scoring on the GPU workers: a model is refused at its check only when its memory
      // cap exceeds what a GPU job has (less 1 GiB for the worker itself).
      PODIUM_MODEL_MEMORY_MAX_MB: String(modelMemoryMaxMiB(settings.workerMemoryMiB)),
    };
    const image = this.workerImage(settings, "gpu");

    this.workers = new GpuWorkers(this, "GpuWorkers", {
      vpc,
      subnets: this.network.workerSubnets,
      image,
      instanceTypes: settings.gpuInstanceTypes,
      minVcpus: settings.minVcpus,
      maxVcpus: settings.maxVcpus,
      jobVcpus: settings.workerVcpus,
      jobMemoryMiB: settings.workerMemoryMiB,
      timeout: Duration.minutes(settings.workerTimeoutMinutes),
      modelTimeout: Duration.minutes(settings.modelTimeoutMinutes),
      environment,
      logRetention,
    });
    this.storage.grantWorkerAccess(this.workers.jobRole);
    this.database.allowClient(this.workers.securityGroup, this.workers.jobRole, "GPU workers");

    this.web = new Web(this, "Web", {
      vpc,
      subnets: this.network.webSubnets,
      siteOrigin: settings.siteOrigin,
      certificateArn: settings.certificateArn,
      openNextDir: settings.openNextDir,
      allowPlaceholder: settings.placeholder,
      environment,
      memoryMiB: settings.webMemoryMiB,
      reservedConcurrency: settings.webReservedConcurrency,
      logRetention,
    });
    this.storage.grantWebAccess(this.web.serverFunction);
    this.storage.denyWebReadsExcept(this.web.serverFunction.role!, [this.web.incrementalCacheObjectsArn]);
    this.dispatch.grantSend(this.web.serverFunction);
    this.database.allowClient(this.web.serverFunction, this.web.serverFunction, "web tier");

    this.queuePass = new QueuePass(this, "QueuePass", {
      vpc,
      subnets: this.network.webSubnets,
      environment,
      // Each pass connects; with auto-pause (auroraMinAcu 0) a frequent pass would keep the database awake.
      every: Duration.minutes(settings.queuePassMinutes ?? (settings.auroraMinAcu === 0 ? 60 : 5)),
      logRetention,
    });
    this.dispatch.grantSend(this.queuePass.function);
    this.database.allowClient(this.queuePass.securityGroup, this.queuePass.function, "queue pass");

    this.tasks = new OneOffTasks(this, "OneOffTasks", {
      vpc,
      subnets: this.network.workerSubnets,
      image: this.workerImage(settings, "cpu"),
      environment,
      logRetention,
      migrateAfter: [this.network, this.database],
      // The web function and the queue pass never meet a schema older than their code.
      migrateBefore: [this.web.serverFunction, this.queuePass.function],
    });
    this.database.allowClient(this.tasks.securityGroup, this.tasks.jobRole, "one-off tasks");
    this.database.allowClient(this.tasks.securityGroup, this.tasks.runnerRole, "one-off tasks (jobs)");
    if (settings.workerEndpoints === "on-demand") {
      this.workerEndpoints = new WorkerEndpoints(this, "WorkerEndpoints", {
        vpc,
        subnets: this.network.endpointSubnets,
        services: Object.values(WORKER_ENDPOINT_SERVICES),
        jobQueues: [this.workers.jobQueue, this.tasks.jobQueue, this.tasks.runJobQueue],
        idle: Duration.hours(1),
        logRetention,
      });
      // The deploy's migration task pulls the worker image: the endpoints first.
      this.tasks.migrationTrigger.executeAfter(this.workerEndpoints.resource);
    }
    this.dispatch.submitJobsTo(this.workers.jobQueue, this.workers.jobDefinition, this.workerEndpoints);
    this.dispatch.submitTasksTo(this.tasks.runJobQueue, this.tasks.runJobDefinition, this.workerEndpoints);
    // Every one-job worker sweeps expired leases first and announces the jobs it put back in a queue.
    this.dispatch.grantSend(this.tasks.runnerRole);
    this.dispatch.grantSend(this.workers.jobRole);
    this.storage.grantTaskAccess(this.tasks.runnerRole);

    this.operations = new Operations(this, "Operations", {
      jobs: this.dispatch.queue,
      tasks: this.dispatch.taskQueue,
      deadLetters: this.dispatch.deadLetterQueue,
      jobQueues: [this.workers.jobQueue, this.tasks.jobQueue, this.tasks.runJobQueue],
      cluster: this.database.cluster,
      webFunction: this.web.serverFunction,
      queuePassFunction: this.queuePass.function,
      queueAgeThreshold: Duration.minutes(settings.queueAgeAlarmMinutes),
      alarmEmail: settings.alarmEmail,
    });

    const outputs: Record<string, [string, string]> = {
      SiteUrl: [this.web.siteUrl, "Where Podium answers"],
      DistributionDomainName: [this.web.distribution.distributionDomainName, "CNAME target for siteOrigin's host"],
      DatasetsBucket: [this.storage.datasets.bucketName, "S3_BUCKET"],
      SubmissionsBucket: [this.storage.submissions.bucketName, "S3_SUBMISSIONS_BUCKET"],
      JobQueueUrl: [this.dispatch.queue.queueUrl, "PODIUM_SQS_QUEUE_URL"],
      TaskQueueUrl: [this.dispatch.taskQueue.queueUrl, "PODIUM_SQS_TASK_QUEUE_URL"],
      DeadLetterQueueUrl: [this.dispatch.deadLetterQueue.queueUrl, "Job messages the pipe gave up on"],
      GpuJobQueue: [this.workers.jobQueue.jobQueueArn, "AWS Batch queue of model entries"],
      TaskJobQueue: [this.tasks.jobQueue.jobQueueArn, "AWS Batch queue of one-off podium commands"],
      CliJobDefinition: [this.tasks.cliJobDefinition.jobDefinitionArn, "Job definition for one-off podium commands"],
      DatabaseSecretArn: [this.database.secret.secretArn, "PODIUM_DATABASE_SECRET_ARN"],
      DatabaseHost: [this.database.host, "PODIUM_DATABASE_HOST"],
      AlarmTopicArn: [this.operations.topic.topicArn, "Subscribe here for alarms"],
    };
    for (const [name, [value, description]] of Object.entries(outputs)) new CfnOutput(this, name, { value, description });
  }

  /** A pushed image when a repository is named, else gpu-worker/Dockerfile built and pushed by `cdk deploy`. */
  /**
   * The GPU worker image (CUDA runtime), or the small CPU image (`--target cpu`) for migrations and Fargate jobs.
   * A pushed image: `workerImageTag` for the GPU one, `<workerImageTag>-cpu` for the CPU one, in one repository.
   */
  private workerImage(settings: PodiumSettings, flavour: "gpu" | "cpu"): ecs.ContainerImage {
    if (settings.workerImageRepository) {
      const repository = (this.node.tryFindChild("WorkerRepository") as ecr.IRepository | undefined) ?? ecr.Repository.fromRepositoryName(this, "WorkerRepository", settings.workerImageRepository);
      return ecs.ContainerImage.fromEcrRepository(repository, flavour === "gpu" ? settings.workerImageTag : `${settings.workerImageTag}-cpu`);
    }
    return ecs.ContainerImage.fromAsset(REPO_ROOT, {
      file: "gpu-worker/Dockerfile",
      target: flavour === "cpu" ? "cpu" : undefined,
      platform: Platform.LINUX_AMD64,
      ignoreMode: IgnoreMode.DOCKER,
      // Only what the Dockerfile copies counts toward the image's hash: a change to the web or the infra does not
      // rebuild the worker.
      exclude: ["**", "!package.json", "!package-lock.json", "!.npmrc", "!prisma.config.ts", "!tsconfig.json", "!prisma/**", "!scripts/**", "!lib/**", "!cli/**", "!gpu-worker/**", "!bin/**", "!clients/**", "!packages/**", "lib/db/generated/**", "**/*.test.ts"],
    });
  }
}
