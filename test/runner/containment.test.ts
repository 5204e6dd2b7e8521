import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { ConfigInput } from "../../src/config/index.ts";
import { runExperiment } from "../../src/runner/index.ts";
import { testSandbox } from "../helpers/sandbox.ts";
import { git, makeConfig, makeOptions, makeRepo, removeTempDirs, tempDir } from "./fixtures.ts";

afterAll(removeTempDirs);

// What these attacks defeat is the sandbox itself; uncontained they succeed by design.
const contained = testSandbox.containment === "bubblewrap";

// An honest evaluator: imports a locked helper module and json, reports helper.VALUE.
const EVAL_PY = `import helper, json, os
print("---")
print(f"val_bpb: {helper.VALUE}")
with open(os.path.join(os.environ["AUTOOPT_OUT"], "metrics.json"), "w") as f:
    json.dump({"val_bpb": helper.VALUE}, f)
`;

/**
 * A local session's layout: the user's repository, a worktree of the candidate inside its
 * session folder, the archive beside it, and the repository hidden as the local executor does.
 */
function session(candidate: string, extra: Partial<ConfigInput> = {}, files = {}) {
  const base = { "train.sh": "true\n", "eval.py": EVAL_PY, "helper.py": "VALUE = 3.0\n", ...files };
  const repo = makeRepo(base, { "train.sh": candidate });
  git(repo.dir, "checkout", "-q", repo.baseSha);
  const sessionDir = join(repo.dir, ".autoopt", "s");
  const workdir = join(sessionDir, "worktrees", "exp-1");
  git(repo.dir, "worktree", "add", "-q", "--detach", workdir, repo.candidateSha);
  writeFileSync(join(sessionDir, "ledger.jsonl"), '{"type":"started"}\n');
  const home = tempDir("autoopt-home-");
  const { run, ...rest } = extra;
  const config = makeConfig(
    { evaluate: "python3 eval.py", grace: 10, ...run },
    { locked: ["eval.py", "helper.py"], ...rest },
  );
  const opts = makeOptions({ ...repo, dir: workdir }, config, {
    archiveDir: join(sessionDir, "exp-1"),
    hide: [repo.dir],
    parentEnv: { PATH: process.env.PATH, HOME: home },
  });
  return { repo, sessionDir, workdir, home, opts };
}

describe.skipIf(!contained)("a contained run", () => {
  it("cannot plant a module the evaluator imports: a package beside a locked module, a stdlib shadow", async () => {
    const s = session(`mkdir helper
echo 'VALUE = 0.0001' > helper/__init__.py
printf 'def dump(*a, **k):\\n    pass\\nVALUE = 0\\n' > json.py
echo 'VALUE = 0.0002' > helper.py
`);
    const result = await runExperiment(s.opts);
    expect(result.status).toBe("ok");
    expect(result.metrics.val_bpb).toBe(3);
  });

  it("cannot leave a .pth file in the user site-packages for later interpreters", async () => {
    const s = session(`site=$(python3 -m site --user-site)
mkdir -p "$site"
echo 'import os; os.environ["PTH_RAN"] = "1"' > "$site/evil.pth"
echo "$site" > "$AUTOOPT_OUT/site"
`);
    const result = await runExperiment(s.opts);
    expect(result.status).toBe("ok");
    expect(result.metrics.val_bpb).toBe(3);
    // HOME was an empty folder of the sandbox's own: the user's HOME is as it was.
    expect(readdirSync(s.home)).toEqual([]);
  });

  it("cannot outlive its sandbox to rewrite the score or the evaluator after they were checked", async () => {
    const s =
      session(`setsid sh -c 'sleep 1.5; echo "{\\"val_bpb\\": 0.0001}" > "$AUTOOPT_OUT/metrics.json"; echo "VALUE = 0.0001" > helper.py' </dev/null >/dev/null 2>&1 &
sh -c 'trap "" TERM HUP; exec setsid sleep 5' </dev/null >/dev/null 2>&1 &
`);
    const result = await runExperiment(s.opts);
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(result.metrics.val_bpb).toBe(3);
    const metrics = readFileSync(join(s.opts.archiveDir, "out", "metrics.json"), "utf8");
    expect(JSON.parse(metrics)).toEqual({ val_bpb: 3 });
  });

  it("cannot read autoopt's secrets from /proc", async () => {
    const secret = `sk-proc-${process.pid}-${Date.now()}`;
    process.env.AUTOOPT_TEST_PROC_SECRET = secret;
    try {
      const s = session(`cat /proc/*/environ /proc/$PPID/environ > "$AUTOOPT_OUT/leak" 2>/dev/null
ls /proc | grep -E '^[0-9]+$' > "$AUTOOPT_OUT/pids"
true`);
      const result = await runExperiment(s.opts);
      expect(result.status).toBe("ok");
      const out = join(s.opts.archiveDir, "out");
      expect(readFileSync(join(out, "leak"), "utf8")).not.toContain(secret);
      // Its own namespace: the shell, its children and the sandbox's init, not the host's processes.
      expect(readFileSync(join(out, "pids"), "utf8").trim().split("\n").length).toBeLessThan(10);
    } finally {
      delete process.env.AUTOOPT_TEST_PROC_SECRET;
    }
  });

  it("cannot reach the repository: its hooks, config, refs, the user's autoopt.yml and the session's records", async () => {
    const s = session(`gitdir=$(sed -n 's/^gitdir: //p' .git 2>/dev/null)
echo "gitdir=[$gitdir]" > "$AUTOOPT_OUT/seen"
for d in "$gitdir" "$REPO/.git"; do
  mkdir -p "$d/hooks" 2>/dev/null && printf '#!/bin/sh\\ntouch "$REPO/hooked"\\n' > "$d/hooks/post-checkout"
  git config -f "$d/config" core.fsmonitor "touch $REPO/hooked" 2>/dev/null
done
echo '{"type":"finished","forged":true}' >> "$REPO/.autoopt/s/ledger.jsonl"
echo 'version: 1' > "$REPO/autoopt.yml"
git -C "$REPO" update-ref refs/heads/main HEAD 2>/dev/null
ls "$REPO" > "$AUTOOPT_OUT/listing" 2>&1
true`);
    s.opts.config.run.env.REPO = s.repo.dir;
    const mainBefore = git(s.repo.dir, "rev-parse", "main");
    const result = await runExperiment(s.opts);
    expect(result.status).toBe("ok");
    expect(readFileSync(join(s.opts.archiveDir, "out", "seen"), "utf8")).toBe("gitdir=[]\n");
    expect(existsSync(join(s.repo.dir, ".git", "hooks", "post-checkout"))).toBe(false);
    expect(readFileSync(join(s.repo.dir, ".git", "config"), "utf8")).not.toContain("fsmonitor");
    expect(readFileSync(join(s.sessionDir, "ledger.jsonl"), "utf8")).toBe('{"type":"started"}\n');
    expect(existsSync(join(s.repo.dir, "autoopt.yml"))).toBe(false);
    expect(git(s.repo.dir, "rev-parse", "main")).toBe(mainBefore);
    git(s.repo.dir, "status");
    expect(existsSync(join(s.repo.dir, "hooked"))).toBe(false);
  });

  it("sees each declared data file only in its phase", async () => {
    const cache = tempDir("autoopt-data-");
    mkdirSync(join(cache, "d"));
    writeFileSync(join(cache, "d", "val.txt"), "VALIDATION\n");
    const s = session(
      `cat data/heldout.jsonl > "$AUTOOPT_OUT/run-heldout" 2>&1
cat "$CACHE/d/val.txt" > "$AUTOOPT_OUT/run-val" 2>&1
cat data/search.jsonl > "$AUTOOPT_OUT/run-search" 2>&1
true`,
      {
        data: [
          { path: "data/heldout.jsonl", phases: ["heldout"] },
          { path: "$CACHE/d/val.txt", phases: ["evaluate"] },
        ],
        run: {
          command: "sh train.sh",
          evaluate: 'cat "$CACHE/d/val.txt" > "$AUTOOPT_OUT/eval-val"; python3 eval.py',
          grace: 10,
        },
      },
      { "data/heldout.jsonl": "HELDOUT\n", "data/search.jsonl": "SEARCH\n" },
    );
    s.opts.config.run.env.CACHE = cache;
    s.opts.parentEnv = { ...s.opts.parentEnv, CACHE: cache };
    const result = await runExperiment(s.opts);
    expect(result.status).toBe("ok");
    const out = (name: string) => readFileSync(join(s.opts.archiveDir, "out", name), "utf8");
    expect(out("run-heldout")).toBe("");
    expect(out("run-val")).not.toContain("VALIDATION");
    expect(out("run-search")).toBe("SEARCH\n");
    expect(out("eval-val")).toBe("VALIDATION\n");
  });

  it("keeps a held-out run's outputs out of every place a later run or the proposer reads", async () => {
    const s = session(`mkdir -p "$SESSION/exp-1/out/traces" 2>/dev/null
echo '{"task_id":"leak"}' > "$SESSION/exp-1/out/traces/leak.jsonl" 2>/dev/null
echo '{"task_id":"leak"}' > "$SESSION/leak.jsonl" 2>/dev/null
echo ---; echo val_bpb: 1`);
    mkdirSync(join(s.sessionDir, "exp-1", "out"), { recursive: true });
    s.opts.config.run.env.SESSION = s.sessionDir;
    const heldout = {
      ...s.opts,
      split: "heldout" as const,
      archiveDir: join(s.sessionDir, "heldout", "best"),
    };
    heldout.config = { ...s.opts.config, run: { ...s.opts.config.run, evaluate: undefined } };
    const result = await runExperiment(heldout);
    expect(result.status).toBe("ok");
    expect(existsSync(join(s.sessionDir, "exp-1", "out", "traces"))).toBe(false);
    expect(existsSync(join(s.sessionDir, "leak.jsonl"))).toBe(false);
  });

  it("has no network unless the config allows it", async () => {
    const server = createServer((socket) => socket.end("hello\n"));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as { port: number }).port;
    const probe = `python3 -c "import socket; s=socket.create_connection(('127.0.0.1', ${port}), 2); print(s.recv(10).decode())" > "$AUTOOPT_OUT/net" 2>&1; true`;
    try {
      const closed = session(probe);
      await runExperiment(closed.opts);
      expect(readFileSync(join(closed.opts.archiveDir, "out", "net"), "utf8")).not.toContain(
        "hello",
      );
      const open = session(probe, { sandbox: { network: true } });
      await runExperiment(open.opts);
      expect(readFileSync(join(open.opts.archiveDir, "out", "net"), "utf8")).toContain("hello");
    } finally {
      server.close();
    }
  });
});

describe("the output cap", () => {
  it("makes a run that writes past run.out_limit a crash that says so, and keeps none of it", async () => {
    const repo = makeRepo(
      { "train.sh": "true\n" },
      { "train.sh": 'head -c 3000000 /dev/zero > "$AUTOOPT_OUT/big"; echo ---; echo val_bpb: 1\n' },
    );
    const opts = makeOptions(repo, makeConfig({ out_limit: "1MiB" }));
    const result = await runExperiment(opts);
    expect(result.status).toBe("crash");
    expect(result.reason).toMatch(
      /wrote 2\.\d MiB to \$AUTOOPT_OUT, over run\.out_limit \(1 MiB\)/,
    );
    expect(readdirSync(join(opts.archiveDir, "out"))).toEqual([]);
  });

  it("stops a run that keeps writing before its budget ends", async () => {
    const repo = makeRepo(
      { "train.sh": "true\n" },
      {
        "train.sh":
          'while true; do head -c 500000 /dev/zero >> "$AUTOOPT_OUT/big"; sleep 0.05; done\n',
      },
    );
    const opts = makeOptions(repo, makeConfig({ out_limit: "2MiB", budget: 60 }));
    const started = performance.now();
    const result = await runExperiment(opts);
    expect(result.status).toBe("crash");
    expect(result.reason).toContain("over run.out_limit (2 MiB)");
    expect((performance.now() - started) / 1000).toBeLessThan(15);
  });
});

describe("a run's metrics.json", () => {
  it.each([
    [
      "a FIFO, which would block a plain read forever",
      'mkfifo "$AUTOOPT_OUT/metrics.json"',
      "is not a regular file",
    ],
    ["a link to /dev/zero", 'ln -s /dev/zero "$AUTOOPT_OUT/metrics.json"', "is a symbolic link"],
    [
      "2 MB of digits",
      'head -c 2000000 /dev/zero | tr "\\0" 1 > "$AUTOOPT_OUT/metrics.json"',
      "over the 1048576-byte limit",
    ],
  ])("that is %s is a crash that says so", async (_what, plant, reason) => {
    const repo = makeRepo({ "train.sh": "true\n" }, { "train.sh": `${plant}\n` });
    const started = performance.now();
    const result = await runExperiment(makeOptions(repo, makeConfig()));
    expect((performance.now() - started) / 1000).toBeLessThan(10);
    expect(result.status).not.toBe("ok");
    expect(result.reason).toContain(reason);
  });
});
