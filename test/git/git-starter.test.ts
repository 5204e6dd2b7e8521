import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type Start, startProgram } from "../../src/git/git-starter.ts";
import { removeTempDirs, tempDir } from "./attack-repo.ts";

afterAll(removeTempDirs);

const sh = (script: string, input?: string | Buffer): Start => ({
  file: "sh",
  args: ["-c", script],
  cwd: "/",
  env: { PATH: process.env.PATH ?? "/usr/bin:/bin" },
  maxBuffer: 1024 * 1024,
  ...(input === undefined ? {} : { input }),
});

/** The pid of the process that starts programs for this one. */
async function starterPid(): Promise<number> {
  return Number((await startProgram(sh("echo $PPID"))).stdout.toString().trim());
}

describe("startProgram", () => {
  it("runs programs from a process of its own, with the given folder, environment and input", async () => {
    const pid = await starterPid();
    expect(pid).not.toBe(process.pid);
    expect(await starterPid()).toBe(pid);
    const dir = tempDir("autoopt-starter-");
    const ran = await startProgram({
      ...sh('pwd; echo "$ONLY"; cat'),
      cwd: dir,
      env: { PATH: process.env.PATH ?? "", ONLY: "this" },
      input: "from stdin",
    });
    expect(ran.error).toBeUndefined();
    expect(ran.stdout.toString()).toBe(`${dir}\nthis\nfrom stdin`);
  });

  it("gives back bytes as they are, and a failure with its exit code and stderr", async () => {
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const echoed = await startProgram(sh("cat", bytes));
    expect(Buffer.compare(echoed.stdout, bytes)).toBe(0);
    const failed = await startProgram(sh("echo oops >&2; exit 3"));
    expect(failed.error).toMatchObject({ code: 3 });
    expect(failed.stderr.toString()).toBe("oops\n");
    const missing = await startProgram({ ...sh(""), file: "no-such-program-here" });
    expect(missing.error).toMatchObject({ code: "ENOENT" });
  });

  it("fails a program in flight when the starter ends, without running it again, and starts a new one", async () => {
    const dir = tempDir("autoopt-starter-");
    const log = join(dir, "ran");
    const pid = await starterPid();
    const inFlight = startProgram(sh(`echo once >> ${log}; sleep 1`));
    await new Promise((resolve) => setTimeout(resolve, 300));
    process.kill(pid, "SIGKILL");
    expect((await inFlight).error?.message).toMatch(/ended/);
    const next = await starterPid();
    expect(next).not.toBe(pid);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(readFileSync(log, "utf8")).toBe("once\n");
  });

  it("never keeps a process running once it has nothing else to do", () => {
    const module = new URL("../../src/git/git-starter.ts", import.meta.url).pathname;
    const script = `import(${JSON.stringify(module)}).then(async ({ startProgram }) => {
      const ran = await startProgram({ file: "sh", args: ["-c", "echo hi"], cwd: "/", env: { PATH: process.env.PATH }, maxBuffer: 1024 });
      process.stdout.write(ran.stdout);
    });`;
    const out = execFileSync(process.execPath, ["-e", script], {
      encoding: "utf8",
      timeout: 20_000,
    });
    expect(out).toBe("hi\n");
  });
});
