import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Config } from "../../src/config/index.ts";
import { type Gpu, GpuSlots } from "../../src/core/index.ts";
import { LocalExecutor } from "../../src/engine/index.ts";
import { sessionPaths } from "../../src/engine/session-paths.ts";
import { testSandbox } from "../helpers/sandbox.ts";
import { gitIn, tempRepo } from "../helpers/temp-repo.ts";

const gpu = (i: number): Gpu => ({
  index: String(i),
  uuid: `GPU-${i}`,
  name: "Test GPU",
  minor: i,
});

// Records which GPU it was given and which device nodes it can see, while others run beside it.
const TRAIN = `import os, time
out = os.environ["AUTOOPT_OUT"]
start = time.time()
nodes = sorted(n for n in os.listdir(os.environ["DEVDIR"]) if n.startswith("nvidia"))
time.sleep(0.6)
with open(os.path.join(out, "gpu.txt"), "w") as f:
    f.write(f"{os.environ.get('CUDA_VISIBLE_DEVICES')}|{','.join(nodes)}|{start}|{time.time()}")
print("---")
print("score: 1")
`;

describe("LocalExecutor with GPUs", () => {
  it("gives each experiment in flight its own GPU, binds only its device node, and makes a third wait", async () => {
    const repo = tempRepo({ "train.py": TRAIN });
    const sha = gitIn(repo, "rev-parse", "HEAD").trim();
    // Stand-ins for the driver's device nodes, so the binding is visible without a GPU.
    const devDir = mkdtempSync(join(tmpdir(), "autoopt-dev-"));
    for (const name of ["nvidia0", "nvidia1", "nvidiactl", "nvidia-uvm"])
      writeFileSync(join(devDir, name), "");
    const config = Config.parse({
      version: 1,
      editable: ["train.py"],
      run: { command: "python3 train.py", budget: 10, grace: 5, pass_env: ["DEVDIR"] },
      metric: { name: "score", goal: "minimize" },
      session: { parallel: 3 },
    });
    const paths = sessionPaths(repo, "g");
    mkdirSync(paths.dir, { recursive: true });
    const executor = new LocalExecutor({
      repo,
      session: "g",
      paths,
      config,
      seed: 0,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, DEVDIR: devDir },
      runner: { name: "test", os: "linux", labels: [] },
      sandbox: testSandbox,
      gpus: new GpuSlots([gpu(0), gpu(1)], 1, false),
      devDir,
    });
    const signal = new AbortController().signal;
    const results = await Promise.all(
      [1, 2, 3].map((n) =>
        executor.execute({
          experiment: n,
          sha,
          baseSha: sha,
          archiveDir: paths.experiment(n),
          signal,
        }),
      ),
    );
    const runs = results.map((result, i) => {
      expect(result.status).toBe("ok");
      const [cuda = "", nodes = "", start = "", end = ""] = readFileSync(
        join(paths.experiment(i + 1), "out", "gpu.txt"),
        "utf8",
      ).split("|");
      return { cuda, nodes, start: Number(start), end: Number(end), gpu: result.runner.gpu };
    });
    for (const run of runs) {
      expect(["GPU-0", "GPU-1"]).toContain(run.cuda);
      expect(run.gpu).toBe("Test GPU");
      if (testSandbox.containment === "bubblewrap") {
        const own = `nvidia${run.cuda.slice(-1)}`;
        expect(run.nodes.split(",").filter((n) => /^nvidia\d$/.test(n))).toEqual([own]);
      }
    }
    // Two GPUs, three experiments: no two that ran at the same time shared one.
    for (const a of runs)
      for (const b of runs)
        if (a !== b && a.start < b.end && b.start < a.end) expect(a.cuda).not.toBe(b.cuda);
    const [first, second, third] = [...runs].sort((a, b) => a.start - b.start);
    expect(third?.start).toBeGreaterThanOrEqual(Math.min(first?.end ?? 0, second?.end ?? 0) - 0.05);
  });
});
