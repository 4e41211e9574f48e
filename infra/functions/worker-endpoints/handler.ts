// The workers' interface endpoints (ECR, ECS, CloudWatch Logs), made only while AWS Batch has Podium work: eight
// standing endpoints in two zones were most of an idle deployment's $252 a month. Worker subnets have no route out,
// so a GPU host or a Fargate task cannot start without them; they are made
//   - by the dispatch pipes' enrichment step, before a job is submitted (the event passes through unchanged once the
//     endpoints are available: no job starts without them),
//   - at deploy time, before the migration task (a custom resource), and
// removed by an hourly pass once no job of Podium's queues is waiting or running and they are an idle hour old, and
// when the stack is deleted (the VPC cannot be deleted with them in it). The function runs outside the VPC.
// Bundled by scripts/prepare.mjs into dist/functions/worker-endpoints; the AWS SDK v3 comes with the Lambda runtime.
import { BatchClient, ListJobsCommand } from "@aws-sdk/client-batch";
import { CreateVpcEndpointCommand, DeleteVpcEndpointsCommand, DescribeVpcEndpointsCommand, EC2Client, type VpcEndpoint } from "@aws-sdk/client-ec2";

export interface EndpointSettings {
  /** The stack's name: the tag value that marks its endpoints. */
  owner: string;
  vpcId: string;
  subnetIds: string[];
  securityGroupIds: string[];
  /** Full service names (com.amazonaws.<region>.ecr.api …). */
  services: string[];
  /** Podium's Batch job queues (ARNs). */
  jobQueues: string[];
  idleMinutes: number;
  waitSeconds: number;
  /** Between descriptions while waiting. */
  pollMs: number;
}

export interface EndpointClients {
  ec2: EC2Client;
  batch: BatchClient;
}

type Log = (line: string) => void;

export const OWNER_TAG = "podium:worker-endpoints";
const ACTIVE_JOB_STATES = ["SUBMITTED", "PENDING", "RUNNABLE", "STARTING", "RUNNING"] as const;
const GONE = new Set(["deleted", "rejected", "failed", "expired"]);

/** The function's settings, from its environment (infra/lib/constructs/worker-endpoints.ts). */
export function settingsFrom(env: Record<string, string | undefined>): EndpointSettings {
  const list = (name: string) => (env[name] ?? "").split(",").map((item) => item.trim()).filter(Boolean);
  const settings = {
    owner: env.OWNER ?? "",
    vpcId: env.VPC_ID ?? "",
    subnetIds: list("SUBNET_IDS"),
    securityGroupIds: list("SECURITY_GROUP_IDS"),
    services: list("SERVICES"),
    jobQueues: list("JOB_QUEUES"),
    idleMinutes: Number(env.IDLE_MINUTES ?? 60),
    waitSeconds: Number(env.WAIT_SECONDS ?? 600),
    pollMs: Number(env.POLL_MS ?? 5000),
  };
  for (const [name, value] of Object.entries(settings)) {
    if (value === "" || (Array.isArray(value) && value.length === 0) || Number.isNaN(value)) throw new Error(`worker-endpoints: ${name} is not set`);
  }
  return settings;
}

/** This stack's endpoints in the VPC; "deleting" ones count as still there (their interfaces are). */
async function ownedEndpoints(ec2: EC2Client, settings: EndpointSettings): Promise<VpcEndpoint[]> {
  const found: VpcEndpoint[] = [];
  let NextToken: string | undefined;
  do {
    const page = await ec2.send(new DescribeVpcEndpointsCommand({ Filters: [{ Name: "vpc-id", Values: [settings.vpcId] }, { Name: `tag:${OWNER_TAG}`, Values: [settings.owner] }], NextToken }));
    found.push(...(page.VpcEndpoints ?? []).filter((endpoint) => !GONE.has(String(endpoint.State).toLowerCase())));
    NextToken = page.NextToken;
  } while (NextToken);
  return found;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Makes the missing endpoints and waits until every one is available. Returns the ids it made. */
export async function ensureEndpoints(clients: EndpointClients, settings: EndpointSettings, log: Log = console.log): Promise<string[]> {
  const existing = await ownedEndpoints(clients.ec2, settings);
  const missing = settings.services.filter((service) => !existing.some((endpoint) => endpoint.ServiceName === service && String(endpoint.State).toLowerCase() !== "deleting"));
  const made: string[] = [];
  for (const service of missing) {
    try {
      const { VpcEndpoint } = await clients.ec2.send(
        new CreateVpcEndpointCommand({
          VpcId: settings.vpcId,
          ServiceName: service,
          VpcEndpointType: "Interface",
          SubnetIds: settings.subnetIds,
          SecurityGroupIds: settings.securityGroupIds,
          PrivateDnsEnabled: true,
          TagSpecifications: [{ ResourceType: "vpc-endpoint", Tags: [{ Key: OWNER_TAG, Value: settings.owner }, { Key: "Name", Value: `${settings.owner} ${service.split(".").slice(3).join(".")}` }] }],
        }),
      );
      made.push(VpcEndpoint?.VpcEndpointId ?? "");
      log(`created ${VpcEndpoint?.VpcEndpointId} for ${service}`);
    } catch (error) {
      // Another invocation made it a moment ago: its private DNS name is taken, which is what we wanted.
      if (!/conflicting DNS domain|private-dns-enabled cannot be set/i.test(error instanceof Error ? error.message : String(error))) throw error;
      log(`${service}: made by a concurrent invocation`);
    }
  }
  const deadline = Date.now() + settings.waitSeconds * 1000;
  for (;;) {
    const endpoints = await ownedEndpoints(clients.ec2, settings);
    const waiting = settings.services.filter((service) => !endpoints.some((endpoint) => endpoint.ServiceName === service && String(endpoint.State).toLowerCase() === "available"));
    if (waiting.length === 0) return made;
    if (Date.now() > deadline) throw new Error(`worker endpoints not available after ${settings.waitSeconds} s: ${waiting.join(", ")}`);
    await sleep(settings.pollMs);
  }
}

/** Deletes this stack's worker endpoints (only those tagged as its own). Returns the ids it deleted. */
export async function releaseEndpoints(clients: EndpointClients, settings: EndpointSettings, log: Log = console.log, options: { waitUntilGone?: boolean } = {}): Promise<string[]> {
  const ids = (await ownedEndpoints(clients.ec2, settings)).filter((endpoint) => String(endpoint.State).toLowerCase() !== "deleting").map((endpoint) => endpoint.VpcEndpointId!);
  if (ids.length > 0) {
    await clients.ec2.send(new DeleteVpcEndpointsCommand({ VpcEndpointIds: ids }));
    log(`deleted ${ids.join(", ")}`);
  }
  // Before the VPC goes (stack deletion), their network interfaces must be gone from its subnets.
  const deadline = Date.now() + settings.waitSeconds * 1000;
  while (options.waitUntilGone && (await ownedEndpoints(clients.ec2, settings)).length > 0) {
    if (Date.now() > deadline) throw new Error(`worker endpoints still deleting after ${settings.waitSeconds} s`);
    await sleep(settings.pollMs);
  }
  return ids;
}

async function activeJobCount(clients: EndpointClients, settings: EndpointSettings): Promise<number> {
  let count = 0;
  for (const jobQueue of settings.jobQueues) {
    for (const jobStatus of ACTIVE_JOB_STATES) {
      const { jobSummaryList } = await clients.batch.send(new ListJobsCommand({ jobQueue, jobStatus, maxResults: 1 }));
      count += jobSummaryList?.length ?? 0;
    }
  }
  return count;
}

/** The hourly pass: removes the endpoints once nothing is waiting or running and they are at least an idle period old. */
export async function releaseWhenIdle(clients: EndpointClients, settings: EndpointSettings, now = Date.now(), log: Log = console.log): Promise<{ released: string[]; reason: string }> {
  const endpoints = await ownedEndpoints(clients.ec2, settings);
  if (endpoints.every((endpoint) => String(endpoint.State).toLowerCase() === "deleting")) return { released: [], reason: "none standing" };
  if ((await activeJobCount(clients, settings)) > 0) return { released: [], reason: "jobs waiting or running" };
  const newest = Math.max(...endpoints.map((endpoint) => new Date(endpoint.CreationTimestamp ?? 0).getTime()));
  if (now - newest < settings.idleMinutes * 60_000) return { released: [], reason: "made less than an idle period ago" };
  return { released: await releaseEndpoints(clients, settings, log), reason: "idle" };
}

export async function handler(event: unknown, _context?: unknown, clients: EndpointClients = { ec2: new EC2Client({}), batch: new BatchClient({}) }): Promise<unknown> {
  const settings = settingsFrom(process.env);
  // The dispatch pipes' enrichment: an array of SQS events, returned unchanged once the endpoints are available.
  if (Array.isArray(event)) {
    await ensureEndpoints(clients, settings);
    return event;
  }
  // The deploy's custom resource (CloudFormation through the CDK provider framework).
  const request = event as { RequestType?: "Create" | "Update" | "Delete" } | null;
  if (request?.RequestType) {
    if (request.RequestType === "Delete") await releaseEndpoints(clients, settings, console.log, { waitUntilGone: true });
    else await ensureEndpoints(clients, settings);
    return { PhysicalResourceId: `worker-endpoints-${settings.owner}` };
  }
  // The schedule.
  const outcome = await releaseWhenIdle(clients, settings);
  console.log(JSON.stringify({ workerEndpoints: outcome }));
  return outcome;
}
