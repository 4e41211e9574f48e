import { Duration, RemovalPolicy } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import * as s3 from "aws-cdk-lib/aws-s3";
import { Construct } from "constructs";
import { DATASET_KEYS, grantListKeys, grantObjects, READ, SUBMISSION_KEYS, WRITE } from "../key-layout";

/** What the web tier reads and writes in the datasets bucket; under hidden/ only the two files scoring needs. */
const WEB_DATASET_KEYS = [DATASET_KEYS.archive, DATASET_KEYS.files, DATASET_KEYS.truth, DATASET_KEYS.names, DATASET_KEYS.bundles];

export interface StorageProps {
  /** The only origin browsers may upload from or download to (presigned PUT/GET). */
  readonly siteOrigin: string;
  /** Incomplete multipart uploads (abandoned archive or model uploads) are removed after this many days. */
  readonly abortMultipartUploadDays: number;
  /** Replaced participant bundles are kept this long, so a download that started just before survives. */
  readonly bundleNoncurrentDays: number;
}

/**
 * Private buckets shared by the web tier and the workers: datasets (archives, files, hidden truth, bundles and the
 * worker's cache) and submissions (results files, models, the worker's top-10 lists). Every bucket blocks public
 * access, is encrypted with S3-managed keys (presigned browser uploads then need no KMS grants) and refuses plain
 * HTTP.
 */
export class Storage extends Construct {
  public readonly datasets: s3.Bucket;
  public readonly submissions: s3.Bucket;

  constructor(scope: Construct, id: string, props: StorageProps) {
    super(scope, id);
    const abortIncompleteMultipartUploadAfter = Duration.days(props.abortMultipartUploadDays);

    this.datasets = new s3.Bucket(this, "Datasets", {
      ...privateBucketProps(),
      // Versioned: an organizer's re-upload or a rebuilt bundle never destroys the previous bytes at once.
      versioned: true,
      cors: uploadCors(props.siteOrigin),
      lifecycleRules: [
        { id: "abort-incomplete-uploads", abortIncompleteMultipartUploadAfter },
        { id: "expire-replaced-bundles", prefix: "bundles/", noncurrentVersionExpiration: Duration.days(props.bundleNoncurrentDays) },
        // Derived data: a replaced cache object is worth nothing.
        { id: "expire-replaced-cache", prefix: "cache/", noncurrentVersionExpiration: Duration.days(1) },
      ],
    });

    // Not versioned: every key names a new submission id and is written once.
    this.submissions = new s3.Bucket(this, "Submissions", {
      ...privateBucketProps(),
      cors: uploadCors(props.siteOrigin),
      lifecycleRules: [{ id: "abort-incomplete-uploads", abortIncompleteMultipartUploadAfter }],
    });
  }

  /**
   * The web tier: dataset uploads (presigned multipart), validation (archive → files, hidden truth and names,
   * bundle), bundle downloads, results files and model uploads, and scoring — which reads exactly
   * hidden/truth.json and hidden/names.json, never anything else under hidden/.
   */
  grantWebAccess(grantee: iam.IGrantable): void {
    grantObjects(this.datasets, grantee, READ, WEB_DATASET_KEYS);
    grantObjects(this.datasets, grantee, WRITE, WEB_DATASET_KEYS);
    // A rejected archive's extracted files are removed (lib/datasets/dataset-versions.ts deletePrefix).
    grantObjects(this.datasets, grantee, ["s3:DeleteObject"], [DATASET_KEYS.files]);
    grantObjects(this.submissions, grantee, [...READ, ...WRITE], [SUBMISSION_KEYS.all]);
    grantListKeys(this.datasets, grantee);
    grantListKeys(this.submissions, grantee);
  }

  /**
   * The CPU tasks that run jobs on AWS (`podium-worker --job`): dataset validation — archive in; files, hidden truth
   * and names, bundle out; a rejected archive's files deleted — and scoring a results file the web tier stored.
   * The same dataset keys as the web tier, no model, no cache, no writes to submissions.
   */
  grantTaskAccess(grantee: iam.IGrantable): void {
    grantObjects(this.datasets, grantee, READ, WEB_DATASET_KEYS);
    grantObjects(this.datasets, grantee, WRITE, WEB_DATASET_KEYS);
    grantObjects(this.datasets, grantee, ["s3:DeleteObject"], [DATASET_KEYS.files]);
    grantListKeys(this.datasets, grantee);
    grantObjects(this.submissions, grantee, READ, [SUBMISSION_KEYS.results]);
  }

  /**
   * An explicit Deny that outlives any later, broader grant: the web tier can read no object in any bucket except
   * `readable` (its own grants plus OpenNext's cache), so the rest of hidden/ and the worker's cache stay out of its
   * reach even if someone adds `bucket.grantRead(web)` one day.
   */
  denyWebReadsExcept(role: iam.IRole, readable: string[]): void {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: "OnlyPodiumReadableObjects",
        effect: iam.Effect.DENY,
        actions: READ,
        notResources: [
          ...WEB_DATASET_KEYS.map((pattern) => this.datasets.arnForObjects(pattern)),
          this.submissions.arnForObjects(SUBMISSION_KEYS.all),
          ...readable,
        ],
      }),
    );
  }

  /**
   * The GPU worker: reads a version's files and hidden truth, its tensor cache and the model; writes the top-10
   * lists and the cache. Nothing else — no archives, no results files, no deletes.
   */
  grantWorkerAccess(grantee: iam.IGrantable): void {
    const d = DATASET_KEYS;
    grantObjects(this.datasets, grantee, READ, [d.files, d.hidden, d.cache]);
    grantObjects(this.datasets, grantee, WRITE, [d.cache]);
    grantListKeys(this.datasets, grantee);
    grantObjects(this.submissions, grantee, READ, [SUBMISSION_KEYS.models]);
    grantObjects(this.submissions, grantee, WRITE, [SUBMISSION_KEYS.workerResults]);
  }
}

/** The settings every Podium bucket shares. */
export function privateBucketProps(): s3.BucketProps {
  return {
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    encryption: s3.BucketEncryption.S3_MANAGED,
    enforceSSL: true,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    // Data outlives the stack: deleting it is a deliberate act, not a side effect of `cdk destroy`.
    removalPolicy: RemovalPolicy.RETAIN,
  };
}

/** Browser uploads and downloads through presigned URLs: PUT (single or parts, ETag read back for completion) and GET. */
function uploadCors(siteOrigin: string): s3.CorsRule[] {
  return [
    {
      allowedOrigins: [siteOrigin],
      allowedMethods: [s3.HttpMethods.PUT, s3.HttpMethods.GET, s3.HttpMethods.HEAD],
      allowedHeaders: ["*"],
      exposedHeaders: ["ETag"],
      maxAge: 3600,
    },
  ];
}
