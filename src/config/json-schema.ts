import { z } from "zod";
import { Config } from "./config.ts";

/** The JSON Schema of autoopt.yml as a user writes it (durations as text, defaults optional). */
export function configJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(Config, { io: "input", target: "draft-2020-12" }),
    $id: "https://autoopt.dev/schema/autoopt.schema.json",
  };
}
