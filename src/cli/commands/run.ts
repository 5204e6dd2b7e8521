import type { Config } from "../../config/index.ts";
import { settingsFromConfig } from "../../core/index.ts";
import { ArchiveWriter, Engine, LocalExecutor, SessionLock } from "../../engine/index.ts";
import { localPrecheck } from "../../engine/local-precheck.ts";
import { LocalTools } from "../../engine/local-tools.ts";
import { TaskFactsReader } from "../../engine/task-facts.ts";
import { assertCleanForSession, headSha, ignoreArchive } from "../../forge/local/index.ts";
import { chooseProposer } from "../../proposer/choose-proposer.ts";
import type { Sandbox } from "../../sandbox/index.ts";
import { committedConfig } from "../committed-config.ts";
import { localGpus } from "../local-gpus.ts";
import { openSandbox } from "../open-sandbox.ts";
import {
  type Env,
  localRunner,
  newSessionName,
  type Overrides,
  openSession,
  readConfig,
} from "../open-session.ts";
import { Progress } from "../progress.ts";
import { sessionConfig } from "../session-config.ts";

export interface RunCommand extends Overrides {
  cwd: string;
  env: Env;
  config?: string;
  session?: string;
  out: { write(text: string): unknown };
  tty: boolean;
  signal: AbortSignal;
  clock?: () => number;
}

/** `autoopt run`: starts a session, or resumes `--session <tag>` exactly where its ledger ends. */
export async function runCommand(
  cmd: RunCommand,
): Promise<{ session: string; dir: string; reason: string }> {
  const clock = cmd.clock ?? Date.now;
  const loaded = await readConfig(cmd.cwd, cmd.env, cmd.config);
  const repo = loaded.repo;
  const name = cmd.session ?? (await newSessionName(repo, new Date(clock())));
  const s = await openSession(repo, name, cmd.env);
  const lock = new SessionLock(s.paths.lock);
  await lock.acquire(process.pid);
  try {
    await ignoreArchive(repo, cmd.env);
    const { events, repaired } = await s.ledger.load();
    const { config, notes } = await sessionConfig({
      session: name,
      events,
      current: loaded.config,
      configPath: loaded.configPath,
      overrides: cmd,
      committedAt: (sha) => committedConfig(s.forge, repo, loaded.configPath, sha),
    });
    const settings = settingsFromConfig(config);
    if (events.length === 0) {
      await assertCleanForSession(repo, [config.program, ...localRequired(config)], cmd.env);
      await s.forge.startSession(await headSha(repo, cmd.env));
      cmd.out.write(
        `autoopt: session ${name} started from ${(await s.forge.ratchetHead()).slice(0, 7)} on branch autoopt/${name}/ratchet\n`,
      );
    } else {
      cmd.out.write(
        `autoopt: resuming session ${name} (${events.length} ledger events${repaired ? ", a torn last line dropped" : ""})\n`,
      );
    }
    for (const note of notes) cmd.out.write(`autoopt: ${note}\n`);
    const sandbox = openSandbox(config, cmd.out);
    const gpus = await localGpus(config, cmd.env, cmd.out);
    const proposer = chooseProposer(config, cmd.env, cmd.out);
    const tools = proposer.kind === "llm" ? new LocalTools(s.paths.dir, s.forge) : undefined;
    const facts = config.mode === "harness" ? new TaskFactsReader(s.paths.dir) : undefined;
    const progress = new Progress({ settings, out: cmd.out, tty: cmd.tty, clock });
    const engine = new Engine(
      {
        session: name,
        settings,
        config,
        forge: s.forge,
        commits: s.forge,
        executor: new LocalExecutor({
          repo,
          session: name,
          paths: s.paths,
          config,
          seed: config.session.seed,
          env: cmd.env,
          runner: localRunner(),
          sandbox,
          gpus,
        }),
        proposer,
        ledger: s.ledger,
        archive: new ArchiveWriter(s.paths),
        editable: config.editable,
        locked: config.locked,
        program: config.program,
        clock,
        signal: cmd.signal,
        onEvent: (event, state) => progress.handle(event, state),
        ...precheckFor(config, repo, cmd.env, sandbox),
        ...(tools ? { toolsFor: (state, files) => tools.for(state, files) } : {}),
        ...(facts ? { taskFacts: () => facts.read() } : {}),
      },
      events,
    );
    try {
      const state = await engine.run();
      cmd.out.write(`autoopt: ledger ${s.paths.ledger}\nautoopt: results ${s.paths.resultsTsv}\n`);
      return { session: name, dir: s.paths.dir, reason: state.stopped ?? "finished" };
    } finally {
      progress.stop();
      tools?.close();
    }
  } finally {
    await lock.release();
  }
}

/** Files a local session reads from the commit, so they must be committed. */
function localRequired(config: Config): string[] {
  return config.editable
    .filter((g) => !/[*?[{]/.test(g))
    .concat(config.locked.filter((g) => !/[*?[{]/.test(g)));
}

/** The LLM proposer's pre-check, run locally on each proposal before it is accepted. */
function precheckFor(config: Config, repo: string, env: Env, sandbox: Sandbox) {
  const command = config.proposer.kind === "llm" ? config.proposer.precheck : undefined;
  if (command === undefined) return {};
  return {
    precheck: (parent: string, files: ReadonlyMap<string, string>) =>
      localPrecheck({ repo, config, command, env, parent, files, sandbox }),
  };
}
