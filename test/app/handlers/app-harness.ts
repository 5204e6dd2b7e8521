import { generateKeyPairSync } from "node:crypto";
import { Probot, ProbotOctokit } from "probot";
import { createApp } from "../../../src/app/app.ts";
import type { AppLog } from "../../../src/app/app-log.ts";
import { WorkQueue } from "../../../src/app/work-queue.ts";
import { RecordingSessions } from "./recording-sessions.ts";

export interface LogLine {
  level: keyof AppLog;
  fields: object;
  message: string;
}

/** An AppLog that keeps every line, so a test can tell a logged refusal from a silent one. */
export class RecordingLog implements AppLog {
  readonly lines: LogLine[] = [];
  debug(fields: object, message: string) {
    this.lines.push({ level: "debug", fields, message });
  }
  info(fields: object, message: string) {
    this.lines.push({ level: "info", fields, message });
  }
  warn(fields: object, message: string) {
    this.lines.push({ level: "warn", fields, message });
  }
  error(fields: object, message: string) {
    this.lines.push({ level: "error", fields, message });
  }
  messages(level: keyof AppLog): string[] {
    return this.lines.filter((l) => l.level === level).map((l) => l.message);
  }
}

// One key for every test: generating an RSA key takes a noticeable moment.
export const { privateKey } = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  publicKeyEncoding: { type: "spki", format: "pem" },
  privateKeyEncoding: { type: "pkcs8", format: "pem" },
});

/**
 * Retries and throttling off. The object form, `ProbotOctokit.defaults({ throttle: { enabled:
 * false } })`, does not take: Probot's own defaults set `throttle` to its rate-limit handlers, and
 * that object replaces ours whole, so every comment would still wait 3 s for the one before.
 * A function runs last and wins.
 */
export const QuietOctokit = ProbotOctokit.defaults((options: object) => ({
  ...options,
  retry: { enabled: false },
  throttle: { enabled: false },
}));

/** The App loaded into a Probot, as Probot's docs test apps. */
export async function appHarness() {
  const sessions = new RecordingSessions();
  const log = new RecordingLog();
  const queue = new WorkQueue(log);
  const probot = new Probot({
    appId: 1,
    privateKey,
    logLevel: "fatal",
    Octokit: QuietOctokit,
  });
  await probot.load(createApp({ sessions, log, queue }));
  let deliveries = 0;
  /**
   * Receives the event as Probot's middleware would, then waits for the background work. The
   * delivery id (X-GitHub-Delivery) counts from `delivery-1` in each harness unless given.
   */
  const deliver = async (name: string, payload: unknown, id?: string) => {
    await receive(name, payload, id);
    await queue.idle();
  };
  const receive = (name: string, payload: unknown, id?: string) => {
    deliveries += 1;
    // Some cases send shapes GitHub's payload types rule out, on purpose: Probot gets it untyped.
    const event = { id: id ?? `delivery-${deliveries}`, name, payload } as Parameters<
      Probot["receive"]
    >[0];
    return probot.receive(event);
  };
  return { probot, sessions, log, queue, deliver, receive };
}
