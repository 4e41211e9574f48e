import { Duration } from "aws-cdk-lib";
import type * as batch from "aws-cdk-lib/aws-batch";
import * as iam from "aws-cdk-lib/aws-iam";
import type * as logs from "aws-cdk-lib/aws-logs";
import * as pipes from "aws-cdk-lib/aws-pipes";
import * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { logGroupWithRetention } from "../log-groups";

export interface DispatchProps {
  readonly logRetention: logs.RetentionDays;
  /** Receives before a message moves to the dead-letter queue (each receive is one SubmitJob attempt). */
  readonly maxReceiveCount?: number;
}

/** The Batch job name; the submission id travels as the job parameter `submissionId`. */
export const SCORE_JOB_NAME = "podium-score-model";

/**
 * The job announcement path. The web tier records the job row in PostgreSQL and sends
 * `{"kind":"SCORE_MODEL","jobId":"…","submissionId":"…","competitionId":"…"}`; an EventBridge Pipe turns each
 * message into one AWS Batch job whose parameter `submissionId` is `$.body.submissionId`. A message the pipe cannot
 * submit (malformed body, Batch throttling) is retried, then parked in the dead-letter queue, which is alarmed.
 * PostgreSQL stays the source of truth: a message that never becomes a job leaves its row QUEUED, for the app to
 * announce again.
 */
export class Dispatch extends Construct {
  public readonly queue: sqs.Queue;
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
    this.queue = new sqs.Queue(this, "Jobs", {
      // SubmitJob answers in well under a second; a failed attempt is visible again after 2 minutes.
      visibilityTimeout: Duration.minutes(2),
      retentionPeriod: Duration.days(4),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: this.maxReceiveCount },
    });
  }

  /** The only queue permission the web tier gets: sqs:SendMessage on this queue. */
  grantSend(grantee: iam.IGrantable): iam.Grant {
    return this.queue.grant(grantee, "sqs:SendMessage");
  }

  /** Connects the queue to Batch: one message, one job of `jobDefinition` on `jobQueue`. */
  submitJobsTo(jobQueue: batch.IJobQueue, jobDefinition: batch.EcsJobDefinition): pipes.CfnPipe {
    const role = new iam.Role(this, "PipeRole", { assumedBy: new iam.ServicePrincipal("pipes.amazonaws.com") });
    this.queue.grant(role, "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes");
    jobDefinition.grantSubmitJob(role, jobQueue);
    this.logGroup.grantWrite(role);

    const pipe = new pipes.CfnPipe(this, "ToBatch", {
      description: "Podium: one SCORE_MODEL message → one AWS Batch GPU job",
      roleArn: role.roleArn,
      source: this.queue.queueArn,
      // One message per SubmitJob: a bad message fails alone and reaches the dead-letter queue alone.
      sourceParameters: { sqsQueueParameters: { batchSize: 1 } },
      target: jobQueue.jobQueueArn,
      targetParameters: {
        batchJobParameters: {
          jobDefinition: jobDefinition.jobDefinitionArn,
          jobName: SCORE_JOB_NAME,
          // Fills Ref::submissionId in the job definition's command.
          parameters: { submissionId: "$.body.submissionId" },
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
