import type { JobKind } from "./jobs";
import { EventEmitter } from "node:events";
import { SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { settings, type Settings } from "../config/env";

// How workers learn that a job is waiting. The job row in PostgreSQL is the truth either way; the wake-up only saves
// latency (local: the in-process loop wakes at once, separate workers poll) or starts compute (SQS: each message
// becomes an AWS Batch job through the EventBridge Pipe that infra/ defines).

export interface JobNotice {
  kind: JobKind;
  jobId: string;
  submissionId: string | null;
  competitionId: string;
}

export interface JobWakeUp {
  readonly kind: "local" | "sqs";
  notify(notice: JobNotice): Promise<void>;
  /** Local adapter only: called on every notice in this process. */
  subscribe?(listener: (notice: JobNotice) => void): () => void;
}

export function localWakeUp(): JobWakeUp {
  const events = new EventEmitter();
  events.setMaxListeners(100);
  return {
    kind: "local",
    async notify(notice) {
      events.emit("job", notice);
    },
    subscribe(listener) {
      events.on("job", listener);
      return () => events.off("job", listener);
    },
  };
}

/** Where each kind of job runs on AWS: model entries on GPU workers, everything else on CPU (Fargate) tasks. */
export interface SqsQueues {
  /** SCORE_MODEL → the GPU Batch queue (the pipe passes $.body.submissionId). */
  jobs: string;
  /** VALIDATE_DATASET, SCORE_RESULTS, RESCORE_ENTRY → the Fargate Batch queue (the pipe passes $.body.jobId). */
  tasks: string;
}

/** One SQS message per job; the body is the JobNotice as JSON. */
export function sqsWakeUp(queues: SqsQueues, client: SQSClient = new SQSClient({})): JobWakeUp {
  return {
    kind: "sqs",
    async notify(notice) {
      await client.send(
        new SendMessageCommand({
          QueueUrl: notice.kind === "SCORE_MODEL" ? queues.jobs : queues.tasks,
          MessageBody: JSON.stringify(notice),
          MessageAttributes: { kind: { DataType: "String", StringValue: notice.kind } },
        }),
      );
    },
  };
}

// On globalThis: Next.js may bundle this module more than once (instrumentation and routes), and the in-process
// worker must hear the routes' notices.
const holder = globalThis as unknown as { podiumJobWakeUp?: JobWakeUp };

/** The adapter this process's settings choose (PODIUM_QUEUE). */
export function jobWakeUp(config: Settings = settings()): JobWakeUp {
  holder.podiumJobWakeUp ??= config.worker.queue === "sqs" ? sqsWakeUp({ jobs: config.worker.sqsQueueUrl!, tasks: config.worker.sqsTaskQueueUrl! }) : localWakeUp();
  return holder.podiumJobWakeUp;
}
