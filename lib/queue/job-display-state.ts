// What a job's state means to someone watching it. A RUNNING row whose holder was killed stays RUNNING until its
// lease expires and a sweep re-queues it (up to a lease, 60 s by default); showing "running" meanwhile would be a lie.
// A live holder renews the lease every third of it, so a heartbeat older than half the lease means the holder
// missed a renewal: it is most likely gone, and the job is waiting for another worker to take it over.

export type JobDisplayState = "queued" | "running" | "waiting for another worker" | "succeeded" | "failed" | "cancelled";

export function jobDisplayState(job: { state: string; heartbeatAt: Date | null; leaseExpiresAt: Date | null; startedAt: Date | null }, now = new Date()): JobDisplayState {
  const state = job.state.toLowerCase() as JobDisplayState;
  if (state !== "running") return state;
  const lastSign = job.heartbeatAt ?? job.startedAt;
  if (!lastSign || !job.leaseExpiresAt) return state;
  const lease = job.leaseExpiresAt.getTime() - lastSign.getTime();
  return now.getTime() - lastSign.getTime() > lease / 2 ? "waiting for another worker" : "running";
}
