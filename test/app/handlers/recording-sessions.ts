import type { StartCommand } from "../../../src/app/commands/parse-command.ts";
import type {
  IssueRef,
  PromotionClosed,
  RunCompleted,
  SessionService,
} from "../../../src/app/session-service.ts";
import type { Config } from "../../../src/config/index.ts";

export type SessionCall =
  | { method: "start"; at: IssueRef; config: Config; command: StartCommand }
  | { method: "stop" | "status" | "promote"; at: IssueRef }
  | { method: "runCompleted"; event: RunCompleted }
  | { method: "promotionClosed"; event: PromotionClosed }
  | { method: "reconcile"; owner: string; repo: string; installationId: number };

/**
 * A SessionService that records each call and answers with a fixed reply; `hold` makes every
 * call wait until released, `fail` makes it throw, for the paths around the real service.
 */
export class RecordingSessions implements SessionService {
  readonly calls: SessionCall[] = [];
  #gate: Promise<void> = Promise.resolve();
  #failure: Error | undefined;
  #reply: string | undefined;

  /** Calls wait until the returned function is called. */
  hold(): () => void {
    let release = () => {};
    this.#gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    return release;
  }

  fail(error: Error): void {
    this.#failure = error;
  }

  /** Every call answers `reply` instead of naming itself. */
  answerWith(reply: string): void {
    this.#reply = reply;
  }

  start(at: IssueRef, config: Config, command: StartCommand) {
    return this.#answer({ method: "start", at, config, command }, "session started");
  }
  stop(at: IssueRef) {
    return this.#answer({ method: "stop", at }, "session stopping");
  }
  status(at: IssueRef) {
    return this.#answer({ method: "status", at }, "status refreshed");
  }
  promote(at: IssueRef) {
    return this.#answer({ method: "promote", at }, "promotion opened");
  }
  async runCompleted(event: RunCompleted) {
    await this.#answer({ method: "runCompleted", event }, "");
  }
  async promotionClosed(event: PromotionClosed) {
    await this.#answer({ method: "promotionClosed", event }, "");
  }
  async reconcile(owner: string, repo: string, installationId: number) {
    await this.#answer({ method: "reconcile", owner, repo, installationId }, "");
  }

  async #answer(call: SessionCall, reply: string): Promise<string> {
    this.calls.push(call);
    await this.#gate;
    if (this.#failure) throw this.#failure;
    return this.#reply ?? `${reply} (${call.method})`;
  }
}
