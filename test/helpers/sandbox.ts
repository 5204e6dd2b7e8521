import { createSandbox } from "../../src/sandbox/index.ts";

/**
 * The sandbox tests run candidates in: bubblewrap, which CI always installs (a missing one
 * fails there rather than silently testing less); elsewhere uncontained when it cannot run.
 */
export const testSandbox = createSandbox(process.env.CI ? "bubblewrap" : "auto");
