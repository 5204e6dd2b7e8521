import type { Config } from "../config/index.ts";
import type { Result } from "../core/result.ts";

/** The action's outputs, as action.yml names them. */
export interface ActionOutputs {
  status: Result["status"];
  /** The primary metric's value, or "" when the run reported none. */
  metric: string;
  "artifact-name": string;
  "artifact-id": string;
}

export function actionOutputs(
  result: Result,
  config: Config,
  artifact: { name: string; id: number },
): ActionOutputs {
  const value = result.metrics[config.metric.name];
  return {
    status: result.status,
    metric: value === undefined ? "" : String(value),
    "artifact-name": artifact.name,
    "artifact-id": String(artifact.id),
  };
}
