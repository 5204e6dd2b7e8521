// `npm run demo:harness`: a short harness-mode session on the bundled SpamAssassin example, in a
// fresh temporary git repository, with the offline search proposer and the deterministic local
// model. Then the held-out split for the promotion, and the frontier chart.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { heldoutCommand } from "../src/cli/commands/heldout.ts";
import { reportCommand } from "../src/cli/commands/report.ts";
import { runCommand } from "../src/cli/commands/run.ts";
import { commitExample, copyExample } from "./example-repo.ts";

const root = join(import.meta.dirname, "..");
const example = join(root, "examples", "harness-spam");
const files = ["harness.py", "model.py", "run_harness.py", "score.py", "prepare_data.py"];
const dir = copyExample(
  example,
  [...files, "program.md", "autoopt.yml", "README.md"],
  "autoopt-harness-demo-",
);
console.log(`autoopt harness demo: example copied to ${dir}`);
console.log("autoopt harness demo: sampling tasks from the SpamAssassin corpus");
execFileSync(
  "python3",
  ["prepare_data.py", "--corpus", join(root, "node_modules", "@stdlib", "datasets-spam-assassin")],
  { cwd: dir, stdio: "inherit" },
);
await commitExample(dir, "harness-spam example");

const controller = new AbortController();
process.on("SIGINT", () => controller.abort());
const common = { cwd: dir, env: process.env, out: process.stdout };
const { session, dir: sessionDir } = await runCommand({
  ...common,
  session: "demo",
  tty: Boolean(process.stdout.isTTY),
  signal: controller.signal,
});
const charts = await reportCommand({ ...common, session });
const { promotion } = await heldoutCommand({ ...common, session, signal: controller.signal });

console.log(`\n${readFileSync(join(sessionDir, "results.tsv"), "utf8")}`);
console.log(`repository: ${dir}
ledger:     ${join(sessionDir, "ledger.jsonl")}
charts:     ${charts.png}${charts.frontier ? `, ${charts.frontier.png}` : ""}
promotion:  ${promotion}
traces:     ${sessionDir}/exp-<n>/out/traces/tasks.jsonl (every candidate, kept or not)
frontier:   git -C ${dir} branch --list 'autoopt/${session}/frontier/*'
status:     cd ${dir} && ${join(root, "node_modules", ".bin", "node")} ${join(root, "bin", "autoopt.js")} status`);
