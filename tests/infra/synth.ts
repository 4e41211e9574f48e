import { Template } from "aws-cdk-lib/assertions";
import { ANNOTATIONS_IN_VALIDATION_REPORT } from "aws-cdk-lib/cx-api";
import type { IConstruct } from "constructs";
import { createPodiumApp } from "../../infra/lib/podium-app";
import { PodiumStack, type PodiumStackProps } from "../../infra/lib/podium-stack";

// Helpers for tests/infra: one synthesized stack per test file (CDK synthesis takes seconds), and a small IAM
// evaluator over the synthesized policy documents, so permission tests check what AWS would decide rather than
// the shape of the JSON.

export const SITE_ORIGIN = "https://contest.podium.test";

/** Options every test stack shares: no OpenNext build (placeholders), a pushed worker image (no Docker asset). */
export const TEST_OPTIONS = {
  siteOrigin: SITE_ORIGIN,
  openNextDir: "/nonexistent/.open-next",
  placeholder: true,
  workerImageRepository: "podium-worker",
  workerImageTag: "test",
} satisfies Partial<PodiumStackProps>;

export interface Synthesized {
  stack: PodiumStack;
  template: Template;
  /** Logical id of a construct's CloudFormation resource (its default child). */
  logicalId(construct: IConstruct): string;
}

/** Synthesizes a Podium stack; `customize` runs before synthesis (e.g. to add a grant a test guards against). */
export function synthesize(options: Partial<PodiumStackProps> = {}, customize?: (stack: PodiumStack) => void): Synthesized {
  // CDK's built-in CloudFormation validation (a WASM linter) takes most of a synth; `npm run infra:synth` runs it.
  // Warnings stay in the assembly (Annotations.fromStack) without being printed by every synth.
  const app = createPodiumApp({ builtinCloudFormationValidation: false, context: { [ANNOTATIONS_IN_VALIDATION_REPORT]: false } });
  const stack = new PodiumStack(app, "Podium", { ...TEST_OPTIONS, ...options });
  customize?.(stack);
  const template = Template.fromStack(stack);
  return {
    stack,
    template,
    logicalId(construct) {
      const child = construct.node.defaultChild ?? construct;
      return stack.getLogicalId(child as Parameters<PodiumStack["getLogicalId"]>[0]);
    },
  };
}

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export interface CfnResource {
  Type: string;
  Properties?: Record<string, Json>;
}

/** Resources of one type, keyed by logical id. */
export function resourcesOfType(template: Template, type: string): Record<string, CfnResource> {
  return template.findResources(type) as Record<string, CfnResource>;
}

/**
 * Turns a CloudFormation value into a comparable string: Ref → `ref:<id>`, GetAtt → `arn:<id>` (or
 * `<id>.<attribute>`), Join → the joined parts, pseudo parameters → `${AWS::Region}` etc.
 */
export function flatten(value: Json | undefined): string {
  if (typeof value === "string") return value;
  if (value === null || typeof value !== "object" || Array.isArray(value)) return JSON.stringify(value);
  if ("Ref" in value) return typeof value.Ref === "string" && value.Ref.startsWith("AWS::") ? `\${${value.Ref}}` : `ref:${String(value.Ref)}`;
  if ("Fn::GetAtt" in value && Array.isArray(value["Fn::GetAtt"])) {
    const [id, attribute] = value["Fn::GetAtt"] as string[];
    return attribute === "Arn" ? `arn:${id}` : `${id}.${attribute}`;
  }
  if ("Fn::Join" in value && Array.isArray(value["Fn::Join"])) {
    const [separator, parts] = value["Fn::Join"] as [string, Json[]];
    return parts.map(flatten).join(separator);
  }
  return JSON.stringify(value);
}

export interface Statement {
  Effect: "Allow" | "Deny";
  Principal?: Json;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: Json;
  NotResource?: Json;
  Condition?: Json;
  Sid?: string;
}

const asList = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** The statements of a policy document (AWS::IAM::Policy, bucket and queue policies, inline role policies). */
export function statementsOf(document: Json | undefined): Statement[] {
  return asList((document as unknown as { Statement?: Statement | Statement[] } | undefined)?.Statement);
}

/** Statements of every AWS::IAM::Policy in the template. */
export function allPolicyStatements(template: Template): Statement[] {
  return Object.values(resourcesOfType(template, "AWS::IAM::Policy")).flatMap((policy) => statementsOf(policy.Properties?.PolicyDocument));
}

/** Every statement of the identity policies attached to a role (AWS::IAM::Policy resources and inline policies). */
export function roleStatements(template: Template, roleLogicalId: string): Statement[] {
  const statements: Statement[] = [];
  for (const policy of Object.values(resourcesOfType(template, "AWS::IAM::Policy"))) {
    const roles = asList(policy.Properties?.Roles as Json[] | undefined).map(flatten);
    if (roles.includes(`ref:${roleLogicalId}`)) {
      statements.push(...statementsOf(policy.Properties?.PolicyDocument));
    }
  }
  const role = resourcesOfType(template, "AWS::IAM::Role")[roleLogicalId];
  for (const inline of asList(role?.Properties?.Policies as Json[] | undefined)) {
    statements.push(...statementsOf((inline as { PolicyDocument?: Json }).PolicyDocument));
  }
  return statements;
}

export const actionsOf = (statement: Statement): string[] => asList(statement.Action);
export const resourcesOf = (statement: Statement): string[] => asList(statement.Resource as Json[] | Json | undefined).map(flatten);

/** IAM's wildcard matching: `*` any run of characters (slashes included), `?` one character; case-insensitive for actions. */
export function iamMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${source}$`, ignoreCase ? "i" : "").test(value);
}

/**
 * What IAM decides for `action` on `resource` given identity statements: an explicit Deny wins, then any Allow,
 * else the implicit deny. Statements with conditions are treated as not applying (Podium's S3 statements have none).
 */
export function decide(statements: Statement[], action: string, resource: string): "allow" | "explicit-deny" | "implicit-deny" {
  const applies = (statement: Statement) => {
    if (statement.Condition !== undefined) return false;
    const actionMatches = statement.NotAction !== undefined ? !asList(statement.NotAction).some((pattern) => iamMatch(pattern, action, true)) : actionsOf(statement).some((pattern) => iamMatch(pattern, action, true));
    if (!actionMatches) return false;
    if (statement.NotResource !== undefined) return !asList(statement.NotResource as Json[] | Json).map(flatten).some((pattern) => iamMatch(pattern, resource));
    return resourcesOf(statement).some((pattern) => iamMatch(pattern, resource));
  };
  if (statements.some((statement) => statement.Effect === "Deny" && applies(statement))) return "explicit-deny";
  return statements.some((statement) => statement.Effect === "Allow" && applies(statement)) ? "allow" : "implicit-deny";
}
