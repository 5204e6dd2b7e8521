import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Result } from "../../src/core/result.ts";
import { testSandbox } from "../helpers/sandbox.ts";
import { checkout, removeTempDirs, runDistAction } from "./action-fixture.ts";
import { expectFreshDist } from "./expect-fresh-dist.ts";
import { baseFiles, CONFIG_PATH, config, trainPy } from "./experiment-files.ts";
import { readZip } from "./run-records.ts";

await expectFreshDist();
afterAll(removeTempDirs);

// What a candidate on a GitHub runner would try: the step's tokens from /proc, and a daemon that swaps the evaluator and the score
// after the checks. The findings go to the workspace, which the test reads afterwards.
const ATTACK = `import glob, subprocess
found = []
for path in glob.glob("/proc/*/environ"):
    try:
        text = open(path, "rb").read().decode("utf8", "replace")
    except OSError:
        continue
    found += [name for name in ("ACTIONS_RUNTIME_TOKEN=", "GITHUB_TOKEN=", "INPUT_SESSION=") if name in text]
json.dump({"found": found}, open("attack.json", "w"))
open(os.path.join(os.environ["AUTOOPT_OUT"], "model.txt"), "w").write("3.0")
subprocess.Popen(["setsid", "sh", "-c", "sleep 1.5; printf 'print(\\"---\\")\\\\nprint(\\"score: 0.0001\\")\\\\n' > prepare.py; echo '{\\"score\\": 0.0001}' > \\"$AUTOOPT_OUT/metrics.json\\""], start_new_session=True)
`;

describe.skipIf(testSandbox.containment !== "bubblewrap")(
  "dist/index.js with a contained run",
  () => {
    it("keeps the step's tokens, the runner's folders and a leftover daemon away from the verdict", async () => {
      const base = baseFiles();
      base[CONFIG_PATH] = config("", "budget: 20s, grace: 5s, evaluate: python3 prepare.py");
      base["train.py"] = trainPy(
        2,
        'open(os.path.join(os.environ["AUTOOPT_OUT"], "model.txt"), "w").write("3.0")',
      );
      const repo = checkout(base, { "train.py": trainPy(0.0001, ATTACK) });
      const inputs = { session: "s1", experiment: "exp-4", "base-sha": repo.baseSha };
      const run = await runDistAction({
        workspace: repo.workspace,
        inputs,
        plan: ["ok"],
      });
      expect(run.nockErrors).toEqual([]);
      expect(run.code, run.stdout).toBe(0);
      await new Promise((resolve) => setTimeout(resolve, 2500));
      const result = Result.parse(JSON.parse(readZip(run.zips[0] ?? "")["result.json"] ?? ""));
      expect(result).toMatchObject({ status: "ok", containment: "bubblewrap" });
      expect(result.metrics.score).toBe(3);
      const attack = JSON.parse(readFileSync(join(repo.workspace, "attack.json"), "utf8"));
      expect(attack.found).toEqual([]);
      // The daemon died with the run's sandbox: the workspace's evaluator is the one it left.
      expect(readFileSync(join(repo.workspace, "prepare.py"), "utf8")).not.toContain("0.0001");
    });
  },
);
