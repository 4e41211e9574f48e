import { SQSClient } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localWakeUp, sqsWakeUp, type JobNotice } from "../../lib/queue/wake-up";
import { startSqsStandIn, type SqsStandIn } from "../helpers/sqs-stand-in";

// The two JobWakeUp adapters. The SQS adapter is checked against its request contract (tests/helpers/sqs-stand-in.ts):
// the message we send (queue, body, attributes, signing) and that errors reach the caller — not that a real queue accepts it.

const notice: JobNotice = { kind: "SCORE_MODEL", jobId: "job-1", submissionId: "submission-1", competitionId: "competition-1" };

describe("localWakeUp", () => {
  it("delivers each notice to every subscriber until it unsubscribes", async () => {
    const wakeUp = localWakeUp();
    expect(wakeUp.kind).toBe("local");
    const first: JobNotice[] = [];
    const second: JobNotice[] = [];
    const unsubscribeFirst = wakeUp.subscribe!((received) => first.push(received));
    wakeUp.subscribe!((received) => second.push(received));
    await wakeUp.notify(notice);
    unsubscribeFirst();
    const later: JobNotice = { kind: "SCORE_RESULTS", jobId: "job-2", submissionId: null, competitionId: "competition-1" };
    await wakeUp.notify(later);
    expect(first).toEqual([notice]);
    expect(second).toEqual([notice, later]);
  });

  it("keeps separate adapters apart", async () => {
    const a = localWakeUp();
    const b = localWakeUp();
    const heard: JobNotice[] = [];
    b.subscribe!((received) => heard.push(received));
    await a.notify(notice);
    expect(heard).toEqual([]);
  });
});

describe("sqsWakeUp (request contract against a local stand-in for SQS)", () => {
  const queueUrl = "https://sqs.us-east-1.amazonaws.com/123456789012/podium-jobs";
  const taskQueueUrl = "https://sqs.us-east-1.amazonaws.com/123456789012/podium-tasks";
  const queues = { jobs: queueUrl, tasks: taskQueueUrl };
  const missingQueueUrl = "https://sqs.us-east-1.amazonaws.com/123456789012/missing";
  const accessKeyId = "AKIDPODIUMTEST";
  let sqs: SqsStandIn;
  let requests: SqsStandIn["requests"];
  let client: SQSClient;

  beforeAll(async () => {
    sqs = await startSqsStandIn({ missingQueueUrls: [missingQueueUrl] });
    requests = sqs.requests;
    client = new SQSClient({ endpoint: sqs.endpoint, region: "us-east-1", credentials: { accessKeyId, secretAccessKey: "podium-test-secret" }, maxAttempts: 1 });
  });

  afterAll(async () => {
    client?.destroy();
    await sqs?.close();
  });

  it("sends one signed SendMessage whose body is the notice, with its kind as a message attribute", async () => {
    const wakeUp = sqsWakeUp(queues, client);
    expect(wakeUp.kind).toBe("sqs");
    expect(wakeUp.subscribe).toBeUndefined();
    requests.length = 0;
    await wakeUp.notify(notice);
    expect(requests).toHaveLength(1);
    const [sent] = requests;
    expect(sent!.method).toBe("POST");
    expect(sent!.url).toBe("/");
    expect(sent!.headers["x-amz-target"]).toBe("AmazonSQS.SendMessage");
    expect(sent!.headers["content-type"]).toBe("application/x-amz-json-1.0");
    // SigV4 over the access key, the region and the sqs service, signing at least the host, date and target.
    const authorization = String(sent!.headers.authorization);
    expect(authorization).toMatch(new RegExp(`^AWS4-HMAC-SHA256 Credential=${accessKeyId}/\\d{8}/us-east-1/sqs/aws4_request, SignedHeaders=[^,]+, Signature=[0-9a-f]{64}$`));
    const signedHeaders = /SignedHeaders=([^,]+)/.exec(authorization)![1]!.split(";");
    expect(signedHeaders).toEqual(expect.arrayContaining(["host", "x-amz-date", "x-amz-target", "content-type"]));
    expect(sent!.headers["x-amz-date"]).toMatch(/^\d{8}T\d{6}Z$/);

    const body = JSON.parse(sent!.body) as { QueueUrl: string; MessageBody: string; MessageAttributes: Record<string, unknown> };
    expect(body.QueueUrl).toBe(queueUrl);
    expect(JSON.parse(body.MessageBody)).toEqual(notice);
    expect(body.MessageAttributes).toEqual({ kind: { DataType: "String", StringValue: "SCORE_MODEL" } });
  });

  it("sends CPU jobs to the task queue (its pipe reads $.body.jobId), with a null submissionId kept in the body", async () => {
    requests.length = 0;
    const datasetNotice: JobNotice = { kind: "VALIDATE_DATASET", jobId: "job-3", submissionId: null, competitionId: "competition-2" };
    const resultsNotice: JobNotice = { kind: "SCORE_RESULTS", jobId: "job-4", submissionId: "submission-4", competitionId: "competition-2" };
    await sqsWakeUp(queues, client).notify(datasetNotice);
    await sqsWakeUp(queues, client).notify(resultsNotice);
    const bodies = requests.map((request) => JSON.parse(request.body) as { QueueUrl: string; MessageBody: string; MessageAttributes: Record<string, { StringValue: string }> });
    expect(bodies.map((body) => body.QueueUrl)).toEqual([taskQueueUrl, taskQueueUrl]);
    expect(JSON.parse(bodies[0]!.MessageBody)).toEqual(datasetNotice);
    expect(bodies[0]!.MessageAttributes.kind!.StringValue).toBe("VALIDATE_DATASET");
    expect(JSON.parse(bodies[1]!.MessageBody)).toEqual(resultsNotice);
  });

  it("rejects notify when SQS answers with an error", async () => {
    requests.length = 0;
    const failure = sqsWakeUp({ jobs: missingQueueUrl, tasks: taskQueueUrl }, client).notify(notice);
    await expect(failure).rejects.toThrow(/The specified queue does not exist/);
    await expect(failure).rejects.toMatchObject({ name: "QueueDoesNotExist", $metadata: { httpStatusCode: 400 } });
    expect(requests).toHaveLength(1);
  });
});
