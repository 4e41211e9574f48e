// Runs one AWS Batch job and waits for its end. The stack uses it as a deploy-time trigger that applies the
// database migrations (`podium db migrate`, in the worker image) before the new web code goes live: a failed job
// fails the deployment. The AWS SDK v3 is part of the Lambda Node.js runtime.
import { setTimeout as sleep } from "node:timers/promises";
import { BatchClient, DescribeJobsCommand, SubmitJobCommand } from "@aws-sdk/client-batch";

const batch = new BatchClient({});
const POLL_MILLISECONDS = 10_000;

export async function handler() {
  const { JOB_QUEUE, JOB_DEFINITION, JOB_NAME } = process.env;
  const { jobId } = await batch.send(new SubmitJobCommand({ jobQueue: JOB_QUEUE, jobDefinition: JOB_DEFINITION, jobName: JOB_NAME }));
  console.log(`submitted ${JOB_NAME} as Batch job ${jobId}`);
  for (;;) {
    await sleep(POLL_MILLISECONDS);
    const { jobs } = await batch.send(new DescribeJobsCommand({ jobs: [jobId] }));
    const job = jobs?.[0];
    console.log(`${JOB_NAME} ${jobId}: ${job?.status}`);
    if (job?.status === "SUCCEEDED") return { jobId };
    if (job?.status === "FAILED") {
      throw new Error(`${JOB_NAME} (${jobId}) failed: ${job.statusReason ?? "no reason given"}; log stream ${job.container?.logStreamName ?? "none"}`);
    }
  }
}
