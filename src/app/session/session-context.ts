import type { Config } from "../../config/index.ts";
import {
  type LedgerEvent,
  replay,
  type SessionState,
  type Settings,
  settingsFromConfig,
} from "../../core/index.ts";
import { Driver } from "../../engine/driver.ts";
import type { ProposalMaker, RunLauncher } from "../../engine/ports.ts";
import { TaskFactsReader } from "../../engine/task-facts.ts";
import { GitHubForge, LedgerBranch } from "../../forge/github/index.ts";
import type { Proposer } from "../../proposer/index.ts";
import type { ArchiveCache } from "../archive/archive-cache.ts";
import type { SessionArchive } from "../archive/session-archive.ts";
import { GITHUB_COM, type GitHubServer } from "../github-server.ts";
import { AppProposing, type OpenTools } from "./app-proposing.ts";
import { recordedConfig } from "./effective-config.ts";
import { ReportMemory } from "./report-memory.ts";
import { RequestCount } from "./request-count.ts";
import { SessionApi } from "./session-api.ts";
import type { SessionClient } from "./session-client.ts";
import { renderLedgerFiles } from "./session-json.ts";

/** Where sessions say what they did; Probot's `app.log` fits. */
export interface SessionLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/**
 * What a session's driver is given besides its ledger and forge, made for each context (see
 * APP_PARTS): passed in, so that this module imports none of the modules that act on a context.
 */
export interface SessionParts {
  launcher: (ctx: SessionContext) => RunLauncher;
  proposals: (ctx: SessionContext) => ProposalMaker;
  /** The LLM proposer's archive tools for one proposal. */
  tools: (
    ctx: SessionContext,
    archive: SessionArchive,
    state: SessionState,
    files: ReadonlyMap<string, string>,
  ) => Promise<OpenTools | undefined>;
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
  /** The repository's GraphQL node id, from the webhook that made this context. */
  repositoryId?: string;
  parts: SessionParts;
}

/**
 * One session of one repository as this process knows it: the driver over its ledger branch,
 * the clients that act on GitHub, and what the reports remember between jobs. Jobs of a session
 * run one at a time (see SessionQueue), so nothing here is shared between two jobs; another
 * process (a replica) is kept apart by the ledger's compare-and-swap, which the driver re-plans on.
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
  readonly driver: Driver;
  /** What the reports remember between jobs. */
  readonly reports = new ReportMemory();
  /** Events written or noted by this process so far: a job that changed none has nothing to report. */
  changes = 0;
  /** The last sync kept the state this process knew rather than reading the branch. */
  fromCache = false;
  /** A failed job's state was thrown away: the next sync reads the branch. */
  private forgotten = false;
  private readonly ledger: LedgerBranch;
  private readonly proposerFor: (config: Config) => Proposer;
  private readonly tools: SessionParts["tools"];
  private readonly requests = new RequestCount();
  private afterFlush: (() => Promise<void>)[] = [];
  private loaded:
    | { key: string; config: Config; proposing: AppProposing; archive?: SessionArchive }
    | undefined;
  /** This session's folder in the archive cache, whichever proposer it has. */
  private readonly cache: SessionArchive | undefined;

  constructor(o: SessionContextOptions) {
    this.clock = o.clock;
    this.log = o.log;
    this.proposerFor = o.proposerFor;
    this.tools = o.parts.tools;
    const onRequest = () => this.requests.add();
    const common = { octokit: o.octokit, owner: o.owner, repo: o.repo, onRequest };
    this.forge = new GitHubForge({ ...common, session: o.session });
    const id = o.repositoryId === undefined ? {} : { repositoryId: o.repositoryId };
    this.ledger = new LedgerBranch({ ...common, session: o.session, ...id });
    this.api = new SessionApi(common);
    this.owner = o.owner;
    this.repo = o.repo;
    this.session = o.session;
    this.server = o.server ?? GITHUB_COM;
    this.cache = o.archive?.session(o.owner, o.repo, o.session);
    const ledger = this.ledger;
    this.driver = new Driver({
      session: o.session,
      settings: (state) => settingsFromConfig(this.configOf(state)),
      store: {
        load: async () => (await ledger.load()).events,
        append: (events, moves) => ledger.appendIfUnchanged(events, renderLedgerFiles, moves),
        // One updateRefs writes the ledger and moves the step's branches, atomically.
        movesRefs: true,
      },
      forge: this.forge,
      launcher: o.parts.launcher(this),
      proposals: o.parts.proposals(this),
      clock: o.clock,
      signal: new AbortController().signal,
      proposeInline: true,
      // The requests a session took go with its last write (GitHub can count none after a restart).
      onFinishing: (d) => {
        if (d.events.length > 0)
          d.record({ type: "meta", at: this.now(), api_requests: this.apiRequests });
      },
      onWritten: (events) => {
        this.changes += events.length;
        if (events.some((e) => e.type === "finished" && e.decision.outcome === "keep"))
          this.reports.keptNow = true;
      },
    });
  }

  /** The session's state: the ledger branch as of the last sync, with what this process recorded since. */
  get state(): SessionState {
    return this.driver.state;
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

  /** Every event of the session as this process knows it (what the ledger branch held when last read or written). */
  ledgerEvents(): LedgerEvent[] {
    return [...this.ledger.known];
  }

  /** Deletes the session's archive cache (once the session is closed for good). */
  async dropArchive(): Promise<void> {
    await this.cache?.remove();
  }

  /** API requests made for this session: those the ledger recorded, plus this process's since. */
  get apiRequests(): number {
    return this.requests.total;
  }

  /** For a session this process starts: nothing was counted for it before. */
  beginNew(): void {
    if (this.exists) throw new Error(`session ${this.session} exists already`);
    this.requests.startedHere();
  }

  /**
   * Writes what is due, then reloads the state from the ledger branch; with `cached`, keeps the
   * state this process last read or wrote instead, when it has one. That state may lag behind
   * (another replica wrote since) but never holds what the branch does not: a step decided on it
   * loses the ledger's compare-and-swap and is planned again, so only a lookup that finds
   * nothing needs the fresh state (`fromCache` says so).
   */
  async sync(options: { cached?: boolean } = {}): Promise<void> {
    await this.flush();
    this.fromCache = options.cached === true && this.ledger.loaded && !this.forgotten;
    if (this.fromCache) return;
    const state = await this.driver.reload();
    this.forgotten = false;
    this.requests.recorded(state);
  }

  /** The state on the ledger branch now, without touching this context's (for quick replies). */
  async peek(): Promise<SessionState> {
    const { events } = await this.ledger.load();
    return replay([...events, ...this.driver.unwritten]);
  }

  /**
   * Records a fact (not a decision: those are the driver's), written with the next write;
   * `after` runs once it is written.
   */
  record(event: LedgerEvent, after?: () => Promise<void>): void {
    this.driver.note(event, true);
    this.changes++;
    if (after) this.afterFlush.push(after);
  }

  /**
   * Records a fact not worth a write of its own: it goes with the next write. Only for facts
   * GitHub can tell again after a restart (a run found by its run-name, a pull request found by
   * its branch), so losing one to a crash loses nothing.
   */
  defer(event: LedgerEvent): void {
    this.driver.note(event);
    this.changes++;
  }

  /** Writes what was recorded (one commit), then runs the effects waiting on it. */
  async flush(): Promise<void> {
    await this.driver.flush();
    const effects = this.afterFlush;
    this.afterFlush = [];
    for (const effect of effects) await effect();
  }

  /** Forgets what a failed job recorded but never wrote; the next job starts from the ledger. */
  discard(): void {
    this.driver.forget();
    this.forgotten = true;
    this.afterFlush = [];
    this.reports.keptNow = false;
    this.reports.promotionStale = false;
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
    // The leakage guard reads the task set from the traces of the runs cached so far.
    const facts = new TaskFactsReader(archive?.dir ?? "");
    const proposing = new AppProposing({
      forge,
      proposer,
      config,
      settings: settingsFromConfig(config),
      ...(archive
        ? {
            toolsFor: (state, files) => this.tools(this, archive, state, files),
            cachedDiff: (n) => archive.readDiff(n),
            ...(config.mode === "harness" ? { taskFacts: () => facts.read() } : {}),
          }
        : {}),
    });
    this.loaded = { key, config, proposing, ...(archive ? { archive } : {}) };
    return this.loaded;
  }
}
