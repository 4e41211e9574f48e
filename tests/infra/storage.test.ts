import { beforeAll, describe, expect, it } from "vitest";
import { flatten, resourcesOfType, SITE_ORIGIN, statementsOf, synthesize, type CfnResource, type Json, type Synthesized } from "./synth";

// Every bucket is private, encrypted and TLS-only; the data buckets accept browser uploads from the site alone.

let synth: Synthesized;
let buckets: Record<string, CfnResource>;

beforeAll(() => {
  synth = synthesize({ abortMultipartUploadDays: 3, bundleNoncurrentDays: 5 });
  buckets = resourcesOfType(synth.template, "AWS::S3::Bucket");
});

const dataBuckets = () => [synth.stack.storage.datasets, synth.stack.storage.submissions].map((bucket) => buckets[synth.logicalId(bucket)]!);

describe("every bucket", () => {
  it("exists as expected: datasets, submissions and the site's assets", () => {
    expect(Object.keys(buckets).sort()).toEqual([synth.stack.storage.datasets, synth.stack.storage.submissions, synth.stack.web.siteBucket].map((bucket) => synth.logicalId(bucket)).sort());
  });

  it("blocks every kind of public access", () => {
    for (const bucket of Object.values(buckets)) {
      expect(bucket.Properties!.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
    }
  });

  it("encrypts objects at rest", () => {
    for (const bucket of Object.values(buckets)) {
      const rules = (bucket.Properties!.BucketEncryption as { ServerSideEncryptionConfiguration: { ServerSideEncryptionByDefault: { SSEAlgorithm: string } }[] }).ServerSideEncryptionConfiguration;
      expect(rules.map((rule) => rule.ServerSideEncryptionByDefault.SSEAlgorithm)).toEqual([expect.stringMatching(/^(AES256|aws:kms)$/)]);
    }
  });

  it("denies every request made without TLS", () => {
    const policies = Object.values(resourcesOfType(synth.template, "AWS::S3::BucketPolicy"));
    for (const id of Object.keys(buckets)) {
      const policy = policies.find((candidate) => flatten(candidate.Properties!.Bucket) === `ref:${id}`);
      const statements = statementsOf(policy?.Properties!.PolicyDocument);
      const tlsOnly = statements.find((statement) => statement.Effect === "Deny" && JSON.stringify(statement.Condition) === JSON.stringify({ Bool: { "aws:SecureTransport": "false" } }));
      expect(tlsOnly, `bucket ${id}`).toBeDefined();
      expect(tlsOnly!.Action).toBe("s3:*");
      expect(tlsOnly!.Principal).toEqual({ AWS: "*" });
      expect((tlsOnly!.Resource as Json[]).map(flatten).sort()).toEqual([`arn:${id}`, `arn:${id}/*`]);
    }
  });

  it("never allows anonymous access in a bucket policy", () => {
    for (const policy of Object.values(resourcesOfType(synth.template, "AWS::S3::BucketPolicy"))) {
      for (const statement of statementsOf(policy.Properties!.PolicyDocument)) {
        if (statement.Effect === "Allow") expect(JSON.stringify(statement.Principal)).not.toContain('"*"');
      }
    }
  });
});

describe("data buckets", () => {
  it("allow browser uploads (PUT with the ETag exposed) and downloads from the site's origin, and nothing else", () => {
    for (const bucket of dataBuckets()) {
      const rules = (bucket.Properties!.CorsConfiguration as { CorsRules: Record<string, Json>[] }).CorsRules;
      expect(rules).toHaveLength(1);
      expect(rules[0]!.AllowedOrigins).toEqual([SITE_ORIGIN]);
      expect(rules[0]!.AllowedMethods).toEqual(expect.arrayContaining(["PUT", "GET"]));
      expect(rules[0]!.ExposedHeaders).toEqual(["ETag"]);
    }
  });

  it("serves the site bucket to CloudFront only, without CORS", () => {
    expect(buckets[synth.logicalId(synth.stack.web.siteBucket)]!.Properties!.CorsConfiguration).toBeUndefined();
  });

  it("abort incomplete multipart uploads after the configured days", () => {
    for (const bucket of dataBuckets()) {
      const rules = (bucket.Properties!.LifecycleConfiguration as { Rules: Record<string, Json>[] }).Rules;
      expect(rules).toContainEqual(expect.objectContaining({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 3 }, Status: "Enabled" }));
    }
  });

  it("keep dataset versions, and expire replaced participant bundles after the configured days", () => {
    const datasets = buckets[synth.logicalId(synth.stack.storage.datasets)]!.Properties!;
    expect(datasets.VersioningConfiguration).toEqual({ Status: "Enabled" });
    const rules = (datasets.LifecycleConfiguration as { Rules: Record<string, Json>[] }).Rules;
    expect(rules).toContainEqual(expect.objectContaining({ Prefix: "bundles/", NoncurrentVersionExpiration: { NoncurrentDays: 5 }, Status: "Enabled" }));
    // Nothing expires current objects: a dataset is removed by its organizer, never by a timer.
    expect(rules.filter((rule) => rule.ExpirationInDays !== undefined || rule.ExpirationDate !== undefined)).toEqual([]);
  });

  it("are kept when the stack is deleted", () => {
    for (const id of [synth.stack.storage.datasets, synth.stack.storage.submissions].map((bucket) => synth.logicalId(bucket))) {
      expect(synth.template.toJSON().Resources[id].DeletionPolicy).toBe("Retain");
    }
  });
});
