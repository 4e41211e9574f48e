import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

// No EC2 or Batch API exists here, so the worker-endpoints function is checked against the request contract: this
// local server answers the EC2 Query protocol (form-encoded Action=…, XML replies) for CreateVpcEndpoint,
// DescribeVpcEndpoints and DeleteVpcEndpoints, and Batch's REST JSON ListJobs, keeping endpoints in memory. A new
// endpoint is "pending" for `pendingDescribes` descriptions, then "available"; a deleted one "deleting", then gone.
// It proves the requests @aws-sdk/client-ec2 and client-batch send and what the function does with the answers —
// not that AWS would accept them.

export interface StandInEndpoint {
  id: string;
  vpcId: string;
  serviceName: string;
  subnetIds: string[];
  securityGroupIds: string[];
  privateDns: boolean;
  tags: Record<string, string>;
  state: string;
  createdAt: Date;
  describesLeft: number;
}

export interface Ec2BatchStandIn {
  endpoint: string;
  endpoints: StandInEndpoint[];
  /** Batch jobs by "queue status" → count, as ListJobs reports them. */
  activeJobs: Map<string, number>;
  actions: string[];
  close(): Promise<void>;
}

const xml = (action: string, body: string) => `<?xml version="1.0" encoding="UTF-8"?><${action}Response xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>0</requestId>${body}</${action}Response>`;
const escape = (value: string) => value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

function endpointXml(endpoint: StandInEndpoint): string {
  const tags = Object.entries(endpoint.tags)
    .map(([key, value]) => `<item><key>${escape(key)}</key><value>${escape(value)}</value></item>`)
    .join("");
  return `<vpcEndpointId>${endpoint.id}</vpcEndpointId><vpcEndpointType>Interface</vpcEndpointType><vpcId>${endpoint.vpcId}</vpcId><serviceName>${endpoint.serviceName}</serviceName><state>${endpoint.state}</state><privateDnsEnabled>${endpoint.privateDns}</privateDnsEnabled><creationTimestamp>${endpoint.createdAt.toISOString()}</creationTimestamp><tagSet>${tags}</tagSet>`;
}

/** Values of a form's numbered list (`Prefix.1`, `Prefix.2`, …). */
function numbered(form: URLSearchParams, prefix: string): string[] {
  const values: string[] = [];
  for (let i = 1; form.has(`${prefix}.${i}`); i++) values.push(form.get(`${prefix}.${i}`)!);
  return values;
}

export async function startEc2BatchStandIn(options: { pendingDescribes?: number } = {}): Promise<Ec2BatchStandIn> {
  const endpoints: StandInEndpoint[] = [];
  const activeJobs = new Map<string, number>();
  const actions: string[] = [];
  let next = 1;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      if (!String(request.headers.authorization ?? "").startsWith("AWS4-HMAC-SHA256")) {
        response.writeHead(403).end();
        return;
      }
      if (request.url?.startsWith("/v1/listjobs")) {
        const input = JSON.parse(body) as { jobQueue: string; jobStatus: string };
        actions.push(`ListJobs ${input.jobQueue} ${input.jobStatus}`);
        const count = activeJobs.get(`${input.jobQueue} ${input.jobStatus}`) ?? 0;
        response.writeHead(200, { "content-type": "application/json" });
        response.end(JSON.stringify({ jobSummaryList: Array.from({ length: Math.min(1, count) }, (_, i) => ({ jobId: `job-${i}`, jobName: "podium", status: input.jobStatus })) }));
        return;
      }
      const form = new URLSearchParams(body);
      const action = form.get("Action") ?? "";
      actions.push(action);
      const reply = (status: number, text: string) => {
        response.writeHead(status, { "content-type": "text/xml" });
        response.end(text);
      };
      const error = (code: string, message: string) => reply(400, `<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>${code}</Code><Message>${escape(message)}</Message></Error></Errors><RequestID>0</RequestID></Response>`);
      if (action === "CreateVpcEndpoint") {
        const serviceName = form.get("ServiceName")!;
        const privateDns = form.get("PrivateDnsEnabled") === "true";
        if (privateDns && endpoints.some((endpoint) => endpoint.serviceName === serviceName && endpoint.privateDns && endpoint.vpcId === form.get("VpcId") && endpoint.state !== "deleted")) {
          return error("InvalidParameter", "private-dns-enabled cannot be set because there is already a conflicting DNS domain for " + serviceName + " in the VPC");
        }
        const tags: Record<string, string> = {};
        for (let i = 1; form.has(`TagSpecification.1.Tag.${i}.Key`); i++) tags[form.get(`TagSpecification.1.Tag.${i}.Key`)!] = form.get(`TagSpecification.1.Tag.${i}.Value`) ?? "";
        const created: StandInEndpoint = {
          id: `vpce-${String(next++).padStart(17, "0")}`,
          vpcId: form.get("VpcId")!,
          serviceName,
          subnetIds: numbered(form, "SubnetId"),
          securityGroupIds: numbered(form, "SecurityGroupId"),
          privateDns,
          tags,
          state: "pending",
          createdAt: new Date(),
          describesLeft: options.pendingDescribes ?? 1,
        };
        endpoints.push(created);
        return reply(200, xml(action, `<vpcEndpoint>${endpointXml(created)}</vpcEndpoint>`));
      }
      if (action === "DescribeVpcEndpoints") {
        const filters: { name: string; values: string[] }[] = [];
        for (let i = 1; form.has(`Filter.${i}.Name`); i++) filters.push({ name: form.get(`Filter.${i}.Name`)!, values: numbered(form, `Filter.${i}.Value`) });
        const matching = endpoints.filter(
          (endpoint) =>
            endpoint.state !== "deleted" &&
            filters.every((filter) => (filter.name === "vpc-id" ? filter.values.includes(endpoint.vpcId) : filter.name.startsWith("tag:") ? filter.values.includes(endpoint.tags[filter.name.slice(4)] ?? "\u0000") : true)),
        );
        const items = matching.map((endpoint) => `<item>${endpointXml(endpoint)}</item>`).join("");
        // Time passes between descriptions: pending endpoints become available, deleting ones disappear.
        for (const endpoint of endpoints) {
          if (endpoint.describesLeft-- > 0) continue;
          if (endpoint.state === "pending") endpoint.state = "available";
          else if (endpoint.state === "deleting") endpoint.state = "deleted";
        }
        return reply(200, xml(action, `<vpcEndpointSet>${items}</vpcEndpointSet>`));
      }
      if (action === "DeleteVpcEndpoints") {
        for (const id of numbered(form, "VpcEndpointId")) {
          const endpoint = endpoints.find((candidate) => candidate.id === id);
          if (endpoint) {
            endpoint.state = "deleting";
            endpoint.describesLeft = 1;
          }
        }
        return reply(200, xml(action, "<unsuccessful/>"));
      }
      return error("InvalidAction", `${action} is not answered here`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { endpoint: `http://127.0.0.1:${port}`, endpoints, activeJobs, actions, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
