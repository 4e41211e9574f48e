import * as iam from "aws-cdk-lib/aws-iam";
import type * as s3 from "aws-cdk-lib/aws-s3";

// Podium's object keys, as IAM resource patterns. The app writes them in lib/datasets/dataset-versions.ts
// (datasetKeys) and lib/submissions/submit-results.ts; the worker adds the top-10 lists and the tensor cache.
// In IAM patterns `*` also matches `/`, so `datasets/*/*/files/*` covers every file below a version's files/.

/** Keys in the datasets bucket (S3_BUCKET). */
export const DATASET_KEYS = {
  /** The organizer's upload: archive.zip, archive.tar, archive.tar.gz (it contains the labels). */
  archive: "datasets/*/*/archive*",
  /** Validated query/gallery/training files. */
  files: "datasets/*/*/files/*",
  /** Everything under a version's hidden/ folder. */
  hidden: "datasets/*/*/hidden/*",
  /** The ground truth scoring reads. */
  truth: "datasets/*/*/hidden/truth.json",
  /** Query and gallery names, read with the truth to build the scoring index. */
  names: "datasets/*/*/hidden/names.json",
  /** Participant bundles (zip of query/gallery/training, never labels). */
  bundles: "bundles/*",
  /** The worker's preprocessed gallery tensors, shared per dataset version: cache/<versionId>/… */
  cache: "cache/*",
} as const;

/** Keys in the submissions bucket (S3_SUBMISSIONS_BUCKET): submissions/<competitionId>/<teamId>/<submissionId>.<ext> */
export const SUBMISSION_KEYS = {
  all: "submissions/*",
  /** ONNX model entries, uploaded by the browser through presigned URLs and run by the worker. */
  models: "submissions/*/*/*.onnx",
  /** Results files (and, matching the same pattern, the worker's top-10 lists). */
  results: "submissions/*/*/*.json",
  /** The top-10 lists the worker writes for a model entry. */
  workerResults: "submissions/*/*/*.top10.json",
} as const;

/**
 * Grants exactly `actions` on the objects matching `patterns`. The built-in bucket grants (grantRead, grantPut …)
 * add wildcard actions such as `s3:GetObject*`, `s3:List*` and `s3:Abort*`; Podium's roles name each action.
 */
export function grantObjects(bucket: s3.IBucket, grantee: iam.IGrantable, actions: string[], patterns: readonly string[]): iam.Grant {
  return iam.Grant.addToPrincipal({ grantee, actions, resourceArns: patterns.map((pattern) => bucket.arnForObjects(pattern)) });
}

/**
 * Lets a role list key names. Without s3:ListBucket a read of a missing key answers 403 instead of 404, which a
 * cache lookup (worker) or an existence check (web) would take for an error. Listing shows names, never contents.
 */
export function grantListKeys(bucket: s3.IBucket, grantee: iam.IGrantable): iam.Grant {
  return iam.Grant.addToPrincipal({ grantee, actions: ["s3:ListBucket"], resourceArns: [bucket.bucketArn] });
}

/** Reading an object (HeadObject is authorized as s3:GetObject). */
export const READ = ["s3:GetObject"];
/** Writing an object, in one PUT or in parts (multipart uploads are authorized as s3:PutObject). */
export const WRITE = ["s3:PutObject", "s3:AbortMultipartUpload"];
