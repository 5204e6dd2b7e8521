// `node bench/api-requests.ts`: how many GitHub API requests a session costs per experiment.
// One whole session (the search proposer on the quadratic train.py, max_experiments 10) runs
// through the machinery of test/app/full-loop: the real Probot App and GitHubSessions against a
// fake GitHub served by nock, whose git objects are real commits, and a fake runner that runs the
// action's own code on a checkout of each candidate. Requests are counted twice: by the session
// itself (`GitHubSessions.apiRequests`, what session.json records as api_requests), and at the
// fake's nock interceptors (everything the App sent, its command handling included, less the
// installation-token POST and the hop to artifact storage). Writes docs/benchmarks/api-requests.md.
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { fileURLToPath } from "node:url";
import nock from "nock";
import {
  configYml,
  FullLoop,
  NOT_SESSION_CALLS,
  runCompleted,
  SESSION,
} from "../test/app/full-loop/full-loop-harness.ts";
import { commentCreated } from "../test/app/handlers/comment-payloads.ts";
import { OWNER, REPO } from "../test/forge/github/github-shapes.ts";

const MAX_EXPERIMENTS = 10;
const GOAL = 15;
const HOURLY = 5_000;
const OUT = fileURLToPath(new URL("../docs/benchmarks/api-requests.md", import.meta.url));

interface Phase {
  name: string;
  session: number[];
  nock: number[];
}

async function main(): Promise<void> {
  nock.disableNetConnect();
  const loop = await FullLoop.create(configYml(`{ max_experiments: ${MAX_EXPERIMENTS} }`));
  const started = performance.now();
  try {
    const sessionCount = async () =>
      (await loop.app.sessions.apiRequests(OWNER, REPO, SESSION)) ?? 0;
    const phases = new Map<string, Phase>();
    const add = (name: string, session: number, nockCount: number) => {
      const p = phases.get(name) ?? { name, session: [], nock: [] };
      p.session.push(session);
      p.nock.push(nockCount);
      phases.set(name, p);
    };

    await loop.deliver("issue_comment", commentCreated({ body: "/autoopt start" }));
    let s0 = await sessionCount();
    let n0 = loop.apiRequests();
    add("start (command → baseline dispatched)", s0, n0);

    let runs = 0;
    for (let round = 0; round < 3 * MAX_EXPERIMENTS; round++) {
      const [run] = loop.queuedRuns();
      if (run === undefined) break;
      const ran = await loop.execute(run);
      if (ran.result.status !== "ok") throw new Error(ran.lines.join("\n"));
      await loop.deliver("workflow_run", runCompleted(run));
      runs += 1;
      const n = Number(run.inputs.experiment?.replace("exp-", ""));
      const outcome = loop.finished().find((f) => f.experiment === n)?.decision.outcome;
      const stopped = loop.ledger().some((e) => e.type === "stopped");
      const name = stopped
        ? `last run (${outcome}) + stop, status, PR`
        : `per ${outcome} (record, propose, dispatch next)`;
      const s = await sessionCount();
      const c = loop.apiRequests();
      add(name, s - s0, c - n0);
      s0 = s;
      n0 = c;
    }
    if (loop.repo.unexpected.length > 0) throw new Error(loop.repo.unexpected.join("\n"));
    if (!loop.ledger().some((e) => e.type === "stopped"))
      throw new Error("the session never stopped");

    const sessionTotal = await sessionCount();
    const nockTotal = loop.apiRequests();
    const excluded = loop.repo.seen.filter((s) => NOT_SESSION_CALLS.has(s.template)).length;
    const seconds = (performance.now() - started) / 1000;
    const outcomes = loop.finished().map((f) => f.decision.outcome);
    const byRoute = new Map<string, number>();
    for (const s of loop.repo.seen) {
      if (NOT_SESSION_CALLS.has(s.template)) continue;
      const k = `${s.method} ${s.template}`;
      byRoute.set(k, (byRoute.get(k) ?? 0) + 1);
    }
    const report = render({
      runs,
      outcomes,
      sessionTotal,
      nockTotal,
      excluded,
      seconds,
      phases: [...phases.values()],
      byRoute,
    });
    writeFileSync(OUT, report);
    process.stdout.write(report);
  } finally {
    loop.dispose();
    nock.enableNetConnect();
  }
}

interface Figures {
  runs: number;
  outcomes: string[];
  sessionTotal: number;
  nockTotal: number;
  excluded: number;
  seconds: number;
  phases: Phase[];
  byRoute: Map<string, number>;
}

function render(f: Figures): string {
  const cpu = cpus();
  const machine = `${cpu.length} × ${cpu[0]?.model.trim() ?? "unknown CPU"}, Node ${process.version}`;
  const date = new Date().toISOString().slice(0, 10);
  const per = (total: number) => total / f.runs;
  const perHour = (total: number) => Math.floor(HOURLY / per(total));
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const range = (xs: number[]) =>
    xs.length === 1 ? `${xs[0]}` : `${fmt(mean(xs))} (${Math.min(...xs)}–${Math.max(...xs)})`;
  const count = (o: string) => f.outcomes.filter((x) => x === o).length;
  const verdict = (total: number) => (per(total) <= GOAL ? "✅" : "❌");
  const lines = [
    "# GitHub API requests per experiment",
    "",
    `Measured by \`node bench/api-requests.ts\` on ${date} at ${revision()}: ${machine}.`,
    "",
    `One whole session, started by \`/autoopt start\` on an issue and run to its end: the search`,
    `proposer on the quadratic train.py of test/app/full-loop, \`max_experiments: ${MAX_EXPERIMENTS}\`, one run at a time.`,
    "The real Probot App and GitHubSessions talk to a fake GitHub served by nock (every request",
    "and answer checked against GitHub's OpenAPI description; its git objects are real commits),",
    "and a fake runner runs the action's own code on a checkout of each candidate, then the",
    "`workflow_run.completed` webhook is delivered. No network: `nock.disableNetConnect()`.",
    "",
    `${f.runs} runs (${count("baseline")} baseline, ${count("keep")} keep, ${count("discard")} discard${otherOutcomes(f.outcomes)}), ${fmt(f.seconds)} s.`,
    "",
    "Two counts:",
    "",
    "- **session**: `GitHubSessions.apiRequests(owner, repo, session)`, the session's own count",
    "  (what session.json records as `api_requests`): its ledger, git, issue, pull request and",
    "  Actions calls.",
    "- **nock**: every request the fake GitHub answered, the App's command handling included",
    "  (👀 reaction, permission check, `.github/autoopt.yml`), **excluding** the installation-token",
    `  POST and the artifact download's redirect hop to storage (${f.excluded} such requests here):`,
    "  the first is made as the App (a JWT), the second goes to blob storage, so neither is an",
    "  installation request to api.github.com that its hourly limit counts.",
    "",
    `Goal: ≤ ${GOAL} requests per experiment, so that one installation's ${HOURLY.toLocaleString("en-US")} requests an hour`,
    `carry more than ${Math.floor(HOURLY / GOAL)} experiments an hour.`,
    "",
    "| count | total | per experiment | experiments per hour on 5,000 requests | goal |",
    "|---|---|---|---|---|",
    `| session | ${f.sessionTotal} | **${fmt(per(f.sessionTotal))}** | ${perHour(f.sessionTotal)} | ${verdict(f.sessionTotal)} |`,
    `| nock | ${f.nockTotal} | **${fmt(per(f.nockTotal))}** | ${perHour(f.nockTotal)} | ${verdict(f.nockTotal)} |`,
    "",
    "By phase (requests per webhook delivery; mean (min–max) where a phase recurs):",
    "",
    "| phase | n | session | nock |",
    "|---|---|---|---|",
    ...f.phases.map(
      (p) => `| ${p.name} | ${p.nock.length} | ${range(p.session)} | ${range(p.nock)} |`,
    ),
    "",
    "By route (nock count):",
    "",
    "| requests | route |",
    "|---|---|",
    ...[...f.byRoute]
      .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))
      .map(([route, n]) => `| ${n} | \`${route}\` |`),
    "",
  ];
  return lines.join("\n");
}

/** The commit measured, and whether src/ had uncommitted changes (counts depend on src/). */
function revision(): string {
  try {
    const git = (args: string[]) => execFileSync("git", args, { encoding: "utf8" }).trim();
    const dirty =
      git(["status", "--porcelain", "--", "src"]) === ""
        ? ""
        : ", with uncommitted changes to src/";
    return `commit ${git(["rev-parse", "--short", "HEAD"])}${dirty}`;
  } catch {
    return "a tree outside git";
  }
}

function otherOutcomes(outcomes: string[]): string {
  const other = outcomes.filter((o) => !["baseline", "keep", "discard"].includes(o));
  return other.length === 0 ? "" : `, ${other.length} other`;
}

function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(1);
}

await main();
