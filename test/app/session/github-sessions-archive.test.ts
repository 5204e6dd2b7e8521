import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import nock from "nock";
import { describe, expect, it } from "vitest";
import { proposerFor } from "../../../src/app/app-proposer.ts";
import { completion, scriptModel, submit } from "../../proposer/llm/openai-fixtures.ts";
import { RecordingLog } from "../handlers/app-harness.ts";
import {
  archiveDir,
  artifactWith,
  filesUnder,
  llmConfig,
  toolUser,
  traces,
} from "./archive-fixture.ts";
import { useFakeGitHub } from "./fake-routes.ts";
import { AT, completedEvent, config, harness, seed, startAndKeep } from "./session-fixture.ts";

const repo = useFakeGitHub();

const BASELINE_TRACES = traces([
  { task_id: "t-1", score: 1, output: "42" },
  { task_id: "t-2", score: 0, output: "error: timeout after 30 s" },
]);

const PROPOSAL = {
  description: "LR 0.04 → 0.05",
  hypothesis: "t-2 timed out in exp-1's traces; a larger step converges sooner.",
  edits: [{ path: "train.py", search: "LR = 0.04", replace: "LR = 0.05" }],
};

/** Completes experiment `exp`'s run with `files` as its artifact and waits for the App's work. */
async function finishWith(
  h: ReturnType<typeof harness>,
  exp: string,
  files: (run: Parameters<typeof artifactWith>[0]) => Record<string, string>,
) {
  const run = repo().run("issue-7", exp);
  repo().complete(run, "success", files(run));
  await h.sessions.runCompleted(completedEvent(run));
  await h.sessions.idle();
  return run;
}

describe("an App session's archive cache and the LLM proposer's tools", () => {
  it("lets the model query a finished run's result and traces with sql and grep", async () => {
    const dirs = archiveDir();
    seed(repo());
    const h = harness(
      undefined,
      proposerFor({ OPENAI_API_KEY: "sk-test" }, new RecordingLog()),
      dirs.root,
    );
    const requests = scriptModel([
      completion({
        tool_calls: [
          {
            name: "sql",
            arguments: JSON.stringify({
              query: "SELECT experiment, task_id, score FROM tasks ORDER BY task_id",
            }),
          },
          {
            name: "sql",
            arguments: JSON.stringify({
              query: "SELECT name, value FROM metrics WHERE experiment = 1 ORDER BY name",
            }),
          },
          { name: "grep", arguments: JSON.stringify({ pattern: "timeout", glob: "*.jsonl" }) },
        ],
      }),
      completion({ tool_calls: [submit(PROPOSAL)] }),
    ]);
    await h.sessions.start(AT, llmConfig(), { name: "start" });
    await h.sessions.idle();
    await finishWith(h, "exp-1", (run) =>
      artifactWith(run, 1.0, { "traces/tasks.jsonl": BASELINE_TRACES }),
    );

    expect(nock.pendingMocks().filter((m) => m.includes("openai"))).toEqual([]);
    expect(requests).toHaveLength(2);
    const first = requests[0];
    expect(first?.tools?.map((t) => t.function.name).sort()).toEqual([
      "diff",
      "grep",
      "list_files",
      "read_file",
      "sql",
      "submit_proposal",
    ]);
    expect(first?.messages[0]?.content).toContain(
      "Tools over the archive: list_files, read_file, grep, sql and diff",
    );
    const answers = requests[1]?.messages
      .filter((m) => m.role === "tool")
      .map((m) => m.content ?? "");
    expect(answers?.[0]).toContain("experiment\ttask_id\tscore\n1\tt-1\t1\n1\tt-2\t0\n(2 rows)");
    expect(answers?.[1]).toContain("name\tvalue\npeak_vram_mb\t2048\nval_bpb\t1\n(2 rows)");
    expect(answers?.[2]).toMatch(/exp-1\/out\/traces\/tasks\.jsonl:2:.*error: timeout after 30 s/);

    // The model's edit was committed as exp-2 and archived as a local session would.
    const candidate = repo().run("issue-7", "exp-2").inputs.candidate_sha ?? "";
    expect(repo().file(candidate, "train.py")).toContain("LR = 0.05");
    const proposal = JSON.parse(readFileSync(join(dirs.session, "exp-2/proposal.json"), "utf8"));
    expect(proposal).toMatchObject({ experiment: 2, sha: candidate, proposer: "llm" });
    expect(proposal.hypothesis).toBe(PROPOSAL.hypothesis);
    expect(JSON.stringify(proposal.transcript)).toContain("SELECT experiment, task_id, score");
    const diff = readFileSync(join(dirs.session, "exp-2/diff.patch"), "utf8");
    expect(diff).toMatch(
      /^diff --git a\/train\.py b\/train\.py\n[\s\S]*^-LR = 0\.04\n[\s\S]*^\+LR = 0\.05$/m,
    );
    expect(
      [...filesUnder(dirs.session).keys()].filter((p) => !p.startsWith("index.sqlite")),
    ).toEqual([
      "exp-1/out/metrics.json",
      "exp-1/out/traces/.keep",
      "exp-1/out/traces/tasks.jsonl",
      "exp-1/result.json",
      "exp-1/run.log",
      "exp-2/diff.patch",
      "exp-2/files/train.py",
      "exp-2/proposal.json",
      "ledger.jsonl",
      "results.tsv",
    ]);
  });

  it("caches nothing for a session whose proposer reads no archive", async () => {
    const dirs = archiveDir();
    seed(repo());
    const h = harness(undefined, undefined, dirs.root);
    await startAndKeep(h, repo());
    expect(repo().run("issue-7", "exp-3")).toBeDefined();
    expect(existsSync(dirs.root)).toBe(true);
    expect(filesUnder(dirs.root)).toEqual(new Map());
  });

  it("deletes a session's cache once its promotion is merged", async () => {
    const dirs = archiveDir();
    seed(repo());
    const h = harness(undefined, () => toolUser(async () => {}), dirs.root);
    await startAndKeep(h, repo());
    expect(existsSync(join(dirs.session, "exp-2/result.json"))).toBe(true);
    const [pr] = [...repo().pulls.values()];
    if (!pr) throw new Error("no promotion pull request");
    await h.sessions.promotionClosed({ ...AT, headRef: pr.head, merged: true, number: pr.number });
    await h.sessions.idle();
    expect(repo().ledger("issue-7").at(-1)).toMatchObject({ type: "meta", closed: true });
    expect(existsSync(dirs.session)).toBe(false);
  });

  it("refuses artifact entries that would escape the experiment's folder, and still judges the run", async () => {
    const dirs = archiveDir();
    seed(repo());
    const h = harness(undefined, () => toolUser(async () => {}), dirs.root);
    await h.sessions.start(AT, config(), { name: "start" });
    await h.sessions.idle();
    await finishWith(h, "exp-1", (run) =>
      artifactWith(run, 1.0, {
        "../escape.txt": "escaped",
        "../../../../escape.txt": "escaped",
        "traces/../../exp-2/proposal.json": "{}",
        "/tmp/absolute.txt": "escaped",
        "proposal.json": "{}",
        "traces/tasks.jsonl": BASELINE_TRACES,
      }),
    );
    const finished = repo()
      .ledger("issue-7")
      .find((e) => e.type === "finished");
    expect(finished).toMatchObject({ experiment: 1, run: { status: "ok" } });
    const cached = [...filesUnder(dirs.root).keys()];
    expect(cached.filter((p) => p.includes("escape") || p.includes("absolute"))).toEqual([]);
    expect(cached.filter((p) => p.includes("exp-1/"))).toEqual([
      "octo-org/lab/issue-7/exp-1/out/metrics.json",
      "octo-org/lab/issue-7/exp-1/out/traces/.keep",
      "octo-org/lab/issue-7/exp-1/out/traces/tasks.jsonl",
      "octo-org/lab/issue-7/exp-1/result.json",
      "octo-org/lab/issue-7/exp-1/run.log",
    ]);
    const warning = h.logs.find((l) => l.includes("left out of exp-1's cached artifact"));
    expect(warning).toContain("../escape.txt: a path with a .. segment");
    expect(warning).toContain("/tmp/absolute.txt: an absolute path");
    expect(warning).toContain("proposal.json: not part of a run's record");
  });
});
