import { existsSync } from "node:fs";
import { mkdir, readdir, readFile } from "node:fs/promises";
import { hostname, platform, release } from "node:os";
import { join } from "node:path";
import { type Config, ConfigError, loadConfig } from "../config/index.ts";
import type { RunnerIdentity } from "../core/index.ts";
import { LedgerFile, type SessionPaths, sessionPaths } from "../engine/index.ts";
import { LocalForge, repoRoot } from "../forge/local/index.ts";

export type Env = Readonly<Record<string, string | undefined>>;

export interface Overrides {
  budget?: number;
  maxExperiments?: number;
  parallel?: number;
  maxHours?: number;
}

/** Finds the repository and reads its autoopt.yml; a missing file says how to make one. */
export async function readConfig(
  cwd: string,
  env: Env,
  file?: string,
): Promise<{ repo: string; config: Config; configPath: string }> {
  const repo = await repoRoot(cwd, env);
  const configPath = file ? join(cwd, file) : join(repo, "autoopt.yml");
  let text: string;
  try {
    text = await readFile(configPath, "utf8");
  } catch (error) {
    throw new ConfigError(configPath, [`cannot read the file; run \`autoopt init\` to write one`], {
      cause: error,
    });
  }
  return { repo, config: loadConfig(text, configPath), configPath };
}

export function applyOverrides(config: Config, o: Overrides): Config {
  return {
    ...config,
    run: { ...config.run, ...(o.budget === undefined ? {} : { budget: o.budget }) },
    session: {
      ...config.session,
      ...(o.maxExperiments === undefined ? {} : { max_experiments: o.maxExperiments }),
      ...(o.parallel === undefined ? {} : { parallel: o.parallel }),
      ...(o.maxHours === undefined ? {} : { max_hours: o.maxHours }),
    },
  };
}

/** A new session's tag in autoresearch's style: the date (`nov27`), with a suffix when taken. */
export async function newSessionName(repo: string, now: Date): Promise<string> {
  const month = now.toLocaleString("en-US", { month: "short", timeZone: "UTC" }).toLowerCase();
  const tag = `${month}${now.getUTCDate()}`;
  const taken = new Set(await listSessions(repo));
  if (!taken.has(tag)) return tag;
  for (let i = 2; ; i++) if (!taken.has(`${tag}-${i}`)) return `${tag}-${i}`;
}

export async function listSessions(repo: string): Promise<string[]> {
  const dir = join(repo, ".autoopt");
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isDirectory() && existsSync(join(dir, e.name, "ledger.jsonl")))
    .map((e) => e.name);
}

export interface OpenedSession {
  repo: string;
  session: string;
  paths: SessionPaths;
  forge: LocalForge;
  ledger: LedgerFile;
}

/** A session's folder, branches and ledger; its config comes from the ledger (session-config.ts). */
export async function openSession(repo: string, session: string, env: Env): Promise<OpenedSession> {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(session)) {
    throw new Error(`"${session}" is not a usable session name; use letters, digits, ., _ or -`);
  }
  const paths = sessionPaths(repo, session);
  await mkdir(paths.dir, { recursive: true });
  return {
    repo,
    session,
    paths,
    forge: new LocalForge({ repo, session, env }),
    ledger: new LedgerFile(paths.ledger),
  };
}

export function localRunner(): RunnerIdentity {
  return { name: hostname(), os: `${platform()} ${release()}`, labels: ["local"] };
}
