import { type ChildProcess, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import type { LedgerEvent } from "../../src/core/index.ts";
import { config, quadraticTrainPy, tempRepo } from "../helpers/temp-repo.ts";

const CLI = join(import.meta.dirname, "../../src/cli/main.ts");

function startCli(
  dir: string,
  args: string[],
): { child: ChildProcess; exit: Promise<number | null>; output: () => string } {
  const child = spawn(process.execPath, [CLI, "run", ...args], {
    cwd: dir,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (d) => (output += d));
  child.stderr?.on("data", (d) => (output += d));
  const exit = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, exit, output: () => output };
}

function ledger(dir: string): LedgerEvent[] {
  let text = "";
  try {
    text = readFileSync(join(dir, ".autoopt/s/ledger.jsonl"), "utf8");
  } catch {
    return [];
  }
  return text
    .split("\n")
    .filter((l) => l.endsWith("}"))
    .map((l) => JSON.parse(l) as LedgerEvent);
}

/** Waits until experiment `n` has been proposed and its command is running. */
async function waitForRunning(dir: string, n: number): Promise<void> {
  for (let i = 0; i < 400; i++) {
    const events = ledger(dir);
    const proposed = events.some((e) => e.type === "proposed" && e.experiment === n);
    const finished = events.some((e) => e.type === "finished" && e.experiment === n);
    if (proposed && !finished && experimentProcesses(`exp-${n}`).length > 0) return;
    await sleep(50);
  }
  throw new Error(`experiment ${n} never started`);
}

/** Live processes carrying this run's marker in their environment. */
function experimentProcesses(experiment: string): number[] {
  return readdirSync("/proc")
    .filter((p) => /^\d+$/.test(p))
    .filter((pid) => {
      try {
        const env = readFileSync(`/proc/${pid}/environ`, "utf8").split("\0");
        return (
          env.includes(`AUTOOPT_EXPERIMENT=${experiment}`) && env.includes("AUTOOPT_SESSION=s")
        );
      } catch {
        return false;
      }
    })
    .map(Number);
}

function checkLedger(events: LedgerEvent[], candidates: number): void {
  const proposed = events.flatMap((e) => (e.type === "proposed" ? [e.experiment] : []));
  const finished = events.flatMap((e) => (e.type === "finished" ? [e.experiment] : []));
  expect(new Set(proposed).size).toBe(proposed.length);
  expect(new Set(finished).size).toBe(finished.length);
  expect([...finished].sort((a, b) => a - b)).toEqual([...proposed].sort((a, b) => a - b));
  expect(events.filter((e) => e.type === "proposed" && e.kind === "candidate")).toHaveLength(
    candidates,
  );
}

const repo = () =>
  tempRepo({
    "train.py": quadraticTrainPy(1.5),
    "autoopt.yml": config("session: { max_experiments: 4 }"),
    "program.md": "# go\n",
  });

describe("stopping and resuming `autoopt run`", () => {
  it("after kill -9 mid-experiment, resume loses and duplicates no ledger row", async () => {
    const dir = repo();
    const first = startCli(dir, ["--session", "s"]);
    await waitForRunning(dir, 3);
    first.child.kill("SIGKILL");
    await first.exit;
    const before = ledger(dir);
    expect(before.some((e) => e.type === "finished" && e.experiment === 3)).toBe(false);

    const second = startCli(dir, ["--session", "s"]);
    expect(await second.exit).toBe(0);
    expect(second.output()).toContain("resuming session s");
    const after = ledger(dir);
    expect(after.slice(0, before.length)).toEqual(before);
    checkLedger(after, 4);
    expect(experimentProcesses("exp-3")).toEqual([]);
    const tsv = readFileSync(join(dir, ".autoopt/s/results.tsv"), "utf8").trim().split("\n");
    expect(tsv).toHaveLength(1 + 1 + 4);
  });

  it("Ctrl-C kills the running experiment, records it, and a resume finishes it", async () => {
    const dir = repo();
    const first = startCli(dir, ["--session", "s"]);
    await waitForRunning(dir, 2);
    first.child.kill("SIGINT");
    expect(await first.exit).toBe(130);
    await sleep(200);
    expect(experimentProcesses("exp-2")).toEqual([]);
    const stopped = ledger(dir);
    expect(stopped.at(-2)).toMatchObject({ type: "interrupted", experiment: 2 });
    expect(stopped.at(-1)).toMatchObject({ type: "stopped" });

    const second = startCli(dir, ["--session", "s"]);
    expect(await second.exit).toBe(0);
    checkLedger(ledger(dir), 4);
  });
});
