import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { LocalTools } from "../../../src/engine/local-tools.ts";
import type { ProposalContext, ToolBox } from "../../../src/proposer/index.ts";
import { OWNER, REPO } from "../../forge/github/github-shapes.ts";
import { archiveDir, artifactWith, filesUnder, toolUser, traces } from "./archive-fixture.ts";
import { useFakeGitHub } from "./fake-routes.ts";
import { finishHeldout, heldoutConfig, keptOnce, promotionBody } from "./heldout-fixture.ts";
import { AT, completedEvent, config, harness, seed } from "./session-fixture.ts";

const repo = useFakeGitHub();

const HELDOUT_VALUES = { baseline: 1.234567, best: 0.765432 } as const;
const HELDOUT_SECRET = /HELDOUT|1\.234567|0\.765432/;

function tools(context: ProposalContext): ToolBox {
  if (!context.tools) throw new Error("the proposer was given no archive tools");
  return context.tools;
}

/** Completes `exp` with val_bpb = `value` and one trace line naming the experiment. */
async function finish(h: ReturnType<typeof harness>, exp: string, value: number) {
  const run = repo().run("issue-7", exp);
  const line = traces([{ task_id: `task-of-${exp}`, score: value, output: exp }]);
  repo().complete(run, "success", artifactWith(run, value, { "traces/tasks.jsonl": line }));
  await h.sessions.runCompleted(completedEvent(run));
  await h.sessions.idle();
}

describe("the archive cache of an App session", () => {
  it("never holds a held-out run's artifact or result, so no tool can show one", async () => {
    const dirs = archiveDir();
    const answers: string[] = [];
    const user = toolUser(async (context) => {
      const box = tools(context);
      answers.push(await box.call("grep", JSON.stringify({ pattern: HELDOUT_SECRET.source })));
      answers.push(
        await box.call(
          "sql",
          JSON.stringify({
            query:
              "SELECT (SELECT count(*) FROM tasks WHERE data LIKE '%HELDOUT%') + (SELECT count(*) FROM metrics WHERE value IN (1.234567, 0.765432)) AS leaks",
          }),
        ),
      );
    });
    const h = harness(undefined, () => user, dirs.root);
    await keptOnce(repo(), heldoutConfig({ max_experiments: 5 }), h);
    await h.sessions.promote(AT);
    await h.sessions.idle();
    for (const label of ["baseline", "best"] as const) {
      const run = repo().run("issue-7", `heldout-${label}`);
      const files = artifactWith(run, HELDOUT_VALUES[label], {
        "run.log": "HELDOUT run log\n",
        "traces/tasks.jsonl": traces([{ task_id: "HELDOUT-1", score: 1, output: "HELDOUT" }]),
      });
      await finishHeldout(h, repo(), label, { conclusion: "success", files });
    }
    expect(promotionBody(repo())).toContain("0.765432");
    const before = answers.length;
    // The next proposal is made after the held-out results are in: its tools sync the index.
    await finish(h, "exp-3", 1.1);
    const [grep, sql] = answers.slice(before);
    expect(grep).toMatch(/^no matches for \/HELDOUT/);
    expect(sql).toBe("leaks\n0\n(1 row)");
    const cached = filesUnder(dirs.root);
    expect([...cached.keys()].some((p) => p.includes("exp-3/out/traces"))).toBe(true);
    expect([...cached.keys()].filter((p) => /heldout/i.test(p))).toEqual([]);
    expect([...cached].filter(([, text]) => HELDOUT_SECRET.test(text)).map(([p]) => p)).toEqual([]);
    const ledger = readFileSync(join(dirs.session, "ledger.jsonl"), "utf8");
    expect(ledger).toContain('"type":"finished"');
    expect(ledger).not.toContain('"type":"heldout"');
  });

  it("after a restart with the cache gone, fetches the last runs' artifacts again and rebuilds the index", async () => {
    const dirs = archiveDir();
    seed(repo());
    const answers: string[] = [];
    const user = toolUser(async (context) => {
      const query = "SELECT experiment, task_id FROM tasks ORDER BY experiment";
      answers.push(await tools(context).call("sql", JSON.stringify({ query })));
      const proposal = JSON.stringify({ path: "exp-2/proposal.json" });
      answers.push(await tools(context).call("read_file", proposal));
    });
    const h = harness(undefined, () => user, dirs.root);
    await h.sessions.start(AT, config(), { name: "start" });
    await h.sessions.idle();
    await finish(h, "exp-1", 1.0);
    await finish(h, "exp-2", 0.9);
    expect(answers.at(-2)).toBe(
      "experiment\ttask_id\n1\ttask-of-exp-1\n2\ttask-of-exp-2\n(2 rows)",
    );

    // A new host: the cache is empty, the session resumes from its ledger branch.
    rmSync(dirs.root, { recursive: true });
    const opened = vi.spyOn(LocalTools.prototype, "for");
    const closed = vi.spyOn(LocalTools.prototype, "close");
    const after = harness(undefined, () => user, dirs.root);
    await after.sessions.reconcile(OWNER, REPO, AT.installationId);
    await after.sessions.idle();
    const seen = repo().seen.length;
    await finish(after, "exp-3", 0.8);
    expect(answers.at(-2)).toBe(
      "experiment\ttask_id\n1\ttask-of-exp-1\n2\ttask-of-exp-2\n3\ttask-of-exp-3\n(3 rows)",
    );
    expect(answers.at(-1)).toContain("rebuilt from the session's ledger after the App restarted");
    // exp-3's artifact, and exp-1's and exp-2's again (list, download, storage each) ...
    const fetched = (from: number) =>
      repo()
        .calls(from)
        .filter((c) => /artifact/.test(c));
    expect(fetched(seen)).toHaveLength(3 * 3);
    const again = repo().seen.length;
    await finish(after, "exp-4", 0.7);
    expect(
      repo()
        .calls(again)
        .filter((c) => c.includes("/artifacts")),
    ).toHaveLength(2);
    // Each proposal's index was closed (its query process stopped) once the proposal was made.
    expect(opened.mock.calls.length).toBe(2);
    expect(closed.mock.calls.length).toBe(opened.mock.calls.length);
    vi.restoreAllMocks();
  });

  it("fetches again the artifacts of the last 10 finished runs only", async () => {
    const dirs = archiveDir();
    seed(repo());
    const answers: string[] = [];
    const user = toolUser(async (context) => {
      const query =
        "SELECT group_concat(experiment) AS cached FROM (SELECT DISTINCT experiment FROM tasks ORDER BY experiment)";
      answers.push(await tools(context).call("sql", JSON.stringify({ query })));
    });
    const h = harness(undefined, () => user, dirs.root);
    await h.sessions.start(AT, config({ max_experiments: 20 }), { name: "start" });
    await h.sessions.idle();
    for (let n = 1; n <= 12; n++) await finish(h, `exp-${n}`, 1 + n / 100);
    rmSync(dirs.root, { recursive: true });
    const after = harness(undefined, () => user, dirs.root);
    await after.sessions.reconcile(OWNER, REPO, AT.installationId);
    await after.sessions.idle();
    const seen = repo().seen.length;
    await finish(after, "exp-13", 2);
    expect(answers.at(-1)).toBe("cached\n4,5,6,7,8,9,10,11,12,13\n(1 row)");
    // exp-13's own artifact, then those of exp-4 … exp-12: list, download and storage each.
    expect(
      repo()
        .calls(seen)
        .filter((c) => /artifact/.test(c)),
    ).toHaveLength(10 * 3);
  });
});
