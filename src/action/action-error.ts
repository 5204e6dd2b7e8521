/**
 * A misconfiguration that the person who owns the workflow has to fix (a bad input, an
 * autoopt.yml that does not parse, a base commit that does not exist). The job fails with this
 * message, which always says what to change.
 */
export class ActionError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ActionError";
  }
}
