import type { SqlExecutor } from "../db/sql-executor";

// What a team sees of a waiting model job: how many model jobs are ahead of it and a rough ETA from the recent
// durations of model jobs and the workers currently running them.

export interface QueuePosition {
  /** Jobs ahead (0: next to be claimed). */
  ahead: number;
  etaSeconds: number | null;
}

/** Accepts the raw SQL executor or Prisma (whose $queryRawUnsafe takes the same text and parameters). */
type Queryable = SqlExecutor | { $queryRawUnsafe: <T>(query: string, ...values: unknown[]) => Promise<T> };

export async function queuePositionOf(db: Queryable, submissionId: string): Promise<QueuePosition | null> {
  const query = <T>(text: string, values: unknown[]): Promise<T[]> => ("query" in db ? db.query<T>(text, values) : db.$queryRawUnsafe<T[]>(text, ...values));
  const [row] = await query<{ ahead: number; workers: number; average_seconds: number | null }>(
    `WITH mine AS (SELECT created_at FROM jobs WHERE submission_id = $1 AND state = 'QUEUED' ORDER BY created_at DESC LIMIT 1)
     SELECT
       (SELECT count(*)::int FROM jobs j, mine WHERE j.kind = 'SCORE_MODEL' AND j.state = 'QUEUED' AND j.created_at < mine.created_at) AS ahead,
       (SELECT count(DISTINCT worker_id)::int FROM jobs WHERE kind = 'SCORE_MODEL' AND state = 'RUNNING') AS workers,
       (SELECT avg(EXTRACT(EPOCH FROM finished_at - started_at))::float FROM (SELECT finished_at, started_at FROM jobs WHERE kind = 'SCORE_MODEL' AND state = 'SUCCEEDED' AND started_at IS NOT NULL ORDER BY finished_at DESC LIMIT 20) recent) AS average_seconds
     FROM mine`,
    [submissionId],
  );
  if (!row) return null;
  const eta = row.average_seconds === null ? null : Math.round(((row.ahead + 1) * row.average_seconds) / Math.max(1, row.workers));
  return { ahead: row.ahead, etaSeconds: eta };
}
