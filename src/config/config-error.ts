/** A configuration problem, phrased for the person who has to fix the file. */
export class ConfigError extends Error {
  readonly file: string;
  readonly problems: readonly string[];

  constructor(file: string, problems: readonly string[], options?: { cause?: unknown }) {
    super(`${file} is not valid:\n${problems.map((p) => `  - ${p}`).join("\n")}`, options);
    this.name = "ConfigError";
    this.file = file;
    this.problems = problems;
  }
}
