import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { killGroup, runInProcessGroup } from "../../src/sandbox/process-group.ts";
import { groupMembers, isAlive, removeTempDirs, tempDir, testPath } from "../runner/fixtures.ts";

afterAll(removeTempDirs);

const env = { PATH: testPath };

function collect() {
  const chunks: string[] = [];
  return { chunks, onOutput: (chunk: Buffer) => chunks.push(chunk.toString()) };
}

const hasSetsid = (() => {
  try {
    execFileSync("sh", ["-c", "command -v setsid"]);
    return true;
  } catch {
    return false;
  }
})();

describe("runInProcessGroup", () => {
  it("reports the exit code and the output", async () => {
    const out = collect();
    const outcome = await runInProcessGroup({
      argv: ["/bin/sh", "-c", "echo out; echo err >&2; exit 3"],
      cwd: tempDir(),
      env,
      limitS: 10,
      onOutput: out.onOutput,
    });
    expect(outcome).toMatchObject({ end: "exited", exitCode: 3, signal: null });
    expect(out.chunks.join("")).toContain("out");
    expect(out.chunks.join("")).toContain("err");
  });

  it("kills a straggler that ignores SIGTERM as soon as the command exits", async () => {
    const dir = tempDir();
    let pgid = 0;
    const outcome = await runInProcessGroup({
      argv: ["/bin/sh", "-c", `sh -c 'trap "" TERM; exec sleep 1000' & echo $! > pid; exit 0`],
      cwd: dir,
      env,
      limitS: 10,
      onOutput: () => {},
      onSpawn: (pid) => {
        pgid = pid;
      },
    });
    expect(outcome.end).toBe("exited");
    expect(outcome.wallS).toBeLessThan(2);
    expect(isAlive(Number(readFileSync(join(dir, "pid"), "utf8")))).toBe(false);
    expect(groupMembers(pgid)).toEqual([]);
  });

  it.skipIf(!hasSetsid)(
    "does not wait forever for a pipe held by a process that left the group",
    async () => {
      const dir = tempDir();
      const outcome = await runInProcessGroup({
        argv: [
          "/bin/sh",
          "-c",
          "setsid sh -c 'echo $$ > escaped; exec sleep 30' & sleep 0.2; exit 0",
        ],
        cwd: dir,
        env,
        limitS: 10,
        onOutput: () => {},
      });
      const escaped = Number(readFileSync(join(dir, "escaped"), "utf8"));
      killGroup(escaped, "SIGKILL");
      expect(outcome.end).toBe("exited");
      expect(outcome.wallS).toBeLessThan(2);
    },
  );

  it("answers a missing working directory with spawn-failed, not an exception", async () => {
    const outcome = await runInProcessGroup({
      argv: ["/bin/sh", "-c", "true"],
      cwd: join(tempDir(), "missing"),
      env,
      limitS: 10,
      onOutput: () => {},
    });
    expect(outcome.end).toBe("spawn-failed");
    expect(outcome.error?.message).toContain("ENOENT");
  });
});
