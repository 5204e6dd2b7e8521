import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { processesOf } from "../helpers/processes-of.ts";
import { checkout, removeTempDirs, runDistAction } from "./action-fixture.ts";
import { expectFreshDist } from "./expect-fresh-dist.ts";
import { baseFiles, trainPy } from "./experiment-files.ts";

await expectFreshDist();
afterAll(removeTempDirs);

describe("dist/index.js when the job is cancelled", () => {
  it("kills the experiment's process group and records nothing", async () => {
    const sleeper =
      'open("pid.txt.tmp", "w").write(str(os.getpid())); os.rename("pid.txt.tmp", "pid.txt"); time.sleep(60)';
    const repo = checkout(baseFiles(), { "train.py": trainPy(1, sleeper) });
    const session = `cancel-${process.pid}`;
    const inputs = { session, experiment: "exp-7", "base-sha": repo.baseSha };
    const pidFile = join(repo.workspace, "pid.txt");
    const run = await runDistAction({
      workspace: repo.workspace,
      inputs,
      plan: [],
      cancel: { signal: "SIGTERM", when: pidFile },
    });
    expect(run.nockErrors).toEqual([]);
    expect(run.code).toBe(1);
    expect(run.wallMs).toBeLessThan(30_000);
    expect(run.stdout).toContain("::error::the job was cancelled while exp-7 ran");
    expect(run.outputs).toEqual({});
    expect(existsSync(pidFile)).toBe(true);
    expect(await goneWithin(session, 5_000), "the experiment outlived the cancelled job").toBe(
      true,
    );
  });
});

/** Whether every process of the run is gone (or a zombie no init reaps) in time. */
async function goneWithin(session: string, ms: number): Promise<boolean> {
  for (const until = Date.now() + ms; Date.now() < until; ) {
    if (processesOf(session).length === 0) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return processesOf(session).length === 0;
}
