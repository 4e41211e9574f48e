import { beforeAll, describe, expect, it } from "vitest";
import { actionsOf, allPolicyStatements, decide, resourcesOf, roleStatements, synthesize, type Statement, type Synthesized } from "./synth";

// Least privilege, checked the way IAM decides: the worker role touches only its prefixes, the web role reads
// ground truth only through the two files scoring needs, and an explicit Deny keeps it that way.

let synth: Synthesized;
/** The same stack with a careless bucket-wide grant added to the web role, as a later change might. */
let widened: Synthesized;
let datasets: string;
let submissions: string;
let worker: Statement[];
let web: Statement[];

beforeAll(() => {
  synth = synthesize();
  widened = synthesize({}, (stack) => {
    stack.storage.datasets.grantRead(stack.web.serverFunction);
  });
  datasets = `arn:${synth.logicalId(synth.stack.storage.datasets)}`;
  submissions = `arn:${synth.logicalId(synth.stack.storage.submissions)}`;
  worker = roleStatements(synth.template, synth.logicalId(synth.stack.workers.jobRole));
  web = roleStatements(synth.template, synth.logicalId(synth.stack.web.serverFunction.role!));
});

const s3Statements = (statements: Statement[]) => statements.filter((statement) => actionsOf(statement).some((action) => action.startsWith("s3:")));
const key = {
  archive: "datasets/c1/v1/archive.tar.gz",
  galleryFile: "datasets/c1/v1/files/gallery/0001.jpg",
  truth: "datasets/c1/v1/hidden/truth.json",
  names: "datasets/c1/v1/hidden/names.json",
  hiddenOther: "datasets/c1/v1/hidden/gallery/0001.jpg",
  bundle: "bundles/c1/v1/participant-bundle.zip",
  cache: "cache/v1/gallery-224-uint8.bin",
  results: "submissions/c1/t1/s1.json",
  model: "submissions/c1/t1/s1.onnx",
  top10: "submissions/c1/t1/s1.top10.json",
};
const inDatasets = (name: keyof typeof key) => `${datasets}/${key[name]}`;
const inSubmissions = (name: keyof typeof key) => `${submissions}/${key[name]}`;

describe("the GPU worker's role", () => {
  it("names every S3 action (no wildcards) and no bucket other than datasets and submissions", () => {
    const statements = s3Statements(worker);
    expect(statements.length).toBeGreaterThan(0);
    for (const statement of statements) {
      expect(statement.Effect).toBe("Allow");
      for (const action of actionsOf(statement)) expect(action).not.toContain("*");
    }
    const expected = new Set([
      datasets,
      `${datasets}/datasets/*/*/files/*`,
      `${datasets}/datasets/*/*/hidden/*`,
      `${datasets}/cache/*`,
      `${submissions}/submissions/*/*/*.onnx`,
      `${submissions}/submissions/*/*/*.top10.json`,
    ]);
    const granted = new Set(statements.flatMap(resourcesOf));
    expect([...granted].filter((arn) => !expected.has(arn))).toEqual([]);
    expect(granted).toEqual(expected);
  });

  it("writes only top-10 lists and the tensor cache", () => {
    const writes = s3Statements(worker).filter((statement) => actionsOf(statement).includes("s3:PutObject"));
    expect(writes.flatMap(resourcesOf).sort()).toEqual([`${datasets}/cache/*`, `${submissions}/submissions/*/*/*.top10.json`]);
  });

  it("reads what scoring a model needs", () => {
    for (const resource of [inDatasets("galleryFile"), inDatasets("truth"), inDatasets("names"), inDatasets("cache"), inSubmissions("model")]) {
      expect(decide(worker, "s3:GetObject", resource), resource).toBe("allow");
    }
    expect(decide(worker, "s3:PutObject", inSubmissions("top10"))).toBe("allow");
    expect(decide(worker, "s3:PutObject", inDatasets("cache"))).toBe("allow");
  });

  it("cannot read archives or teams' results files, overwrite ground truth or results, or delete anything", () => {
    expect(decide(worker, "s3:GetObject", inDatasets("archive"))).not.toBe("allow");
    expect(decide(worker, "s3:GetObject", inSubmissions("results"))).not.toBe("allow");
    for (const name of ["truth", "galleryFile", "bundle"] as const) expect(decide(worker, "s3:PutObject", inDatasets(name)), name).not.toBe("allow");
    expect(decide(worker, "s3:PutObject", inSubmissions("results"))).not.toBe("allow");
    expect(decide(worker, "s3:PutObject", inSubmissions("model"))).not.toBe("allow");
    for (const name of ["cache", "truth"] as const) expect(decide(worker, "s3:DeleteObject", inDatasets(name))).not.toBe("allow");
  });

  it("may read the database credentials but not the web tier's app secret", () => {
    const secretReads = worker.filter((statement) => actionsOf(statement).includes("secretsmanager:GetSecretValue")).flatMap(resourcesOf);
    expect(secretReads).toEqual([`ref:${synth.logicalId(synth.stack.database.secret)}`]);
  });
});

describe("the web tier's role", () => {
  it("reads ground truth only as hidden/truth.json and hidden/names.json", () => {
    expect(decide(web, "s3:GetObject", inDatasets("truth"))).toBe("allow");
    expect(decide(web, "s3:GetObject", inDatasets("names"))).toBe("allow");
    expect(decide(web, "s3:GetObject", inDatasets("hiddenOther"))).toBe("explicit-deny");
    const hiddenGrants = s3Statements(web)
      .filter((statement) => statement.Effect === "Allow")
      .flatMap(resourcesOf)
      .filter((arn) => arn.includes("hidden"));
    expect(new Set(hiddenGrants)).toEqual(new Set([`${datasets}/datasets/*/*/hidden/names.json`, `${datasets}/datasets/*/*/hidden/truth.json`]));
  });

  it("keeps that limit even after a bucket-wide read grant is added", () => {
    const statements = roleStatements(widened.template, widened.logicalId(widened.stack.web.serverFunction.role!));
    const bucket = `arn:${widened.logicalId(widened.stack.storage.datasets)}`;
    expect(decide(statements, "s3:GetObject", `${bucket}/${key.hiddenOther}`)).toBe("explicit-deny");
    expect(decide(statements, "s3:GetObject", `${bucket}/${key.cache}`)).toBe("explicit-deny");
    expect(decide(statements, "s3:GetObject", `${bucket}/${key.truth}`)).toBe("allow");
  });

  it("handles uploads, validation, bundles, results files and models", () => {
    for (const name of ["archive", "galleryFile", "bundle"] as const) {
      expect(decide(web, "s3:PutObject", inDatasets(name)), name).toBe("allow");
      expect(decide(web, "s3:GetObject", inDatasets(name)), name).toBe("allow");
    }
    for (const name of ["results", "model"] as const) expect(decide(web, "s3:PutObject", inSubmissions(name)), name).toBe("allow");
    expect(decide(web, "s3:GetObject", inSubmissions("results"))).toBe("allow");
  });

  it("cannot touch the worker's cache or delete ground truth, bundles or submissions", () => {
    expect(decide(web, "s3:GetObject", inDatasets("cache"))).toBe("explicit-deny");
    expect(decide(web, "s3:PutObject", inDatasets("cache"))).not.toBe("allow");
    for (const resource of [inDatasets("truth"), inDatasets("bundle"), inDatasets("archive"), inSubmissions("results")]) {
      expect(decide(web, "s3:DeleteObject", resource), resource).not.toBe("allow");
    }
  });

  it("may only send messages to the job queue", () => {
    const queue = `arn:${synth.logicalId(synth.stack.dispatch.queue)}`;
    const onQueue = web.filter((statement) => resourcesOf(statement).includes(queue));
    expect(onQueue.flatMap(actionsOf)).toEqual(["sqs:SendMessage"]);
  });

  it("has no S3 wildcard actions and no resource '*' on S3", () => {
    for (const statement of s3Statements(web).filter((candidate) => candidate.Effect === "Allow")) {
      for (const action of actionsOf(statement)) expect(action).not.toContain("*");
      for (const resource of resourcesOf(statement)) expect(resource).not.toBe("*");
    }
  });
});

describe("every role in the stack", () => {
  it("never allows all actions", () => {
    for (const statement of allPolicyStatements(synth.template)) {
      expect(actionsOf(statement).filter((action) => action === "*" || action === "s3:*")).toEqual([]);
    }
  });

  it("grants resource '*' only where IAM offers nothing narrower", () => {
    const unscoped = allPolicyStatements(synth.template)
      .filter((statement) => statement.Effect === "Allow" && resourcesOf(statement).includes("*"))
      .flatMap(actionsOf);
    // batch:DescribeJobs (migration trigger) and batch:ListJobs (the worker endpoints' idle check),
    // ecr:GetAuthorizationToken (image pulls), EC2 network interface management (CDK's own providers) and
    // ec2:DescribeVpcEndpoints have no resource-level permissions; route53:AssociateVPCWithHostedZone acts on the
    // service's own private zone, whose id nobody knows in advance.
    expect(unscoped).toContain("batch:DescribeJobs");
    for (const action of unscoped) expect(action).toMatch(/^(batch:DescribeJobs|batch:ListJobs|ecr:GetAuthorizationToken|ec2:(Describe|Create|Delete|Assign|Unassign)[A-Za-z]*|route53:AssociateVPCWithHostedZone|xray:[A-Za-z]+)$/);
    // The endpoints the worker-endpoints function may delete are its own: tagged with the stack's name.
    const deletes = allPolicyStatements(synth.template).filter((statement) => statement.Effect === "Allow" && actionsOf(statement).includes("ec2:DeleteVpcEndpoints"));
    expect(deletes).toHaveLength(1);
    expect(JSON.stringify(deletes[0]!.Condition)).toContain("aws:ResourceTag/podium:worker-endpoints");
  });
});
