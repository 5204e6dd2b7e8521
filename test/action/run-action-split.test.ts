// The action's own code (src, not dist) on the held-out split: runAction with the runner's
// environment, a real checkout, and an uploader that keeps what it is given.
import { readFileSync, statSync } from "node:fs";
import { relative } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ActionError } from "../../src/action/action-error.ts";
import type { ActionIO } from "../../src/action/action-io.ts";
import { runAction } from "../../src/action/run-action.ts";
import type { ArtifactUploader } from "../../src/action/upload-with-retry.ts";
import { Result } from "../../src/core/result.ts";
import { checkout, removeTempDirs, tempDir } from "./action-fixture.ts";
import { baseFiles, trainPy } from "./experiment-files.ts";

afterAll(removeTempDirs);

/** Scores on its own, and says which split it was given. */
const HELDOUT_PY = `import os
print("split", os.environ.get("AUTOOPT_SPLIT"))
print("---")
print("score:          0.750000")
print("heldout_only:   1.000000")
`;

interface Uploaded {
  name: string;
  files: Record<string, string>;
}

async function run(workspace: string, baseSha: string, split?: string) {
  const lines: string[] = [];
  const uploads: Uploaded[] = [];
  const uploader: ArtifactUploader = {
    async uploadArtifact(name, paths, root) {
      const files: Record<string, string> = {};
      for (const path of paths)
        if (statSync(path).isFile()) files[relative(root, path)] = readFileSync(path, "utf8");
      uploads.push({ name, files });
      return { id: uploads.length, size: 1 };
    },
  };
  const io: ActionIO = {
    info: (m) => lines.push(`info: ${m}`),
    notice: (m) => lines.push(`notice: ${m}`),
    warning: (m) => lines.push(`warning: ${m}`),
    setOutput: (name, value) => lines.push(`output ${name}=${value}`),
    setSecret: () => {},
    appendSummary: async () => {},
  };
  const result = await runAction({
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      GITHUB_WORKSPACE: workspace,
      RUNNER_TEMP: tempDir("autoopt-runner-temp-"),
      RUNNER_NAME: "gpu-runner-1",
      RUNNER_OS: "Linux",
      RUNNER_ARCH: "X64",
      INPUT_SESSION: "s1",
      INPUT_EXPERIMENT: "heldout-best",
      "INPUT_BASE-SHA": baseSha,
      ...(split === undefined ? {} : { INPUT_SPLIT: split }),
    },
    io,
    uploader,
    queryGpu: async () => ({ ok: true, gpu: undefined }),
    platform: "linux x64",
    retry: { attempts: 1, delaysMs: [] },
  });
  return { result, lines, uploads };
}

describe("runAction with the split input", () => {
  it("runs promotion.heldout from the base commit with AUTOOPT_SPLIT=heldout", async () => {
    const base = baseFiles("promotion: { heldout: python3 heldout.py }\n");
    base["heldout.py"] = HELDOUT_PY;
    // The candidate cannot change how it is evaluated held out: the config comes from the base.
    const repo = checkout(base, {
      "train.py": trainPy(1.5),
      "heldout.py": 'print("---")\nprint("score: 0.000001")\n',
    });
    const { result, uploads, lines } = await run(repo.workspace, repo.baseSha, "heldout");
    expect(result.status, lines.join("\n")).toBe("invalid");
    expect(result.reason).toContain("heldout.py");
    expect(uploads.map((u) => u.name)).toEqual(["autoopt-s1-heldout-best"]);

    const clean = checkout(base, { "train.py": trainPy(1.5) });
    const ok = await run(clean.workspace, clean.baseSha, "heldout");
    expect(ok.result, ok.lines.join("\n")).toMatchObject({
      status: "ok",
      experiment: "heldout-best",
      metrics: { score: 0.75, heldout_only: 1 },
    });
    expect(ok.lines.some((l) => l.startsWith("info: started `python3 heldout.py` (pid "))).toBe(
      true,
    );
    expect(ok.lines).toContain("notice: heldout-best ran ok: score = 0.75");
    const [upload] = ok.uploads;
    expect(upload?.name).toBe("autoopt-s1-heldout-best");
    expect(Result.parse(JSON.parse(upload?.files["result.json"] ?? "")).metrics).toEqual({
      score: 0.75,
      heldout_only: 1,
    });
    expect(upload?.files["run.log"]).toContain("split heldout");
    expect(ok.uploads).toHaveLength(1);
  });

  it("runs the search command when the split is search or not given", async () => {
    const base = baseFiles("promotion: { heldout: python3 heldout.py }\n");
    base["heldout.py"] = HELDOUT_PY;
    const repo = checkout(base, { "train.py": trainPy(1.5) });
    for (const split of [undefined, "search"]) {
      const { result } = await run(repo.workspace, repo.baseSha, split);
      expect(result).toMatchObject({ status: "ok", metrics: { score: 1.5 } });
    }
  });

  it("fails, naming the input and the fix, when the config has no promotion.heldout", async () => {
    const repo = checkout(baseFiles(), { "train.py": trainPy(1.5) });
    const failure = await run(repo.workspace, repo.baseSha, "heldout").then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(ActionError);
    const message = (failure as Error).message;
    expect(message).toContain(
      "input `split` is `heldout`, but autoopt.yml has no promotion.heldout",
    );
    expect(message).toContain("promotion: { heldout: python3 eval.py }");
    expect(message).toContain(`(the config is read from base commit ${repo.baseSha})`);
  });

  it("fails on a split that is neither search nor heldout, before running anything", async () => {
    const repo = checkout(baseFiles(), { "train.py": trainPy(1.5) });
    await expect(run(repo.workspace, repo.baseSha, "test")).rejects.toThrow(
      'input `split` is "test", which is not valid: must be one of `search`, `heldout`',
    );
  });
});
