import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type HeldoutReport, runHeldout } from "../../engine/heldout-run.ts";
import { type Heldout, heldoutSection } from "../../report/heldout-section.ts";
import { renderPromotionBody } from "../../report/promotion-body.ts";
import { committedConfig } from "../committed-config.ts";
import { loadSession } from "../load-session.ts";
import { openSandbox } from "../open-sandbox.ts";
import { type Env, localRunner, openSession, readConfig } from "../open-session.ts";
import { sessionConfig } from "../session-config.ts";

/**
 * `autoopt report --heldout`: evaluates the baseline and the best commit on the held-out split,
 * then writes the promotion text a reviewer would read, with both splits side by side, to
 * `.autoopt/<session>/promotion.md`. A failed held-out run is shown as failed, never left out.
 */
export async function heldoutCommand(cmd: {
  cwd: string;
  env: Env;
  out: { write(t: string): unknown };
  session?: string;
  config?: string;
  signal?: AbortSignal;
}): Promise<{ report: HeldoutReport; promotion: string }> {
  const { repo, name, paths, state } = await loadSession(cmd.cwd, cmd.env, cmd.session);
  const loaded = await readConfig(cmd.cwd, cmd.env, cmd.config);
  // The held-out command, locked files and data come from what the session recorded, never
  // from an autoopt.yml that a run could have rewritten since.
  const opened = await openSession(repo, name, cmd.env);
  const { config } = await sessionConfig({
    session: name,
    events: (await opened.ledger.load()).events,
    current: loaded.config,
    configPath: loaded.configPath,
    overrides: {},
    committedAt: (sha) => committedConfig(opened.forge, repo, loaded.configPath, sha),
  });
  cmd.out.write(`autoopt: evaluating the baseline and the best commit on the held-out split\n`);
  const report = await runHeldout({
    repo,
    session: name,
    paths,
    config,
    state,
    env: cmd.env,
    runner: localRunner(),
    sandbox: openSandbox(config, cmd.out),
    ...(cmd.signal ? { signal: cmd.signal } : {}),
  });
  const heldout = asHeldout(report);
  const body = renderPromotionBody({ session: name, state, baseBranch: "main", heldout });
  const promotion = join(paths.dir, "promotion.md");
  await writeFile(promotion, `${body}\n`);
  cmd.out.write(
    `${heldoutSection(heldout, state.metric.name)}\n\nautoopt: promotion ${promotion}\n`,
  );
  return { report, promotion };
}

/** The report as the promotion's held-out section takes it: both commits, or the first failure. */
export function asHeldout(report: HeldoutReport): Heldout {
  const failed = [report.best, report.baseline].find((s) => s.heldout === undefined);
  if (failed) {
    const which = failed === report.best ? "the best commit" : "the baseline";
    return {
      error: `held-out run of ${which} (${failed.sha.slice(0, 7)}) failed: ${failed.error ?? "no metrics"}`,
    };
  }
  return {
    search: report.best.search,
    heldout: report.best.heldout ?? {},
    baseline: { search: report.baseline.search, heldout: report.baseline.heldout ?? {} },
  };
}
