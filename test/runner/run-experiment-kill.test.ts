import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { runExperiment } from "../../src/runner/index.ts";
import { killGroup } from "../../src/sandbox/index.ts";
import { processesOf } from "../helpers/processes-of.ts";
import {
  groupMembers,
  isAlive,
  makeConfig,
  makeOptions,
  makeRepo,
  removeTempDirs,
} from "./fixtures.ts";

afterAll(removeTempDirs);

// Should the runner fail to kill a group, the test fails, and this keeps the machine clean.
const groups: number[] = [];
afterEach(() => {
  for (const pgid of groups.splice(0)) killGroup(pgid, "SIGKILL");
});

// Grandchildren of every kind that shrug off SIGTERM, each recording its pid.
const STUBBORN = `pids="$AUTOOPT_OUT/pids"
sh -c 'trap "" TERM; exec sleep 1000' &
echo $! >> "$pids"
( ( trap "" TERM; exec sleep 1000 ) & echo $! >> "$pids" )
python3 -c 'import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(1000)' &
echo $! >> "$pids"
node -e 'process.on("SIGTERM", () => {}); setInterval(() => {}, 1000)' &
echo $! >> "$pids"
trap "" TERM
echo started
wait
`;

function readPids(outDir: string): number[] {
  return readFileSync(join(outDir, "pids"), "utf8").trim().split("\n").map(Number);
}

let sessions = 0;
const uniqueSession = () => `kill-${process.pid}-${++sessions}`;

describe("runExperiment, stopping a run", () => {
  it("kills the whole group at budget + grace, grandchildren that ignore SIGTERM included", async () => {
    const repo = makeRepo({ "train.sh": STUBBORN });
    let pgid = 0;
    // `exec` makes the trapping script the group leader, so only SIGKILL can end it.
    const opts = makeOptions(
      repo,
      makeConfig({ command: "exec sh train.sh", budget: 1, grace: 1 }),
      {
        session: uniqueSession(),
        onStart: ({ pid }) => {
          pgid = pid;
          groups.push(pid);
        },
      },
    );
    const started = performance.now();
    const result = await runExperiment(opts);
    const elapsedS = (performance.now() - started) / 1000;
    expect(result.status).toBe("timeout");
    expect(result.reason).toBe("the command was killed at budget + grace (1s + 1s)");
    // Uncontained, the trapping leader outlives SIGTERM and dies of the SIGKILL a second later;
    // in a sandbox, SIGTERM ends bubblewrap and with it every process inside at once.
    const contained = opts.sandbox.containment === "bubblewrap";
    expect(result.signal).toBe(contained ? "SIGTERM" : "SIGKILL");
    expect(elapsedS).toBeGreaterThan(1 + 1 - 0.1);
    expect(elapsedS).toBeLessThan(1 + 1 + 2);
    const pids = readPids(join(opts.archiveDir, "out"));
    expect(pids).toHaveLength(4);
    if (!contained) expect(pids.filter(isAlive)).toEqual([]);
    expect(processesOf(opts.session)).toEqual([]);
    expect(groupMembers(pgid)).toEqual([]);
    expect(result.log_tail).toContain("started");
  });

  it("answers an abort with crash 'interrupted' and a dead group", async () => {
    const repo = makeRepo({ "train.sh": STUBBORN });
    const abort = new AbortController();
    let pgid = 0;
    const opts = makeOptions(repo, makeConfig({ budget: 60 }), {
      session: uniqueSession(),
      signal: abort.signal,
      onStart: ({ pid }) => {
        pgid = pid;
        groups.push(pid);
        setTimeout(() => abort.abort(), 300);
      },
    });
    const started = performance.now();
    const result = await runExperiment(opts);
    expect(result).toMatchObject({ status: "crash", reason: "interrupted" });
    expect((performance.now() - started) / 1000).toBeLessThan(3);
    expect(processesOf(opts.session)).toEqual([]);
    expect(groupMembers(pgid)).toEqual([]);
  });
});
