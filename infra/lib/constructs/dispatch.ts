import { Duration } from "aws-cdk-lib";
import type * as batch from "aws-cdk-lib/aws-batch";
import * as iam from "aws-cdk-lib/aws-iam";
import type * as logs from "aws-cdk-lib/aws-logs";
import * as pipes from "aws-cdk-lib/aws-pipes";
import * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { logGroupWithRetention } from "../log-groups";

/** A step every message passes before its job is submitted; it returns the events unchanged. */
export interface Enrichment {
  readonly function: { readonly functionArn: string };
  grantEnrichment(role: iam.IGrantable): void;
}

export interface DispatchProps {
  readonly logRetention: logs.RetentionDays;
  /** Receives before a message moves to the dead-letter queue (each receive is one SubmitJob attempt). */
  readonly maxReceiveCount?: number;
}

/** The Batch job name; the submission id travels as the job parameter `submissionId`. */
export const SCORE_JOB_NAME = "podium-score-model";
/** The Batch job name of CPU jobs; the job id travels as the job parameter `jobId`. */
export const TASK_JOB_NAME = "podium-run-job";

/**
 * The job announcement path. The web tier records the job row in PostgreSQL and sends
 * `{"kind":"SCORE_MODEL","jobId":"…","submissionId":"…","competitionId":"…"}`; an EventBridge Pipe turns each
 * message into one AWS Batch job whose parameter `submissionId` is `$.body.submissionId`. A message the pipe cannot
 * submit (malformed body, Batch throttling) is retried, then parked in the dead-letter queue, which is alarmed.
 * PostgreSQL stays the source of truth: a message that never becomes a job leaves its row QUEUED, for the app to
 * announce again.
 */
export class Dispatch extends Construct {
  /** SCORE_MODEL messages → GPU Batch jobs. */
  public readonly queue: sqs.Queue;
  /** VALIDATE_DATASET, SCORE_RESULTS and RESCORE_ENTRY messages → Fargate Batch jobs (a pipe passes every message it reads on). */
  public readonly taskQueue: sqs.Queue;
  public readonly deadLetterQueue: sqs.Queue;
  public readonly maxReceiveCount: number;
  /** Where the pipe records the messages it could not turn into jobs. */
  public readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: DispatchProps) {
    super(scope, id);
    this.logGroup = logGroupWithRetention(this, "PipeLogs", props.logRetention);
    this.maxReceiveCount = props.maxReceiveCount ?? 3;
    this.deadLetterQueue = new sqs.Queue(this, "DeadLetters", {
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    const queueProps: sqs.QueueProps = {
      // SubmitJob answers in well under a second; a failed attempt is visible again after 2 minutes.
      visibilityTimeout: Duration.minutes(2),
      retentionPeriod: Duration.days(4),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: this.maxReceiveCount },
    };
    this.queue = new sqs.Queue(this, "Jobs", queueProps);
    this.taskQueue = new sqs.Queue(this, "Tasks", queueProps);
  }

  /** The only queue permission Podium's processes get (web, queue pass, workers): sqs:SendMessage on the two queues. */
  grantSend(grantee: iam.IGrantable): void {
    for (const queue of [this.queue, this.taskQueue]) queue.grant(grantee, "sqs:SendMessage");
  }

  /** Connects the job queue to Batch: one message, one GPU job of `jobDefinition` for `$.body.submissionId`. */
  submitJobsTo(jobQueue: batch.IJobQueue, jobDefinition: batch.EcsJobDefinition, enrichment?: Enrichment): pipes.CfnPipe {
    // Ids kept from the first version of the stack: renaming them would replace the pipe and its role.
    return this.pipe({ pipeId: "ToBatch", roleId: "PipeRole", source: this.queue, jobQueue, jobDefinition, enrichment, jobName: SCORE_JOB_NAME, parameters: { submissionId: "$.body.submissionId" }, description: "Podium: one SCORE_MODEL message → one AWS Batch GPU job" });
  }

  /** Connects the task queue to Batch: one message, one Fargate job of `jobDefinition` for `$.body.jobId`. */
  submitTasksTo(jobQueue: batch.IJobQueue, jobDefinition: batch.EcsJobDefinition, enrichment?: Enrichment): pipes.CfnPipe {
    return this.pipe({ pipeId: "TasksToBatch", roleId: "TaskPipeRole", source: this.taskQueue, jobQueue, jobDefinition, enrichment, jobName: TASK_JOB_NAME, parameters: { jobId: "$.body.jobId" }, description: "Podium: one CPU job message (dataset validation, results scoring, rescore) → one AWS Batch Fargate job" });
  }

  private pipe(options: { pipeId: string; roleId: string; source: sqs.Queue; jobQueue: batch.IJobQueue; jobDefinition: batch.EcsJobDefinition; enrichment?: Enrichment; jobName: string; parameters: Record<string, string>; description: string }): pipes.CfnPipe {
    const { source, jobQueue, jobDefinition } = options;
    const role = new iam.Role(this, options.roleId, { assumedBy: new iam.ServicePrincipal("pipes.amazonaws.com") });
    source.grant(role, "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes");
    jobDefinition.grantSubmitJob(role, jobQueue);
    this.logGroup.grantWrite(role);
    options.enrichment?.grantEnrichment(role);

    const pipe = new pipes.CfnPipe(this, options.pipeId, {
      description: options.description,
      roleArn: role.roleArn,
      source: source.queueArn,
      // One message per SubmitJob: a bad message fails alone and reaches the dead-letter queue alone.
      sourceParameters: { sqsQueueParameters: { batchSize: 1 } },
      // Before SubmitJob: the step that makes sure the workers can start (the on-demand endpoints).
      enrichment: options.enrichment?.function.functionArn,
      target: jobQueue.jobQueueArn,
      targetParameters: {
        batchJobParameters: {
          jobDefinition: jobDefinition.jobDefinitionArn,
          jobName: options.jobName,
          // Fills Ref::<name> in the job definition's command.
          parameters: options.parameters,
        },
      },
      logConfiguration: {
        level: "ERROR",
        includeExecutionData: ["ALL"],
        cloudwatchLogsLogDestination: { logGroupArn: this.logGroup.logGroupArn },
      },
    });
    // Pipes checks its role's permissions on creation: the role's policy must exist first.
    pipe.node.addDependency(role);
    return pipe;
  }
}
