import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import nock from "nock";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { runCommand } from "../../src/cli/commands/run.ts";
import { config, quadraticTrainPy, tempRepo } from "../helpers/temp-repo.ts";
import { completion, scriptModel, submit } from "../proposer/llm/openai-fixtures.ts";

beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending, "every scripted model reply must be used").toEqual([]);
});

// A harness that calls a model needs its key passed through, and so can print it.
const KEY = "sk-proj-Zx81kQ0aVv5tLm2Ww9Rr";
const HF = "hf_QmT4s9LbWc72PaXyEe31Nn";

/** A candidate that prints both secrets: whole, split across two writes, and as its error. */
const LEAKY = `import os, sys, time
key, hf = os.environ["OPENAI_API_KEY"], os.environ["HF_TOKEN"]
print("using key", key, flush=True)
sys.stdout.write("split " + key[:9]); sys.stdout.flush(); time.sleep(0.3)
sys.stdout.write(key[9:] + " done\\n"); sys.stdout.flush()
sys.stderr.write("Traceback: auth failed for token " + hf + "\\n")
sys.exit(1)
`;

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .map((p) => join(dir, p))
    .filter((p) => statSync(p).isFile());
}

describe("secrets of autoopt's environment", () => {
  it("never reach run.log, result.json, the archive or the next request to the model", async () => {
    const dir = tempRepo({
      "train.py": quadraticTrainPy(),
      "program.md": "Lower the score.\n",
      "autoopt.yml": config(
        "proposer: { kind: llm, model: gpt-4.1-mini, max_tokens_per_session: 10000 }\nsession: { max_experiments: 5, propose_ahead: 0 }",
      ).replace("budget: 10s,", "budget: 10s, pass_env: [OPENAI_API_KEY, HF_TOKEN],"),
    });
    const leak = {
      description: "print the credentials",
      hypothesis: "see what the run gets",
      edits: [{ path: "train.py", content: LEAKY }],
    };
    const requests = scriptModel([
      completion({ tool_calls: [submit(leak)] }, { usage: [3000, 100] }),
      completion(
        {
          tool_calls: [
            { name: "read_file", arguments: JSON.stringify({ path: "exp-2/run.log" }) },
            { name: "grep", arguments: JSON.stringify({ pattern: "sk-proj|hf_", glob: "**" }) },
          ],
        },
        { usage: [3000, 100] },
      ),
      completion({ content: "done" }, { usage: [3000, 100] }),
      completion({ content: "done" }, { usage: [3000, 100] }),
    ]);
    const env = { ...process.env, OPENAI_API_KEY: KEY, HF_TOKEN: HF };
    await runCommand({
      cwd: dir,
      env,
      session: "s",
      out: { write: () => true },
      tty: false,
      signal: new AbortController().signal,
    });

    const exp = join(dir, ".autoopt/s/exp-2");
    const log = readFileSync(join(exp, "run.log"), "utf8");
    expect(log).toContain("using key [redacted]");
    expect(log).toContain("split [redacted] done");
    const result = JSON.parse(readFileSync(join(exp, "result.json"), "utf8"));
    expect(result.status).toBe("crash");
    expect(result.reason).toContain("auth failed for token [redacted]");
    expect(result.log_tail).toContain("[redacted]");

    const sent = JSON.stringify(requests);
    expect(requests).toHaveLength(4);
    expect(requests[1]?.messages[1]?.content).toContain("auth failed for token [redacted]");
    const answers = requests[2]?.messages.filter((m) => m.role === "tool") ?? [];
    expect(answers[0]?.content).toContain("split [redacted] done");
    // Not a prefix of either secret is left anywhere in the archive for a search to find.
    expect(answers[1]?.content).toMatch(/^no matches/);
    for (const secret of [KEY, HF, KEY.slice(9), HF.slice(-12)]) {
      expect(sent).not.toContain(secret);
      for (const file of filesUnder(join(dir, ".autoopt/s")))
        expect(readFileSync(file, "latin1"), file).not.toContain(secret);
    }
  });
});
