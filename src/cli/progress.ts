import cliProgress from "cli-progress";
import { formatDuration } from "../config/index.ts";
import { activeMs, candidatesProposed, type SessionState, type Settings } from "../core/index.ts";
import type { EngineEvent } from "../engine/index.ts";

interface Out {
  write(text: string): unknown;
}

/** Live progress: bars on a terminal, one plain line per event otherwise (CI logs, pipes). */
export class Progress {
  private readonly settings: Settings;
  private readonly out: Out;
  private readonly tty: boolean;
  private readonly clock: () => number;
  private multibar?: cliProgress.MultiBar;
  private session?: cliProgress.SingleBar;
  private readonly bars = new Map<number, { bar: cliProgress.SingleBar; startedAt: number }>();
  private timer?: NodeJS.Timeout;
  private state?: SessionState;

  constructor(options: { settings: Settings; out: Out; tty: boolean; clock: () => number }) {
    this.settings = options.settings;
    this.out = options.out;
    this.tty = options.tty;
    this.clock = options.clock;
  }

  handle(event: EngineEvent, state: SessionState): void {
    this.state = state;
    if (this.tty) this.ensureBars();
    switch (event.type) {
      case "experiment-started":
        if (this.multibar) {
          const bar = this.multibar.create(this.settings.budget_s, 0, {
            label: `exp-${event.experiment}`,
            desc: event.description.slice(0, 48),
          });
          this.bars.set(event.experiment, { bar, startedAt: event.startedAt });
        } else this.line(`exp-${event.experiment} started (${event.kind}): ${event.description}`);
        break;
      case "experiment-running": {
        const b = this.bars.get(event.experiment);
        if (b) b.startedAt = event.startedAt;
        break;
      }
      case "experiment-finished":
        this.finishBar(event.experiment);
        this.line(describeFinish(event, state));
        break;
      case "session-finished":
        this.stop();
        this.line(`session ${state.session} finished: ${event.reason}`);
        break;
      case "proposal-failed":
        this.line(`proposal failed: ${event.reason}`);
        break;
      case "proposing":
        break;
    }
    this.refresh();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.multibar?.stop();
    this.multibar = undefined;
  }

  private ensureBars(): void {
    if (this.multibar) return;
    this.multibar = new cliProgress.MultiBar(
      {
        format: " {label} {bar} {value}/{total}s  {desc}",
        barsize: 24,
        hideCursor: true,
        clearOnComplete: false,
        stopOnComplete: false,
        autopadding: true,
      },
      cliProgress.Presets.shades_grey,
    );
    this.session = this.multibar.create(
      this.settings.max_experiments,
      0,
      { label: "session", desc: "" },
      {
        format: " {label} {bar} {value}/{total} experiments  {desc}",
      },
    );
    this.timer = setInterval(() => this.refresh(), 500);
    this.timer.unref();
  }

  private refresh(): void {
    if (!this.multibar || !this.state) return;
    const now = this.clock();
    for (const { bar, startedAt } of this.bars.values()) {
      bar.update(Math.min(this.settings.budget_s, Math.round((now - startedAt) / 1000)));
    }
    this.session?.update(candidatesProposed(this.state), {
      desc: summary(this.state, this.settings, now),
    });
  }

  private finishBar(n: number): void {
    const b = this.bars.get(n);
    if (!b || !this.multibar) return;
    this.multibar.remove(b.bar);
    this.bars.delete(n);
  }

  private line(text: string): void {
    const stamped = `[${new Date(this.clock()).toISOString().slice(11, 19)}] ${text}\n`;
    if (this.multibar) {
      this.multibar.log(stamped);
      // log() only buffers until the next redraw; draw now so no line is lost at stop().
      this.multibar.update();
    } else this.out.write(stamped);
  }
}

/** best so far, kept count and ETA, for the session line. */
export function summary(state: SessionState, settings: Settings, now: number): string {
  const kept = state.experiments.filter((e) => e?.outcome === "keep").length;
  const best = state.best === undefined ? "—" : state.best.toFixed(6);
  return `best ${settings.metric.name} ${best} | kept ${kept} | ETA ${eta(state, settings, now)}`;
}

function eta(state: SessionState, settings: Settings, now: number): string {
  const walls = state.experiments.flatMap((e) => (e?.run ? [e.run.wall_s] : []));
  const perRun =
    walls.length > 0 ? walls.reduce((a, b) => a + b, 0) / walls.length : settings.budget_s;
  const remaining = Math.max(0, settings.max_experiments - candidatesProposed(state)) + 1;
  const byCount = (remaining * perRun) / settings.parallel;
  const byTime = settings.max_hours * 3600 - activeMs(state, now) / 1000;
  return formatDuration(Math.max(0, Math.min(byCount, byTime)));
}

function describeFinish(
  event: Extract<EngineEvent, { type: "experiment-finished" }>,
  state: SessionState,
): string {
  const d = event.decision;
  const value = d.value === undefined ? "" : ` ${state.metric.name} ${d.value.toFixed(6)}`;
  const delta = d.delta === undefined ? "" : ` (Δ ${d.delta >= 0 ? "+" : ""}${d.delta.toFixed(6)})`;
  const best = state.best === undefined ? "" : `, best ${state.best.toFixed(6)}`;
  return `exp-${event.experiment} ${d.outcome}${value}${delta}${best} — ${d.reason} [${event.run.wall_s.toFixed(1)}s]`;
}
