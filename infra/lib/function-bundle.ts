import * as lambda from "aws-cdk-lib/aws-lambda";
import { existsSync } from "node:fs";
import { join } from "node:path";

/**
 * A Lambda function's code from a bundle scripts/prepare.mjs built (npm ci runs it): a missing bundle fails the
 * synthesis, naming the command, rather than deploying an empty function.
 */
export function functionBundleCode(bundleDir: string): lambda.Code {
  if (!existsSync(join(bundleDir, "index.mjs"))) {
    throw new Error(`${bundleDir}/index.mjs is missing: run \`node scripts/prepare.mjs\` (npm ci runs it) before synthesizing`);
  }
  return lambda.Code.fromAsset(bundleDir, { exclude: ["*.map"] });
}
