// `node bench/api-requests.ts`: how many GitHub API requests a session costs per experiment.
// Whole sessions (the search proposer on the quadratic train.py, max_experiments 10 and 5, or the
// numbers given as arguments: `node bench/api-requests.ts 10 5`) run
// through the machinery of test/app/full-loop: the real Probot App and GitHubSessions against a
// fake GitHub served by nock, whose git objects are real commits, and a fake runner that runs the
// action's own code on a checkout of each candidate. Requests are counted twice: by the session
// itself (`GitHubSessions.apiRequests`, what session.json records as api_requests), and at the
// fake's nock interceptors (everything the App sent, its command handling included, less the
// installation-token POST and the hop to artifact storage). Writes docs/benchmarks/api-requests.md.
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
import { revision } from "./bench-repo.ts";

const SESSIONS = process.argv.slice(2).map(Number);
const MAX_EXPERIMENTS = SESSIONS.length > 0 ? SESSIONS : [10, 5];
const GOAL = 10;
const HOURLY = 5_000;
const OUT = fileURLToPath(new URL("../docs/benchmarks/api-requests.md", import.meta.url));

interface Phase {
  name: string;
  session: number[];
  nock: number[];
  /** Requests by route over all of the phase's deliveries (nock count). */
  routes: Map<string, number>;
}

async function main(): Promise<void> {
  const measured: Figures[] = [];
  for (const max of MAX_EXPERIMENTS) {
    if (!Number.isInteger(max) || max < 1) throw new Error(`not a max_experiments: ${max}`);
    measured.push(await measure(max));
  }
  const report = render(measured);
  writeFileSync(OUT, report);
  process.stdout.write(report);
}

async function measure(maxExperiments: number): Promise<Figures> {
  nock.disableNetConnect();
  const loop = await FullLoop.create(configYml(`{ max_experiments: ${maxExperiments} }`));
  const started = performance.now();
  try {
    const sessionCount = async () =>
      (await loop.app.sessions.apiRequests(OWNER, REPO, SESSION)) ?? 0;
    const phases = new Map<string, Phase>();
    let seen = 0;
    const add = (name: string, session: number, nockCount: number) => {
      const p: Phase = phases.get(name) ?? { name, session: [], nock: [], routes: new Map() };
      p.session.push(session);
      p.nock.push(nockCount);
      for (const s of loop.repo.seen.slice(seen)) {
        if (NOT_SESSION_CALLS.has(s.template)) continue;
        const k = `${s.method} ${s.template}`;
        p.routes.set(k, (p.routes.get(k) ?? 0) + 1);
      }
      seen = loop.repo.seen.length;
      phases.set(name, p);
    };

    await loop.deliver("issue_comment", commentCreated({ body: "/autoopt start" }));
    let s0 = await sessionCount();
    let n0 = loop.apiRequests();
    add("start (command → baseline dispatched)", s0, n0);

    let runs = 0;
    for (let round = 0; round < 3 * maxExperiments; round++) {
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
    return {
      maxExperiments,
      runs,
      outcomes,
      sessionTotal,
      nockTotal,
      excluded,
      seconds,
      phases: [...phases.values()],
      byRoute,
    };
  } finally {
    loop.dispose();
    nock.enableNetConnect();
  }
}

interface Figures {
  maxExperiments: number;
  runs: number;
  outcomes: string[];
  sessionTotal: number;
  nockTotal: number;
  excluded: number;
  seconds: number;
  phases: Phase[];
  byRoute: Map<string, number>;
}

function render(all: Figures[]): string {
  const cpu = cpus();
  const machine = `${cpu.length} × ${cpu[0]?.model.trim() ?? "unknown CPU"}, Node ${process.version}`;
  const date = new Date().toISOString().slice(0, 10);
  const per = (f: Figures, total: number) => total / f.runs;
  const perHour = (f: Figures, total: number) => Math.floor(HOURLY / per(f, total));
  const verdict = (f: Figures, total: number) => (per(f, total) <= GOAL ? "✅" : "❌");
  const sizes = all.map((f) => f.maxExperiments).join(" and ");
  const excluded = all.map((f) => f.excluded).join(" and ");
  const lines = [
    "# GitHub API requests per experiment",
    "",
    `Measured by \`node bench/api-requests.ts\` on ${date} at ${revision()}: ${machine}.`,
    "",
    "Whole sessions, each started by `/autoopt start` on an issue and run to its end: the search",
    `proposer on the quadratic train.py of test/app/full-loop, \`max_experiments\`: ${sizes}, one run at a time.`,
    "The real Probot App and GitHubSessions talk to a fake GitHub served by nock (every request",
    "and answer checked against GitHub's OpenAPI description; its git objects are real commits),",
    "and a fake runner runs the action's own code on a checkout of each candidate, then the",
    "`workflow_run.completed` webhook is delivered. No network: `nock.disableNetConnect()`.",
    "Per experiment = a session's requests / its runs (the baseline counts as a run).",
    "",
    "Two counts:",
    "",
    "- **session**: `GitHubSessions.apiRequests(owner, repo, session)`, the session's own count",
    "  (what session.json records as `api_requests`): its ledger, git, issue, pull request and",
    "  Actions calls.",
    "- **nock**: every request the fake GitHub answered, the App's command handling included",
    "  (👀 reaction, permission check, `.github/autoopt.yml`), **excluding** the installation-token",
    `  POST and the artifact download's redirect hop to storage (${excluded} such requests here):`,
    "  the first is made as the App (a JWT), the second goes to blob storage, so neither is an",
    "  installation request to api.github.com that its hourly limit counts.",
    "",
    `Goal: ≤ ${GOAL} requests per experiment in a ${all[0]?.maxExperiments ?? 10}-experiment session, so that one installation's`,
    `${HOURLY.toLocaleString("en-US")} requests an hour carry ${Math.floor(HOURLY / GOAL)} experiments an hour or more.`,
    "",
    "| max_experiments | runs | count | total | per experiment | experiments per hour on 5,000 requests | goal |",
    "|---|---|---|---|---|---|---|",
    ...all.flatMap((f) => [
      `| ${f.maxExperiments} | ${f.runs} | session | ${f.sessionTotal} | **${fmt(per(f, f.sessionTotal))}** | ${perHour(f, f.sessionTotal)} | ${verdict(f, f.sessionTotal)} |`,
      `| ${f.maxExperiments} | ${f.runs} | nock | ${f.nockTotal} | **${fmt(per(f, f.nockTotal))}** | ${perHour(f, f.nockTotal)} | ${verdict(f, f.nockTotal)} |`,
    ]),
    "",
    "The status comment is edited at once after a keep and at the stop, but after a discard or",
    "a crash at most once a minute. The runs here end within seconds, so most discards leave it",
    "alone; with runs of a minute or longer every run's end edits it. Counting that edit for every",
    "run's end:",
    "",
    "| max_experiments | edits left out | nock total with them | per experiment | goal |",
    "|---|---|---|---|---|",
    ...all.map((f) => {
      const unpaced = f.nockTotal + statusEditsLeftOut(f);
      return `| ${f.maxExperiments} | ${statusEditsLeftOut(f)} | ${unpaced} | **${fmt(per(f, unpaced))}** | ${verdict(f, unpaced)} |`;
    }),
    "",
    ...all.flatMap(details),
  ];
  return lines.join("\n");
}

const STATUS_EDIT = "PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}";

/** Run ends whose delivery did not edit the status comment (the pacing left it for later). */
function statusEditsLeftOut(f: Figures): number {
  const start = f.phases[0]?.routes.get(STATUS_EDIT) ?? 0;
  const afterStart = (f.byRoute.get(STATUS_EDIT) ?? 0) - start;
  return Math.max(0, f.runs - afterStart);
}

function details(f: Figures): string[] {
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const range = (xs: number[]) =>
    xs.length === 1 ? `${xs[0]}` : `${fmt(mean(xs))} (${Math.min(...xs)}–${Math.max(...xs)})`;
  const count = (o: string) => f.outcomes.filter((x) => x === o).length;
  return [
    `## max_experiments: ${f.maxExperiments}`,
    "",
    `${f.runs} runs (${count("baseline")} baseline, ${count("keep")} keep, ${count("discard")} discard${otherOutcomes(f.outcomes)}), ${fmt(f.seconds)} s.`,
    "",
    "By phase (requests per webhook delivery; mean (min–max) where a phase recurs):",
    "",
    "| phase | n | session | nock |",
    "|---|---|---|---|",
    ...f.phases.map(
      (p) => `| ${p.name} | ${p.nock.length} | ${range(p.session)} | ${range(p.nock)} |`,
    ),
    "",
    "By route and phase (nock count per delivery of the phase, mean):",
    "",
    `| route | ${f.phases.map((p) => p.name).join(" | ")} |`,
    `|---|${f.phases.map(() => "---|").join("")}`,
    ...[...f.byRoute]
      .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))
      .map(
        ([route]) =>
          `| \`${route}\` | ${f.phases.map((p) => fmt((p.routes.get(route) ?? 0) / p.nock.length) || "").join(" | ")} |`,
      ),
    "",
    "By route (nock count, whole session):",
    "",
    "| requests | route |",
    "|---|---|",
    ...[...f.byRoute]
      .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))
      .map(([route, n]) => `| ${n} | \`${route}\` |`),
    "",
  ];
}

function otherOutcomes(outcomes: string[]): string {
  const other = outcomes.filter((o) => !["baseline", "keep", "discard"].includes(o));
  return other.length === 0 ? "" : `, ${other.length} other`;
}

function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(1);
}

await main();
