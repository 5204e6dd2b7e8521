import type { Config } from "../../config/index.ts";
import { formatDuration } from "../../config/index.ts";
import { candidatesProposed, mean, type SessionState } from "../../core/index.ts";
import { escapeMarkdown } from "../../report/escape-markdown.ts";
import { formatValue } from "../../report/format-number.ts";

/** The replies to commands, in markdown. `link` is the status comment's URL, when known. */

export const NO_SESSION =
  "There is no autoopt session on this issue yet; start one with `/autoopt start`.";

export function startedReply(
  session: string,
  config: Config,
  from: { branch: string; sha: string },
  link: string | undefined,
): string {
  const { session: s, run } = config;
  const limits = `up to ${s.max_experiments} experiments, ${s.parallel} at a time, ${formatDuration(run.budget)} each`;
  return `Started autoopt session \`${session}\` from \`${from.branch}\` at ${from.sha.slice(0, 7)} (${limits}). The baseline runs first.${see(link)}`;
}

export function stoppedAtOnceReply(session: string, reason: string, link?: string): string {
  return `Session \`${session}\` stopped as it started: ${escapeMarkdown(reason, 600)}.${see(link)}`;
}

export function alreadyRunningReply(session: string, link: string | undefined): string {
  return `Session \`${session}\` is still running on this issue, so no second one starts. Stop it with \`/autoopt stop\` first, or wait for it to finish.${see(link)}`;
}

export function stoppingReply(state: SessionState, session: string, link?: string): string {
  if (state.stopped !== undefined)
    return `Session \`${session}\` is already stopped: ${escapeMarkdown(state.stopped, 300)}.${see(link)}`;
  const inFlight = state.experiments
    .filter((e) => e?.phase === "running")
    .map((e) => `exp-${e.id}`);
  const rest =
    inFlight.length === 0
      ? ""
      : `; ${inFlight.join(", ")} ${inFlight.length === 1 ? "is" : "are"} still running and will be recorded`;
  return `Stopping session \`${session}\`: no new experiment starts${rest}.${see(link)}`;
}

export function statusReply(
  state: SessionState,
  session: string,
  max: number,
  link?: string,
): string {
  const kept = state.experiments.filter((e) => e?.outcome === "keep").length;
  const where =
    state.stopped === undefined ? "is running" : `stopped (${escapeMarkdown(state.stopped, 200)})`;
  const baseline = state.baselineValues.length > 0 ? mean(state.baselineValues) : undefined;
  const metric = escapeMarkdown(state.metric.name);
  const score =
    baseline === undefined
      ? "the baseline is not measured yet"
      : `best ${metric} ${formatValue(state.best)} (baseline ${formatValue(baseline)})`;
  const count = `${candidatesProposed(state)} of ${max} experiments, ${kept} kept`;
  return `Session \`${session}\` ${where}: ${count}; ${score}.${see(link)}`;
}

export function promoteReply(
  session: string,
  kept: boolean,
  pr: string | undefined,
  link?: string,
  heldout = false,
): string {
  if (!kept)
    return `Nothing to promote in session \`${session}\` yet: no change has beaten the baseline beyond the noise gate.`;
  const split = heldout
    ? " The baseline and the best commit are evaluated on the held-out split too (once per commit); the pull request shows the results when the runs report."
    : "";
  if (pr !== undefined)
    return `Refreshing the promotion pull request ${pr} with the latest evidence.${split}`;
  return `Opening the promotion pull request for session \`${session}\`; the status comment links it once it is open.${split}${see(link)}`;
}

function see(link: string | undefined): string {
  return link === undefined ? "" : ` Status: ${link}`;
}
