import { resolve } from "node:path";
import { z } from "zod";
import { RETENTION_DAYS } from "./log-groups";
import { REPO_ROOT } from "./paths";

// The deployment's knobs, validated at synth time: bad input fails `cdk synth` with every problem named, before
// anything reaches CloudFormation (STYLE.md "Infra and CLI"). Context values arrive as strings from `-c key=value`,
// so numbers, lists and flags are coerced here, in one place.

/** GPU families onnxruntime's CUDA provider can use (NVIDIA, CUDA 12): G4dn/G5/G6/G6e/Gr6 and P3/P4/P5. */
const GPU_INSTANCE_TYPE = /^(g4dn|g5|g6|g6e|gr6|p3|p3dn|p4d|p4de|p5|p5e|p5en)\.[0-9a-z]+$/;

/** Aurora Serverless v2 capacity moves in 0.5 ACU steps; 0 means auto-pause (Aurora PostgreSQL ≥ 13.15/14.12/15.7/16.3). */
const acu = z.coerce.number().min(0).max(256).multipleOf(0.5, { message: "must be a multiple of 0.5 ACU" });

const flag = z.preprocess((value) => (typeof value === "string" ? ["1", "true", "yes"].includes(value.toLowerCase()) : value), z.boolean());

const list = z.preprocess((value) => (typeof value === "string" ? value.split(",").map((item) => item.trim()).filter(Boolean) : value), z.array(z.string()));

const siteOrigin = z.string().refine(
  (value) => {
    try {
      const url = new URL(value);
      return url.protocol === "https:" && url.origin === value && !value.includes("*");
    } catch {
      return false;
    }
  },
  { message: 'must be an https origin without path or wildcard, e.g. "https://podium.example.org"' },
);

export const podiumOptionsSchema = z
  .object({
    /** The site's public origin: the only origin the buckets accept browser uploads from; PODIUM_PUBLIC_URL and AUTH_URL. */
    siteOrigin,
    /** ACM certificate in us-east-1 for siteOrigin's host; without it the site answers on the CloudFront domain only. */
    certificateArn: z.string().regex(/^arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate\/[0-9a-f-]+$/, { message: "must be an ACM certificate ARN in us-east-1 (CloudFront's region)" }).optional(),
    /** The `npm run deploy:build` output; the synth fails when it is missing unless a placeholder is asked for. */
    openNextDir: z.string().default(resolve(REPO_ROOT, ".open-next")),
    /** Deploy a placeholder page when openNextDir has no build (infrastructure first, the app later). */
    placeholder: flag.default(false),
    /** A pushed worker image; unset → CDK builds gpu-worker/Dockerfile at deploy time (needs Docker there). */
    workerImageRepository: z.string().optional(),
    workerImageTag: z.string().default("latest"),
    gpuInstanceTypes: list.pipe(z.array(z.string().regex(GPU_INSTANCE_TYPE, { message: "must be an NVIDIA GPU instance type (g4dn, g5, g6, g6e, gr6, p3, p4d, p5 …)" })).min(1)).default(["g5.xlarge", "g6.xlarge"]),
    /** Ceiling of the GPU compute environment: 64 vCPU = 16 jobs at once on 4-vCPU instances. */
    maxVcpus: z.coerce.number().int().min(1).max(10_000).default(64),
    /** Floor: 0 between events (nothing runs, nothing is billed); raise it for a deadline to keep hosts warm. */
    minVcpus: z.coerce.number().int().min(0).default(0),
    /** One job's share: a whole g5.xlarge/g6.xlarge (4 vCPU, 16 GiB of which ECS hands out ~15 GiB). */
    workerVcpus: z.coerce.number().int().min(1).max(192).default(4),
    workerMemoryMiB: z.coerce.number().int().min(1024).default(14_336),
    /** The worker's own wall-clock limit for running one model (PODIUM_MODEL_TIMEOUT_SECONDS). */
    modelTimeoutMinutes: z.coerce.number().int().min(1).default(60),
    /** Batch's hard limit per attempt: the model's limit plus host boot, image pull and gallery preprocessing. */
    workerTimeoutMinutes: z.coerce.number().int().min(5).max(24 * 60).default(120),
    /** 0 (the default): Aurora pauses after 10 idle minutes and resumes in ~15 s on the next connection. */
    auroraMinAcu: acu.default(0),
    auroraMaxAcu: acu.min(1).default(4),
    /**
     * RDS Proxy in front of Aurora: pays for itself only when hundreds of web functions run at once (it pools their
     * connections); it costs at least 8 ACU-hours of proxy per hour, $88 a month idle. Off by default.
     */
    databaseProxy: flag.default(false),
    maxAzs: z.coerce.number().int().min(2).max(6).default(2),
    /** Availability zones that get interface endpoints (billed per AZ-hour); default 1: the other zones reach them across. */
    endpointAzs: z.coerce.number().int().min(1).max(6).default(1),
    /** on-demand: the workers' interface endpoints exist only while Batch has work (infra/lib/constructs/worker-endpoints.ts). */
    workerEndpoints: z.enum(["on-demand", "standing"]).default("on-demand"),
    /** A NAT gateway for the web tier only (GitHub sign-in calls github.com); workers never get one. */
    webInternetEgress: flag.default(false),
    webMemoryMiB: z.coerce.number().int().min(512).max(10_240).default(2048),
    webReservedConcurrency: z.coerce.number().int().min(1).optional(),
    logRetentionDays: z.coerce.number().int().refine((days) => RETENTION_DAYS.includes(days), { message: `must be one of ${RETENTION_DAYS.join(", ")} days` }).default(30),
    alarmEmail: z.email().optional(),
    queueAgeAlarmMinutes: z.coerce.number().int().min(1).default(10),
    /** How often the queue pass runs; default 5, or 60 with auroraMinAcu 0 (each pass wakes a paused database). */
    queuePassMinutes: z.coerce.number().int().min(1).max(1440).optional(),
    abortMultipartUploadDays: z.coerce.number().int().min(1).default(7),
    bundleNoncurrentDays: z.coerce.number().int().min(1).default(7),
  })
  .superRefine((options, context) => {
    if (options.auroraMaxAcu < options.auroraMinAcu) context.addIssue({ code: "custom", path: ["auroraMaxAcu"], message: "must be at least auroraMinAcu" });
    if (options.maxVcpus < options.workerVcpus) context.addIssue({ code: "custom", path: ["maxVcpus"], message: "must fit at least one job (workerVcpus)" });
    if (options.workerTimeoutMinutes < options.modelTimeoutMinutes + 15) context.addIssue({ code: "custom", path: ["workerTimeoutMinutes"], message: "must leave at least 15 minutes beyond modelTimeoutMinutes, or Batch kills a job the worker would have ended cleanly" });
    if (options.minVcpus > options.maxVcpus) context.addIssue({ code: "custom", path: ["minVcpus"], message: "cannot exceed maxVcpus" });
    if (options.endpointAzs !== undefined && options.endpointAzs > options.maxAzs) context.addIssue({ code: "custom", path: ["endpointAzs"], message: "cannot exceed maxAzs" });
    if (options.workerImageRepository === undefined && options.workerImageTag !== "latest") context.addIssue({ code: "custom", path: ["workerImageTag"], message: "needs workerImageRepository" });
  });

/** What a caller may pass (most keys have defaults). */
export type PodiumOptions = z.input<typeof podiumOptionsSchema>;
/** Options with every default applied. */
export type PodiumSettings = z.output<typeof podiumOptionsSchema>;

/** The context keys read by `optionsFromContext`, i.e. what `cdk deploy -c key=value` accepts. */
export const CONTEXT_KEYS = Object.keys(podiumOptionsSchema.shape) as (keyof PodiumSettings)[];

/** Applies defaults and validates; throws one error naming every bad option. */
export function resolveSettings(options: PodiumOptions): PodiumSettings {
  const parsed = podiumOptionsSchema.safeParse(options);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".") || "options"}: ${issue.message}`);
    throw new Error(`invalid Podium stack options:\n${problems.join("\n")}`);
  }
  return parsed.data;
}

/** Collects the known keys from CDK context (cdk.json, `-c key=value`); unknown keys are left to CDK. */
export function optionsFromContext(tryGetContext: (key: string) => unknown): PodiumOptions {
  const options: Record<string, unknown> = {};
  for (const key of CONTEXT_KEYS) {
    const value = tryGetContext(key);
    if (value !== undefined && value !== "") options[key] = value;
  }
  return options as PodiumOptions;
}
