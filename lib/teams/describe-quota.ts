import type { QuotaState } from "../submissions/submit-results";
import { formatTime } from "../time/format-time";

/** A team's quota as the API sends it (times as ISO strings) or as lib computes it. */
export type QuotaView = Omit<QuotaState, "resetsAt"> & { resetsAt: Date | string | null };

/**
 * "3 of 5 entries left today; 97 of 100 left in total", or "no daily limit", with when the daily count starts again
 * once the day's entries are spent — the one wording of the web page, `podium submit` and `podium team show`.
 */
export function describeQuota(quota: QuotaView, timeZone: string): string {
  const parts = [quota.dailyLimit === null ? "no daily limit" : `${quota.leftToday} of ${quota.dailyLimit} entries left today`];
  if (quota.totalLimit !== null) parts.push(`${quota.leftTotal} of ${quota.totalLimit} left in total`);
  const resets = quota.resetsAt && quota.leftToday === 0 && quota.leftTotal !== 0 ? ` (the daily count starts again ${formatTime(quota.resetsAt, timeZone)})` : "";
  return `${parts.join("; ")}${resets}`;
}
