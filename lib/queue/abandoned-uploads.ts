import type { SqlExecutor } from "../db/sql-executor";

// An upload straight to storage (a model, a results file, a dataset archive) is a row waiting for its last part: RECEIVED, or a
// version UPLOADING. A client that never comes back (a closed tab, a dropped connection nobody resumed) would leave
// it there for good, on the team's list and the organizer's dashboard. A day after it started it is ended with the
// reason; storage drops the parts on its own (S3's lifecycle rule, the folder store's sweep of old uploads).

/** How long an upload may take from its start, resumptions included. */
export const ABANDONED_UPLOAD_SECONDS = 24 * 60 * 60;

export async function expireAbandonedUploads(sql: SqlExecutor, olderThanSeconds = ABANDONED_UPLOAD_SECONDS): Promise<{ models: number; datasets: number }> {
  const hours = Math.round(olderThanSeconds / 3600);
  const models = await sql.query(
    `UPDATE submissions SET status = 'CANCELLED', counts_toward_quota = false, finished_at = now(), error = $2
     WHERE status = 'RECEIVED' AND created_at < now() - make_interval(secs => $1) RETURNING id`,
    [olderThanSeconds, `the upload was not completed within ${hours} hours of its start; nothing was counted — upload the file again`],
  );
  const datasets = await sql.query(
    `UPDATE dataset_versions SET status = 'REJECTED', validated_at = now(), error = $2
     WHERE status = 'UPLOADING' AND created_at < now() - make_interval(secs => $1) RETURNING id`,
    [olderThanSeconds, `the archive's upload was not completed within ${hours} hours of its start; upload it again`],
  );
  return { models: models.length, datasets: datasets.length };
}
