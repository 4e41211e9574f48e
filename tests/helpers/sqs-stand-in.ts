import { createHash } from "node:crypto";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

// No SQS server exists here (none can be installed from these registries), so SQS senders are checked against the
// request contract: this local HTTP server records what @aws-sdk/client-sqs sends and answers the way SQS's JSON
// protocol (AWS JSON 1.0, `X-Amz-Target: AmazonSQS.<Operation>`) does. It proves the requests we make — not that a
// real queue accepts them.

export interface RecordedSqsRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface SqsStandIn {
  endpoint: string;
  requests: RecordedSqsRequest[];
  /** Message bodies of the SendMessage requests it accepted, parsed. */
  sentBodies(): unknown[];
  close(): Promise<void>;
}

/** Answers SendMessage; queues in `missingQueueUrls` get SQS's QueueDoesNotExist error. */
export async function startSqsStandIn(options: { missingQueueUrls?: string[] } = {}): Promise<SqsStandIn> {
  const requests: RecordedSqsRequest[] = [];
  const accepted: unknown[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      requests.push({ method: request.method ?? "", url: request.url ?? "", headers: request.headers, body });
      const input = JSON.parse(body) as { QueueUrl?: string; MessageBody?: string };
      if (request.headers["x-amz-target"] !== "AmazonSQS.SendMessage") {
        response.writeHead(400, { "content-type": "application/x-amz-json-1.0" });
        response.end(JSON.stringify({ __type: "com.amazonaws.sqs#UnsupportedOperation", message: "only SendMessage here" }));
        return;
      }
      if (options.missingQueueUrls?.includes(input.QueueUrl ?? "")) {
        // What SQS answers for an unknown queue (the query-compatible header carries the legacy error code).
        response.writeHead(400, { "content-type": "application/x-amz-json-1.0", "x-amzn-query-error": "AWS.SimpleQueueService.NonExistentQueue;Sender" });
        response.end(JSON.stringify({ __type: "com.amazonaws.sqs#QueueDoesNotExist", message: "The specified queue does not exist." }));
        return;
      }
      accepted.push(JSON.parse(input.MessageBody ?? "null"));
      // The SDK checks MD5OfMessageBody against the body it sent, so answer with the real digest.
      const md5 = createHash("md5")
        .update(input.MessageBody ?? "", "utf8")
        .digest("hex");
      response.writeHead(200, { "content-type": "application/x-amz-json-1.0", "x-amzn-requestid": "00000000-0000-0000-0000-000000000001" });
      response.end(JSON.stringify({ MessageId: "5fea7756-0ea4-451a-a703-a558b933e274", MD5OfMessageBody: md5, MD5OfMessageAttributes: "0".repeat(32) }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    sentBodies: () => [...accepted],
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
