// The LLM proposer's archive tools on GitHub, end to end: the runner executes the action's own
// code, which uploads result.json, run.log and the run's traces as one artifact; the App caches
// that artifact as a local session folder, and the model (OpenAI's API, mocked) queries it.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { OWNER, REPO } from "../../forge/github/github-shapes.ts";
import { completion, scriptModel, submit } from "../../proposer/llm/openai-fixtures.ts";
import { commentCreated } from "../handlers/comment-payloads.ts";
import { configYml, FullLoop, runCompleted, SESSION } from "./full-loop-harness.ts";
import { useFullLoop } from "./use-full-loop.ts";

/** The quadratic train.py, which also writes one trace line per coordinate. */
const TRACING_TRAIN_PY = `import json, os
X = 1
Y = 0.2

score = (X - 3) ** 2 + (Y - 0.5) ** 2 + 1
traces = os.path.join(os.environ["AUTOOPT_OUT"], "traces")
os.makedirs(traces, exist_ok=True)
with open(os.path.join(traces, "tasks.jsonl"), "w") as f:
    f.write(json.dumps({"task_id": "x", "score": X, "output": "x is too small"}) + "\\n")
    f.write(json.dumps({"task_id": "y", "score": Y, "output": "y is close"}) + "\\n")
print("---")
print(f"score: {score}")
`;

const CONFIG = configYml("{ max_experiments: 1 }").replace(
  "proposer: { kind: search }",
  "proposer: { kind: llm, model: gpt-4.1-mini }",
);

const current = useFullLoop(() =>
  FullLoop.create(CONFIG, { "train.py": TRACING_TRAIN_PY }, { OPENAI_API_KEY: "sk-test" }),
);

describe("the LLM proposer's archive tools on GitHub, end to end", () => {
  it("reads the baseline's traces from the artifact the action uploaded", async () => {
    const requests = scriptModel([
      completion({
        tool_calls: [
          {
            name: "sql",
            arguments: JSON.stringify({
              query: "SELECT experiment, task_id, score FROM tasks ORDER BY task_id",
            }),
          },
          { name: "grep", arguments: JSON.stringify({ pattern: "too small", path: "exp-1" }) },
          { name: "read_file", arguments: JSON.stringify({ path: "exp-1/run.log" }) },
        ],
      }),
      completion({
        tool_calls: [
          submit({
            description: "X 1 → 2",
            hypothesis: "exp-1's trace says x is too small.",
            edits: [{ path: "train.py", search: "X = 1", replace: "X = 2" }],
          }),
        ],
      }),
    ]);
    await current().deliver("issue_comment", commentCreated({ body: "/autoopt start" }));
    for (let round = 0; round < 5; round++) {
      const [run] = current().queuedRuns();
      if (run === undefined) break;
      const record = await current().execute(run);
      expect(record.result.status, record.lines.join("\n")).toBe("ok");
      expect(Object.keys(record.files)).toContain("traces/tasks.jsonl");
      await current().deliver("workflow_run", runCompleted(run));
    }
    expect(
      current()
        .finished()
        .map((f) => f.decision.outcome),
    ).toEqual(["baseline", "keep"]);
    expect(requests).toHaveLength(2);
    const answers = requests[1]?.messages.filter((m) => m.role === "tool").map((m) => m.content);
    expect(answers?.[0]).toBe("experiment\ttask_id\tscore\n1\tx\t1\n1\ty\t0.2\n(2 rows)");
    expect(answers?.[1]).toMatch(/^exp-1\/out\/traces\/tasks\.jsonl:1:.*x is too small/m);
    expect(answers?.[2]).toMatch(/score: 5\.09/);
    const session = join(current().archiveDir, OWNER, REPO, SESSION);
    const exp2 = JSON.parse(readFileSync(join(session, "exp-2/proposal.json"), "utf8"));
    expect(exp2.description).toBe("X 1 → 2");
    expect(readFileSync(join(session, "exp-2/out/traces/tasks.jsonl"), "utf8")).toContain(
      '"score": 2',
    );
    expect(current().app.sessionLog.filter((l) => !l.startsWith("info"))).toEqual([]);
  });
});
