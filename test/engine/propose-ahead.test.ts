import nock from "nock";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import type { LedgerEvent } from "../../src/core/index.ts";
import { LedgerFile } from "../../src/engine/index.ts";
import { runSession } from "../helpers/run-session.ts";
import { config, quadraticTrainPy, tempRepo } from "../helpers/temp-repo.ts";
import { API, completion, submit } from "../proposer/llm/openai-fixtures.ts";

/** How long the model takes to answer, and a run to end: the proposer is the slower. */
const MODEL_MS = 900;
const RUN_S = 0.4;

beforeAll(() => nock.disableNetConnect());

afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending, "every scripted model reply must be used").toEqual([]);
});

/** Worse candidates (the ratchet never moves), each answered after `delay` ms; when each request came. */
function slowModel(delay = MODEL_MS, xs = [0, -1, -2]): number[] {
  const asked: number[] = [];
  for (const x of xs) {
    const edit = { path: "train.py", search: "X = 1", replace: `X = ${x}` };
    nock(API)
      .post("/v1/chat/completions", () => {
        asked.push(Date.now());
        return true;
      })
      .delay(delay)
      .reply(
        200,
        completion({
          tool_calls: [
            submit({ description: `X → ${x}`, hypothesis: "X further from 3", edits: [edit] }),
          ],
        }),
      );
  }
  return asked;
}

async function session(
  ahead: string,
  asked = slowModel(),
  stop = /max_experiments \(3\)/,
): Promise<{ asked: number[]; events: LedgerEvent[] }> {
  const dir = tempRepo({
    "train.py": quadraticTrainPy(RUN_S),
    "program.md": "Lower the score.\n",
    "autoopt.yml": config(
      `proposer: { kind: llm, model: gpt-4.1-mini }\nsession: { max_experiments: 3${ahead} }`,
    ),
  });
  const env = { ...process.env, OPENAI_API_KEY: "sk-test" };
  const { reason } = await runSession(dir, "a", { env });
  expect(reason).toMatch(stop);
  const { events } = await new LedgerFile(`${dir}/.autoopt/a/ledger.jsonl`).load();
  return { asked, events };
}

function finishedAt(events: readonly LedgerEvent[], n: number): number {
  const e = events.find((x) => x.type === "finished" && x.experiment === n);
  return Date.parse(e?.at ?? "");
}

describe("proposals made ahead", () => {
  it("ask for the next candidate while a run is under way when the proposer is slower than a run", async () => {
    const { asked, events } = await session("");
    expect(asked).toHaveLength(3);
    // exp-2's proposal came first (nothing told how long proposing takes); exp-3's and exp-4's
    // were asked for while exp-2 and exp-3 ran.
    expect(asked[1]).toBeLessThan(finishedAt(events, 2));
    expect(asked[2]).toBeLessThan(finishedAt(events, 3));
    const kinds = events.flatMap((e) => (e.type === "proposed" ? [e.kind] : []));
    expect(kinds).toEqual(["baseline", "candidate", "candidate", "candidate"]);
    expect(events.some((e) => e.type === "proposal_failed")).toBe(false);
  }, 30_000);

  it("wait for each run's end with propose_ahead: 0, so each proposal sees the result before it", async () => {
    const { asked, events } = await session(", propose_ahead: 0");
    expect(asked).toHaveLength(3);
    expect(asked[0]).toBeGreaterThanOrEqual(finishedAt(events, 1));
    expect(asked[1]).toBeGreaterThanOrEqual(finishedAt(events, 2));
    expect(asked[2]).toBeGreaterThanOrEqual(finishedAt(events, 3));
  }, 30_000);

  it("that never ran are dropped when the session stops, their tokens recorded", async () => {
    // exp-3's proposal is made (at once) while exp-2 runs; exp-2's discard ends the session.
    const asked = slowModel(0, [0, -1]);
    const { events } = await session(", propose_ahead: 1, plateau: 1", asked, /plateau/);
    expect(asked).toHaveLength(2);
    expect(events.filter((e) => e.type === "proposed")).toHaveLength(2);
    const dropped = events.filter((e) => e.type === "proposal_failed");
    expect(dropped).toEqual([
      expect.objectContaining({
        reason: "made ahead and never run: the session ended first",
        tokens: expect.objectContaining({ total: 1280 }),
      }),
    ]);
  }, 30_000);
});
