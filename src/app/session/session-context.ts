import type { Config } from "../../config/index.ts";
import {
  applyEvent,
  emptyState,
  experiment,
  type LedgerEvent,
  replay,
  type SessionState,
  type Settings,
  settingsFromConfig,
} from "../../core/index.ts";
import { GitHubForge, LedgerBranch } from "../../forge/github/index.ts";
import type { Proposer } from "../../proposer/index.ts";
import type { ArchiveCache } from "../archive/archive-cache.ts";
import type { SessionArchive } from "../archive/session-archive.ts";
import { GITHUB_COM, type GitHubServer } from "../github-server.ts";
import { AppProposing } from "./app-proposing.ts";
import { recordedConfig } from "./effective-config.ts";
import { openProposalTools } from "./proposal-tools.ts";
import { SessionApi } from "./session-api.ts";
import type { SessionClient } from "./session-client.ts";
import { apiRequests, renderLedgerFiles } from "./session-json.ts";

/** Where sessions say what they did; Probot's `app.log` fits. */
export interface SessionLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface SessionContextOptions {
  octokit: SessionClient;
  owner: string;
  repo: string;
  session: string;
  proposerFor: (config: Config) => Proposer;
  clock: () => number;
  log: SessionLog;
  /** Where session archives are cached for the LLM proposer's tools; none without. */
  archive?: ArchiveCache;
  /** The server its links point at; github.com without. */
  server?: GitHubServer;
}

/**
 * One session of one repository as this process knows it: its state replayed from the ledger
 * branch, the events recorded but not yet written, and the clients that act on GitHub. Jobs of a
 * session run one at a time (see SessionQueue), so nothing here is shared between two jobs.
 */
export class SessionContext {
  readonly owner: string;
  readonly repo: string;
  readonly session: string;
  readonly forge: GitHubForge;
  readonly api: SessionApi;
  readonly clock: () => number;
  readonly log: SessionLog;
  readonly server: GitHubServer;
  state: SessionState = emptyState();
  /** A change was kept during the current job: the promotion PR is refreshed at its end. */
  keptNow = false;
  /** The promotion's evidence changed otherwise (held-out runs): refreshed at the job's end too. */
  promotionStale = false;
  /** The last status comment body written, so that an unchanged one is not sent again. */
  lastStatus: string | undefined;
  /** The last failure reported on the issue, so that a repeating one is not posted again. */
  lastFailure: string | undefined;
  /** Events recorded by this process so far: a job that recorded none has nothing to report. */
  changes = 0;
  private readonly ledger: LedgerBranch;
  private readonly proposerFor: (config: Config) => Proposer;
  private made = 0;
  private recordedBefore: number | undefined;
  private pending: LedgerEvent[] = [];
  private deferred: LedgerEvent[] = [];
  private afterFlush: (() => Promise<void>)[] = [];
  private loaded:
    | { key: string; config: Config; proposing: AppProposing; archive?: SessionArchive }
    | undefined;
  /** This session's folder in the archive cache, whichever proposer it has. */
  private readonly cache: SessionArchive | undefined;
  /** The events on the ledger branch as of the last sync, plus those this process wrote since. */
  private written: LedgerEvent[] = [];

  constructor(o: SessionContextOptions) {
    this.clock = o.clock;
    this.log = o.log;
    this.proposerFor = o.proposerFor;
    const onRequest = () => {
      this.made++;
    };
    const common = { octokit: o.octokit, owner: o.owner, repo: o.repo, onRequest };
    this.forge = new GitHubForge({ ...common, session: o.session });
    this.ledger = new LedgerBranch({ ...common, session: o.session });
    this.api = new SessionApi(common);
    this.owner = o.owner;
    this.repo = o.repo;
    this.session = o.session;
    this.server = o.server ?? GITHUB_COM;
    this.cache = o.archive?.session(o.owner, o.repo, o.session);
  }

  /** The session has a ledger: it was started (by anyone). */
  get exists(): boolean {
    return this.state.session !== "";
  }

  get config(): Config {
    return this.prepared().config;
  }

  /** The config a state (e.g. one from `peek`) records. */
  configOf(state: SessionState): Config {
    return recordedConfig(state.meta.config, this.session);
  }

  get settings(): Settings {
    return settingsFromConfig(this.config);
  }

  get proposing(): AppProposing {
    return this.prepared().proposing;
  }

  /**
   * The session's archive cache, kept only for a proposer that reads it (the LLM one): where
   * proposals and run artifacts are written for its tools.
   */
  get archive(): SessionArchive | undefined {
    return this.prepared().archive;
  }

  /** Every event of the session as this process knows it, written or not. */
  ledgerEvents(): LedgerEvent[] {
    return [...this.written, ...this.deferred, ...this.pending];
  }

  /** Deletes the session's archive cache (once the session is closed for good). */
  async dropArchive(): Promise<void> {
    await this.cache?.remove();
  }

  /** API requests made for this session: those the ledger recorded, plus this process's since. */
  get apiRequests(): number {
    return (this.recordedBefore ?? 0) + this.made;
  }

  /** Events recorded and not written yet. */
  get hasPending(): boolean {
    return this.pending.length > 0;
  }

  /** For a session this process starts: nothing was counted for it before. */
  beginNew(): void {
    if (this.exists) throw new Error(`session ${this.session} exists already`);
    this.recordedBefore = 0;
  }

  /** Writes what is pending, then reloads the state from the ledger branch. */
  async sync(): Promise<void> {
    await this.flush();
    const { events } = await this.ledger.load();
    let state = replay(events);
    this.written = [...events];
    this.recordedBefore ??= apiRequests(state) ?? 0;
    this.deferred = this.deferred.filter((e) => stillNews(state, e));
    for (const event of this.deferred) state = applyEvent(state, event);
    this.state = state;
  }

  /** The state on the ledger branch now, without touching this context's (for quick replies). */
  async peek(): Promise<SessionState> {
    const { events } = await this.ledger.load();
    return replay([...events, ...this.deferred]);
  }

  /** Records an event, written with the next flush; `after` runs once it is written. */
  record(event: LedgerEvent, after?: () => Promise<void>): void {
    this.pending.push(event);
    this.state = applyEvent(this.state, event);
    this.changes++;
    if (after) this.afterFlush.push(after);
  }

  /**
   * Records an event not worth a write of its own: it goes with the next write. Only for facts
   * GitHub can tell again after a restart (a run found by its run-name, a pull request found by
   * its branch), so losing one to a crash loses nothing.
   */
  defer(event: LedgerEvent): void {
    this.deferred.push(event);
    this.state = applyEvent(this.state, event);
    this.changes++;
  }

  /** Appends what was recorded to the ledger branch (one commit), then runs the effects waiting on it. */
  async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    await this.ledger.append([...this.deferred, ...this.pending], renderLedgerFiles);
    this.written.push(...this.deferred, ...this.pending);
    this.deferred = [];
    this.pending = [];
    const effects = this.afterFlush;
    this.afterFlush = [];
    for (const effect of effects) await effect();
  }

  /** Forgets what a failed job recorded but never wrote; the next job starts from the ledger. */
  discard(): void {
    this.state = emptyState();
    this.pending = [];
    this.afterFlush = [];
    this.keptNow = false;
    this.promotionStale = false;
  }

  /** Experiments running on GitHub (or about to be): none of them is started again. */
  running(): Set<number> {
    return new Set(this.state.experiments.filter((e) => e?.phase === "running").map((e) => e.id));
  }

  now(): string {
    return new Date(this.clock()).toISOString();
  }

  private prepared(): NonNullable<SessionContext["loaded"]> {
    const raw = this.state.meta.config;
    const key = JSON.stringify(raw) ?? "";
    if (this.loaded?.key === key) return this.loaded;
    const config = recordedConfig(raw, this.session);
    const proposer = this.proposerFor(config);
    const forge = this.forge;
    const archive = proposer.kind === "llm" ? this.cache : undefined;
    const proposing = new AppProposing({
      forge,
      proposer,
      config,
      settings: settingsFromConfig(config),
      ...(archive
        ? {
            toolsFor: (state, files) => openProposalTools(this, archive, state, files),
            cachedDiff: (n) => archive.readDiff(n),
          }
        : {}),
    });
    this.loaded = { key, config, proposing, ...(archive ? { archive } : {}) };
    return this.loaded;
  }
}

/** A deferred event the ledger does not know yet. */
function stillNews(state: SessionState, event: LedgerEvent): boolean {
  if (event.type !== "dispatched") return true;
  const x = experiment(state, event.experiment);
  return x?.phase === "running" && x.dispatch === undefined;
}
