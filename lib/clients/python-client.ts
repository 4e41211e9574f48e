import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

// The Python client for teams (clients/python/podium_client.py): served at /podium_client.py and shipped in every
// participant bundle, so a team that has the data has the client and the competition's metric too.

export const PYTHON_CLIENT_NAME = "podium_client.py";

/** The client's source, from the checkout or the worker image (both hold clients/); null where it is absent. */
export function pythonClientSource(root = process.cwd()): Buffer | null {
  const path = join(/* turbopackIgnore: true */ root, "clients", "python", PYTHON_CLIENT_NAME);
  return existsSync(path) ? readFileSync(path) : null;
}
