import { Duration } from "aws-cdk-lib";
import type * as batch from "aws-cdk-lib/aws-batch";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import * as actions from "aws-cdk-lib/aws-cloudwatch-actions";
import * as events from "aws-cdk-lib/aws-events";
import * as targets from "aws-cdk-lib/aws-events-targets";
import type * as lambda from "aws-cdk-lib/aws-lambda";
import type * as rds from "aws-cdk-lib/aws-rds";
import * as sns from "aws-cdk-lib/aws-sns";
import * as subscriptions from "aws-cdk-lib/aws-sns-subscriptions";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";

export interface OperationsProps {
  readonly jobs: sqs.IQueue;
  readonly tasks: sqs.IQueue;
  readonly deadLetters: sqs.IQueue;
  /** Only failures of jobs on these queues count (one-off tasks included: a failed migration matters). */
  readonly jobQueues: batch.IJobQueue[];
  readonly cluster: rds.DatabaseCluster;
  readonly webFunction: lambda.IFunction;
  /** The scheduled queue pass: when it fails, lost job announcements stay lost. */
  readonly queuePassFunction: lambda.IFunction;
  /** A message older than this means the pipe is not turning messages into jobs. */
  readonly queueAgeThreshold: Duration;
  /** Subscribed to the alarm topic when set (the address confirms by e-mail). */
  readonly alarmEmail?: string;
}

/**
 * What tells an operator something is wrong during an event: alarms on the job queue's age, the dead-letter queue,
 * failed Batch jobs, database capacity and the web function, all published to one SNS topic.
 */
export class Operations extends Construct {
  public readonly topic: sns.Topic;
  public readonly alarms: Record<"queueAge" | "taskQueueAge" | "deadLetters" | "batchFailures" | "databaseCapacity" | "webErrors" | "webThrottles" | "queuePassErrors", cloudwatch.Alarm>;

  constructor(scope: Construct, id: string, props: OperationsProps) {
    super(scope, id);
    this.topic = new sns.Topic(this, "Alarms", { displayName: "Podium alarms", enforceSSL: true });
    if (props.alarmEmail) this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));

    // Every FAILED job (after its retries) is published with its reason, and counted for the alarm below.
    const failures = new events.Rule(this, "BatchJobFailed", {
      description: "Podium: an AWS Batch job ended FAILED",
      eventPattern: {
        source: ["aws.batch"],
        detailType: ["Batch Job State Change"],
        detail: { status: ["FAILED"], jobQueue: props.jobQueues.map((queue) => queue.jobQueueArn) },
      },
    });
    failures.addTarget(
      new targets.SnsTopic(this.topic, {
        message: events.RuleTargetInput.fromText(
          `Podium: Batch job ${events.EventField.fromPath("$.detail.jobName")} (${events.EventField.fromPath("$.detail.jobId")}) FAILED: ${events.EventField.fromPath("$.detail.statusReason")}`,
        ),
      }),
    );

    const fiveMinutes = Duration.minutes(5);
    const alarm = (id: string, alarmProps: Omit<cloudwatch.AlarmProps, "evaluationPeriods"> & { evaluationPeriods?: number }) =>
      // No data means nothing happened (an idle queue, no invocations), not trouble.
      new cloudwatch.Alarm(this, id, { evaluationPeriods: 1, treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING, ...alarmProps });
    this.alarms = {
      queueAge: alarm("QueueAge", {
        alarmDescription: "Model jobs wait in SQS: the pipe is not submitting them to Batch",
        metric: props.jobs.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(1), statistic: cloudwatch.Stats.MAXIMUM }),
        threshold: props.queueAgeThreshold.toSeconds(),
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      }),
      taskQueueAge: alarm("TaskQueueAge", {
        alarmDescription: "Dataset validations or results files wait in SQS: the task pipe is not submitting them to Batch",
        metric: props.tasks.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(1), statistic: cloudwatch.Stats.MAXIMUM }),
        threshold: props.queueAgeThreshold.toSeconds(),
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      }),
      deadLetters: alarm("DeadLetters", {
        alarmDescription: "A job message could not be submitted after its retries (see the pipe's log group)",
        metric: props.deadLetters.metricApproximateNumberOfMessagesVisible({ period: fiveMinutes, statistic: cloudwatch.Stats.MAXIMUM }),
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      }),
      batchFailures: alarm("BatchFailures", {
        alarmDescription: "AWS Batch jobs ended FAILED (model entries, migrations)",
        metric: new cloudwatch.Metric({
          namespace: "AWS/Events",
          metricName: "TriggeredRules",
          dimensionsMap: { RuleName: failures.ruleName },
          statistic: cloudwatch.Stats.SUM,
          period: fiveMinutes,
        }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      }),
      databaseCapacity: alarm("DatabaseCapacity", {
        alarmDescription: "Aurora runs at its maximum ACU: raise auroraMaxAcu",
        metric: props.cluster.metricACUUtilization({ period: fiveMinutes, statistic: cloudwatch.Stats.AVERAGE }),
        threshold: 90,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 3,
      }),
      webErrors: alarm("WebErrors", {
        alarmDescription: "The Next.js server function fails invocations (crashes, timeouts)",
        metric: props.webFunction.metricErrors({ period: fiveMinutes, statistic: cloudwatch.Stats.SUM }),
        threshold: 5,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      }),
      webThrottles: alarm("WebThrottles", {
        alarmDescription: "Requests were refused for lack of Lambda concurrency (raise the reserved or account concurrency)",
        metric: props.webFunction.metricThrottles({ period: fiveMinutes, statistic: cloudwatch.Stats.SUM }),
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      }),
      queuePassErrors: alarm("QueuePassErrors", {
        alarmDescription: "The scheduled queue pass failed (database or SQS unreachable): waiting jobs are not announced again",
        metric: props.queuePassFunction.metricErrors({ period: Duration.hours(1), statistic: cloudwatch.Stats.SUM }),
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      }),
    };
    const notify = new actions.SnsAction(this.topic);
    for (const each of Object.values(this.alarms)) {
      each.addAlarmAction(notify);
      each.addOkAction(notify);
    }
  }
}
