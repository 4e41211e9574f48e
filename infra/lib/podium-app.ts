import { App, type AppProps } from "aws-cdk-lib";
import { CURRENTLY_RECOMMENDED_FLAGS } from "aws-cdk-lib/cx-api";

/**
 * A CDK app with the feature flags CDK recommends for new projects, set in code rather than in cdk.json so that
 * `cdk synth` (from infra/), `npm run infra:synth` and the tests under tests/infra all synthesize the same template.
 * Context from cdk.json or `-c` still overrides them.
 */
export function createPodiumApp(props: AppProps = {}): App {
  return new App({ ...props, context: { ...CURRENTLY_RECOMMENDED_FLAGS, ...props.context } });
}
