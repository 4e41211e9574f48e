import { Aws, type Duration, Size } from "aws-cdk-lib";
import * as batch from "aws-cdk-lib/aws-batch";
import * as ec2 from "aws-cdk-lib/aws-ec2";
import * as ecs from "aws-cdk-lib/aws-ecs";
import * as iam from "aws-cdk-lib/aws-iam";
import type * as logs from "aws-cdk-lib/aws-logs";
import { Construct } from "constructs";
import { logGroupWithRetention } from "../log-groups";

/**
 * The worker's one-job entry point (gpu-worker/, `podium-worker --submission ID`); Batch fills Ref::submissionId
 * from the job's parameters. gpu-worker/Dockerfile's WORKDIR and COPY make /app/bin/podium-worker.mjs exist, and
 * tests/infra/dockerfile.test.ts holds the two together.
 */
export const WORKER_COMMAND = ["node", "/app/bin/podium-worker.mjs", "--submission", "Ref::submissionId"];

/** jobs.max_attempts' default (prisma/schema.prisma); tests/infra checks that the two agree. */
export const JOB_MAX_ATTEMPTS = 3;

/**
 * When Batch starts a one-job worker again (GPU and CPU alike): whenever the last one did not record an end. A
 * worker that recorded one (done, or a fault of the entry) exits 0 and is not retried.
 */
export function workerRetryStrategies(): batch.RetryStrategy[] {
  return [
    // A host that went away (scale-in, hardware) is not the entry's fault.
    batch.RetryStrategy.of(batch.Action.RETRY, batch.Reason.custom({ onStatusReason: "Host EC2*" })),
    // The worker exits 1 when it left the job QUEUED for another attempt (gpu-worker/main.ts).
    batch.RetryStrategy.of(batch.Action.RETRY, batch.Reason.custom({ onExitCode: "1" })),
    // Killed (out of memory, Batch's timeout, a crash): the next start finds the job still leased to the dead
    // worker, waits for the lease and takes it over, or ends it after its last attempt (claimAnnouncedJob).
    batch.RetryStrategy.of(batch.Action.RETRY, batch.Reason.custom({ onReason: "*" })),
  ];
}

export interface GpuWorkersProps {
  readonly vpc: ec2.IVpc;
  /** Isolated subnets: the hosts reach AWS only through VPC endpoints. */
  readonly subnets: ec2.SubnetSelection;
  readonly image: ecs.ContainerImage;
  readonly instanceTypes: string[];
  /** 0 outside events: Batch terminates the hosts when the queue is empty, so idle costs nothing. */
  readonly minVcpus: number;
  readonly maxVcpus: number;
  readonly jobVcpus: number;
  readonly jobMemoryMiB: number;
  /** Batch's limit per attempt; longer than modelTimeout, which the worker enforces itself. */
  readonly timeout: Duration;
  readonly modelTimeout: Duration;
  readonly environment: Record<string, string>;
  readonly logRetention: logs.RetentionDays;
}

/**
 * AWS Batch on GPU instances: a managed EC2 compute environment that scales between minVcpus (0 by default: nothing
 * runs, nothing is billed) and maxVcpus, one job queue, and the job definition that runs one model entry per job on
 * one GPU.
 */
export class GpuWorkers extends Construct {
  public readonly computeEnvironment: batch.ManagedEc2EcsComputeEnvironment;
  public readonly jobQueue: batch.JobQueue;
  public readonly jobDefinition: batch.EcsJobDefinition;
  /** The containers' role: what the worker process may do in S3 and Secrets Manager (granted by the stack). */
  public readonly jobRole: iam.Role;
  public readonly securityGroup: ec2.SecurityGroup;
  public readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: GpuWorkersProps) {
    super(scope, id);
    this.logGroup = logGroupWithRetention(this, "Logs", props.logRetention);
    // Outbound is open in the rules, but the subnets have no route beyond the VPC and its endpoints.
    this.securityGroup = new ec2.SecurityGroup(this, "SecurityGroup", { vpc: props.vpc, description: "Podium GPU workers", allowAllOutbound: true });

    this.computeEnvironment = new batch.ManagedEc2EcsComputeEnvironment(this, "ComputeEnvironment", {
      vpc: props.vpc,
      vpcSubnets: props.subnets,
      securityGroups: [this.securityGroup],
      instanceTypes: props.instanceTypes.map((type) => new ec2.InstanceType(type)),
      useOptimalInstanceClasses: false,
      minvCpus: props.minVcpus,
      maxvCpus: props.maxVcpus,
      // The ECS-optimized AL2023 NVIDIA AMI: driver and container toolkit preinstalled, CUDA 12 capable.
      images: [{ imageType: batch.EcsMachineImageType.ECS_AL2023_NVIDIA }],
      allocationStrategy: batch.AllocationStrategy.BEST_FIT_PROGRESSIVE,
      updateToLatestImageVersion: true,
    });

    this.jobQueue = new batch.JobQueue(this, "JobQueue", {
      computeEnvironments: [{ computeEnvironment: this.computeEnvironment, order: 1 }],
    });

    this.jobRole = new iam.Role(this, "JobRole", {
      assumedBy: new iam.ServicePrincipal("ecs-tasks.amazonaws.com"),
      description: "Podium GPU worker: reads datasets and models, writes top-10 lists and the tensor cache",
    });

    this.jobDefinition = new batch.EcsJobDefinition(this, "ScoreModel", {
      container: new batch.EcsEc2ContainerDefinition(this, "Container", {
        image: props.image,
        command: WORKER_COMMAND,
        gpu: 1,
        cpu: props.jobVcpus,
        memory: Size.mebibytes(props.jobMemoryMiB),
        environment: { ...props.environment, ...jobEnvironment(props.jobMemoryMiB), PODIUM_MODEL_TIMEOUT_SECONDS: String(props.modelTimeout.toSeconds()) },
        jobRole: this.jobRole,
        logging: ecs.LogDriver.awsLogs({ logGroup: this.logGroup, streamPrefix: "score-model" }),
        // An init process as PID 1 forwards Batch's SIGTERM to node, so a terminated job can release its lease.
        linuxParameters: new batch.LinuxParameters(this, "Linux", { initProcessEnabled: true }),
      }),
      // The worker stops a model at its own limit; this is the backstop for a hung process.
      timeout: props.timeout,
      // PostgreSQL decides what an attempt means (prisma/schema.prisma: jobs.max_attempts); Batch only has to start
      // a worker again whenever one did not end its job: one more start than the job's attempts, so the last one can
      // only end it — FAILED with the reason and the quota unit refunded — when every worker before it died.
      retryAttempts: JOB_MAX_ATTEMPTS + 1,
      retryStrategies: workerRetryStrategies(),
      propagateTags: true,
    });
  }
}

/** Memory the worker process, its ranking and the operating system keep beside a model's sandbox. */
export const WORKER_OVERHEAD_MIB = 1536;

/**
 * What a Batch container learns from its job definition besides the app's settings: its region (Batch sets no
 * AWS_REGION, and the SDK's clients need one) and the memory it has. The largest model cap
 * (PODIUM_MODEL_MEMORY_MAX_MB) is the GPU job's memory less the worker's own, for every process: a model is refused
 * at its check (on Fargate) only when no GPU job could hold it (lib/models/memory-budget.ts).
 */
export function jobEnvironment(containerMemoryMiB: number): Record<string, string> {
  return { AWS_REGION: Aws.REGION, PODIUM_WORKER_MEMORY_MB: String(containerMemoryMiB) };
}

/** The largest memory cap of a model's run: what a GPU job has, less the worker process and the system. */
export function modelMemoryMaxMiB(gpuJobMemoryMiB: number): number {
  return gpuJobMemoryMiB - WORKER_OVERHEAD_MIB;
}
