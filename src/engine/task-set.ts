import type { Action } from "../core/index.ts";

interface Task {
  promise: Promise<void>;
  action: Action;
  /** Set once the task's experiment is recorded in the ledger. */
  experiment?: number;
}

/** The engine's tasks in flight: what the core must count as active, and what it must not re-ask. */
export class TaskSet {
  private readonly tasks = new Map<number, Task>();
  private placeholder = 0;

  get size(): number {
    return this.tasks.size;
  }

  promises(): Promise<void>[] {
    return [...this.tasks.values()].map((t) => t.promise);
  }

  /** Experiments being executed, plus a negative placeholder per task that has no number yet. */
  active(): Set<number> {
    return new Set([...this.tasks].map(([key, t]) => t.experiment ?? key));
  }

  /**
   * The core cannot see a confirmation or re-base that was launched but is not recorded yet, and
   * asks for it again; those repeats are dropped here.
   */
  notYetLaunched(actions: Action[]): Action[] {
    const pending = [...this.tasks.values()].flatMap((t) =>
      t.experiment === undefined ? [signature(t.action)] : [],
    );
    return actions.filter((a) => {
      const i = a.type === "confirm" || a.type === "rebase" ? pending.indexOf(signature(a)) : -1;
      if (i >= 0) pending.splice(i, 1);
      return i < 0;
    });
  }

  /** Starts `work`; its task leaves the set when it settles. Errors go to `onError`. */
  launch(
    action: Action,
    work: (key: number) => Promise<void>,
    onError: (e: unknown) => void,
  ): void {
    const key = --this.placeholder;
    const task: Task = { promise: Promise.resolve(), action };
    if (action.type === "rerun") task.experiment = action.experiment;
    this.tasks.set(key, task);
    task.promise = work(key)
      .catch(onError)
      .finally(() => this.tasks.delete(key));
  }

  /** Records that the task `key` now executes experiment `n`. */
  bind(key: number, n: number): void {
    const task = this.tasks.get(key);
    if (task) task.experiment = n;
  }
}

function signature(action: Action): string {
  return "of" in action ? `${action.type}:${action.of}` : action.type;
}
