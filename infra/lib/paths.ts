import { fileURLToPath } from "node:url";

/** The repository root (infra/lib/ is two levels down), so paths hold whichever folder cdk or vitest runs from. */
export const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url)).replace(/\/$/, "");

/** Committed stand-ins deployed when `.open-next/` has not been built (see infra/README.md). */
export const PLACEHOLDER_DIR = fileURLToPath(new URL("../placeholder", import.meta.url));

/** Small Lambda handlers that belong to the infrastructure, not to the app. */
export const FUNCTIONS_DIR = fileURLToPath(new URL("../functions", import.meta.url));
