import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
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
    const inputs = { session: "s1", experiment: "exp-7", "base-sha": repo.baseSha };
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
    const pid = Number(readFileSync(pidFile, "utf8"));
    expect(await diesWithin(pid, 5_000), `experiment pid ${pid} outlived the cancelled job`).toBe(
      true,
    );
  });
});

/** Whether the process is gone (or a zombie: a container's init may never reap it) in time. */
async function diesWithin(pid: number, ms: number): Promise<boolean> {
  for (const until = Date.now() + ms; Date.now() < until; ) {
    if (!isRunning(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return !isRunning(pid);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const stat = existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, "utf8") : "";
  return !/\) Z /.test(stat);
}
