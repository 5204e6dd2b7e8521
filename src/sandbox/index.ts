export { bwrapArgs, type PathKind, toolRoots } from "./bwrap-args.ts";
export {
  BWRAP_INSTALL,
  type ContainmentChoice,
  createSandbox,
  probeBubblewrap,
  SandboxUnavailable,
} from "./create-sandbox.ts";
export {
  type GroupCommand,
  type GroupOutcome,
  killGroup,
  runInProcessGroup,
} from "./process-group.ts";
export type { Containment, Sandbox, SandboxSpec } from "./sandbox-spec.ts";
