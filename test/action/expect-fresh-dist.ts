import { bundleAction, distDifferences } from "../../scripts/build-action.ts";

/**
 * The action tests run dist/index.js, not the sources: a stale bundle would test old code, so
 * they refuse to start until it is rebuilt.
 */
export async function expectFreshDist(): Promise<void> {
  const problems = await distDifferences(await bundleAction());
  if (problems.length > 0) {
    throw new Error(
      `dist/ is out of date: run npm run build:action and commit dist/\n${problems.join("\n")}`,
    );
  }
}
