import type { Config } from "../config/index.ts";
import { createSandbox, type Sandbox } from "../sandbox/index.ts";

/**
 * The sandbox of a local command. Where bubblewrap cannot run and the config leaves the choice
 * to autoopt, runs go uncontained and the user is told, once, what that puts at risk.
 */
export function openSandbox(config: Config, out: { write(text: string): unknown }): Sandbox {
  const sandbox = createSandbox(config.sandbox.containment);
  if (sandbox.warning) out.write(`autoopt: warning: ${sandbox.warning}\n`);
  return sandbox;
}
