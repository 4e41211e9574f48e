// The scheduled queue pass on AWS (an EventBridge rule invokes it; infra/lib/constructs/queue-pass.ts). With
// PODIUM_WORKER=off nothing polls the jobs table: this re-queues jobs whose worker died and announces on SQS every
// job still waiting unannounced. Bundled by scripts/prepare.mjs into dist/functions/queue-pass/index.mjs, with pg and
// Podium's lib inside; the AWS SDK comes with the Lambda Node.js runtime.
import { loadAwsSecrets, settings } from "../../../lib/config/env";
import { openPostgresPool } from "../../../lib/db/postgres-pool";
import { maintainQueue } from "../../../lib/queue/run-jobs";
import { jobWakeUp } from "../../../lib/queue/wake-up";

export async function handler(): Promise<Awaited<ReturnType<typeof maintainQueue>>> {
  const config = settings();
  if (config.worker.queue !== "sqs") throw new Error("the queue pass announces jobs on SQS: set PODIUM_QUEUE=sqs, PODIUM_SQS_QUEUE_URL and PODIUM_SQS_TASK_QUEUE_URL");
  await loadAwsSecrets(config);
  if (!config.database.url) throw new Error("no PostgreSQL URL: set DATABASE_URL or PODIUM_DATABASE_SECRET_ARN");
  // One connection per pass, closed after it: a connection kept between passes would keep a pausable Aurora awake.
  const postgres = await openPostgresPool(config.database.url, { max: 1, caFile: config.database.caFile });
  try {
    const result = await maintainQueue({ sql: postgres.sql, wakeUp: jobWakeUp(config), againAfterSeconds: config.worker.announceAgainSeconds, log: (line) => console.log(line) });
    console.log(JSON.stringify({ queuePass: result }));
    return result;
  } finally {
    await postgres.close();
  }
}
