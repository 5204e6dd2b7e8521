import { writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { SessionState } from "../../core/index.ts";
import { renderFrontierSvg } from "../../report/frontier-chart.ts";
import { type ChartPoint, renderProgressSvg, svgToPng } from "../../report/progress-chart.ts";
import { loadSession } from "../load-session.ts";
import type { Env } from "../open-session.ts";

/**
 * `autoopt report`: the progress chart of a session, as SVG and PNG; with several objectives,
 * the Pareto frontier chart too (`<out>-frontier`, or `frontier` beside `progress`).
 */
export async function reportCommand(cmd: {
  cwd: string;
  env: Env;
  out: { write(t: string): unknown };
  session?: string;
  outFile?: string;
}): Promise<{ svg: string; png: string; frontier?: { svg: string; png: string } }> {
  const { paths, state } = await loadSession(cmd.cwd, cmd.env, cmd.session);
  const base = cmd.outFile ? resolve(cmd.cwd, cmd.outFile) : `${paths.dir}/progress`;
  const svg = await renderProgressSvg(chartPoints(state), {
    metric: state.metric.name,
    goal: state.metric.goal,
  });
  await writeFile(`${base}.svg`, svg);
  await writeFile(`${base}.png`, svgToPng(svg));
  cmd.out.write(`autoopt: chart ${base}.svg\nautoopt: chart ${base}.png\n`);
  const written = { svg: `${base}.svg`, png: `${base}.png` };
  if (state.objectives.length < 2) return written;
  const frontierBase = cmd.outFile ? `${base}-frontier` : `${paths.dir}/frontier`;
  const frontierSvg = await renderFrontierSvg(state);
  await writeFile(`${frontierBase}.svg`, frontierSvg);
  await writeFile(`${frontierBase}.png`, svgToPng(frontierSvg));
  cmd.out.write(`autoopt: chart ${frontierBase}.svg\nautoopt: chart ${frontierBase}.png\n`);
  return { ...written, frontier: { svg: `${frontierBase}.svg`, png: `${frontierBase}.png` } };
}

/** One point per judged commit (baselines folded into one, confirmation runs left out). */
export function chartPoints(state: SessionState): ChartPoint[] {
  const points: ChartPoint[] = [];
  let index = 0;
  for (const e of state.experiments) {
    if (!e?.outcome || e.kind === "confirm") continue;
    if (e.kind === "baseline" && points.some((p) => p.status === "baseline")) continue;
    const value =
      e.kind === "baseline"
        ? state.baselineValues.length
          ? state.baselineValues.reduce((a, b) => a + b, 0) / state.baselineValues.length
          : null
        : e.outcome === "crash"
          ? null
          : (e.decision?.value ?? null);
    points.push({
      index: index++,
      value,
      status: e.kind === "baseline" ? "baseline" : e.outcome === "baseline" ? "keep" : e.outcome,
      description: e.kind === "baseline" ? "baseline" : e.description,
    });
  }
  return points;
}
