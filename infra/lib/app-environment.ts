import { Aws } from "aws-cdk-lib";
import type { Database } from "./constructs/database";
import type { Dispatch } from "./constructs/dispatch";
import type { Storage } from "./constructs/storage";

// The settings lib/config/env.ts reads, as the stack wires them into every Podium process on AWS (web Lambda,
// GPU worker, one-off CLI tasks). One function so the three never drift apart. Secrets travel as ARNs: the
// process reads the value at start with its role, so no password sits in a Lambda or job definition.

export interface AppEnvironmentSources {
  readonly siteOrigin: string;
  readonly storage: Storage;
  readonly database: Database;
  readonly dispatch: Dispatch;
}

export function appEnvironment(sources: AppEnvironmentSources): Record<string, string> {
  return {
    NODE_ENV: "production",
    PODIUM_PUBLIC_URL: sources.siteOrigin,
    // DATABASE_URL = postgresql://<username>:<password>@<PODIUM_DATABASE_HOST>:<port>/<dbname>?sslmode=require,
    // from the secret's JSON; the host is the RDS Proxy endpoint (the secret's own host names the cluster).
    PODIUM_DATABASE_SECRET_ARN: sources.database.secret.secretArn,
    PODIUM_DATABASE_HOST: sources.database.host,
    S3_BUCKET: sources.storage.datasets.bucketName,
    S3_SUBMISSIONS_BUCKET: sources.storage.submissions.bucketName,
    S3_REGION: Aws.REGION,
    // Jobs are announced on SQS and run by Batch workers, never inside the web process.
    PODIUM_QUEUE: "sqs",
    PODIUM_SQS_QUEUE_URL: sources.dispatch.queue.queueUrl,
    PODIUM_SQS_TASK_QUEUE_URL: sources.dispatch.taskQueue.queueUrl,
    PODIUM_WORKER: "off",
  };
}
