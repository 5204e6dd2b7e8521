import * as core from "@actions/core";

/** What the action says to the runner: log lines, annotations, outputs and the job summary. */
export interface ActionIO {
  info(message: string): void;
  notice(message: string): void;
  warning(message: string): void;
  setOutput(name: string, value: string): void;
  /** Masks a value in every later log line. */
  setSecret(value: string): void;
  appendSummary(markdown: string): Promise<void>;
}

/** The real thing, through @actions/core (which writes GITHUB_OUTPUT and GITHUB_STEP_SUMMARY). */
export function coreIO(): ActionIO {
  return {
    info: (message) => core.info(message),
    notice: (message) => core.notice(message),
    warning: (message) => core.warning(message),
    setOutput: (name, value) => core.setOutput(name, value),
    setSecret: (value) => core.setSecret(value),
    appendSummary: async (markdown) => {
      await core.summary.addRaw(markdown).write();
    },
  };
}
