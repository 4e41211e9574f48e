import { RemovalPolicy } from "aws-cdk-lib";
import * as logs from "aws-cdk-lib/aws-logs";
import type { Construct } from "constructs";

/** Every Podium log group: created by the stack (never implicitly by a service), so retention is always set. */
export function logGroupWithRetention(scope: Construct, id: string, retention: logs.RetentionDays): logs.LogGroup {
  return new logs.LogGroup(scope, id, { retention, removalPolicy: RemovalPolicy.DESTROY });
}

/** The finite retention periods CloudWatch Logs accepts, in days (1, 3, 5, 7, 14, 30, … 3653). */
export const RETENTION_DAYS: readonly number[] = Object.values(logs.RetentionDays).filter(
  (value): value is logs.RetentionDays => typeof value === "number" && value !== logs.RetentionDays.INFINITE,
);
