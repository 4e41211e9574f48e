import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

// No Secrets Manager exists here, so the processes the stack starts are given this local HTTP server through
// AWS_ENDPOINT_URL_SECRETS_MANAGER: it answers GetSecretValue the way the service's JSON protocol (AWS JSON 1.1,
// `X-Amz-Target: secretsmanager.GetSecretValue`) does, for the secrets it holds, and records what was asked. It proves
// the request our code makes and what it does with the answer — not that AWS would grant it.

export interface SecretsManagerStandIn {
  endpoint: string;
  /** SecretId of every GetSecretValue request, in order. */
  requested: string[];
  close(): Promise<void>;
}

export async function startSecretsManagerStandIn(secrets: Record<string, string>): Promise<SecretsManagerStandIn> {
  const requested: string[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const reply = (status: number, body: unknown) => {
        response.writeHead(status, { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": "00000000-0000-0000-0000-000000000002" });
        response.end(JSON.stringify(body));
      };
      if (request.headers["x-amz-target"] !== "secretsmanager.GetSecretValue" || !String(request.headers.authorization ?? "").startsWith("AWS4-HMAC-SHA256")) {
        return reply(400, { __type: "InvalidRequestException", message: "only signed GetSecretValue requests here" });
      }
      const { SecretId } = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { SecretId?: string };
      requested.push(SecretId ?? "");
      const value = SecretId === undefined ? undefined : secrets[SecretId];
      if (value === undefined) return reply(400, { __type: "ResourceNotFoundException", message: "Secrets Manager can't find the specified secret." });
      reply(200, { ARN: SecretId, Name: SecretId!.split(":").at(-1), SecretString: value, VersionId: "00000000-0000-0000-0000-000000000003", VersionStages: ["AWSCURRENT"], CreatedDate: 1.7e9 });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { endpoint: `http://127.0.0.1:${port}`, requested, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
