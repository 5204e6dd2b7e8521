import { existsSync, readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { configJsonSchema, loadConfig } from "../../src/config/index.ts";

const SHIPPED = new URL("../../schema/autoopt.schema.json", import.meta.url);
const EXAMPLES = new URL("../../examples/", import.meta.url);
const TINY_LM = new URL("tiny-lm/autoopt.yml", EXAMPLES);

describe("the shipped JSON Schema", () => {
  it("is what the zod schema generates", () => {
    const shipped: unknown = JSON.parse(readFileSync(SHIPPED, "utf8"));
    expect(
      shipped,
      "schema/autoopt.schema.json is out of date with src/config/config.ts; run `npm run schema` and commit the result",
    ).toEqual(configJsonSchema());
  });

  it("describes the file as a user writes it", () => {
    const schema = configJsonSchema();
    expect(schema.$id).toBe("https://autoopt.dev/schema/autoopt.schema.json");
    expect(schema.title).toBe("autoopt.yml");
    expect(schema.required).toEqual(
      expect.arrayContaining(["version", "editable", "run", "metric"]),
    );
    expect(schema.additionalProperties).toBe(false);
    const properties = schema.properties as Record<string, Record<string, unknown>>;
    expect(Object.keys(properties)).toEqual(
      expect.arrayContaining(["version", "mode", "run", "metric", "proposer", "session"]),
    );
    // Durations are written as text or seconds, not as the number they parse to.
    const run = properties.run as { properties: Record<string, { type?: unknown }> };
    expect(run.properties.budget?.type).toEqual(["string", "number"]);
  });
});

describe("the example configurations", () => {
  // Another part of the project writes examples/tiny-lm; until it lands there is nothing to check.
  it.skipIf(!existsSync(TINY_LM))(
    "examples/tiny-lm/autoopt.yml loads (skipped while absent)",
    () => {
      const config = loadConfig(readFileSync(TINY_LM, "utf8"), "examples/tiny-lm/autoopt.yml");
      expect(config.version).toBe(1);
      expect(config.editable.length).toBeGreaterThan(0);
    },
  );

  const others = existsSync(EXAMPLES)
    ? readdirSync(EXAMPLES, { withFileTypes: true })
        .filter((d) => d.isDirectory() && existsSync(new URL(`${d.name}/autoopt.yml`, EXAMPLES)))
        .map((d) => d.name)
    : [];
  it.each(others)("examples/%s/autoopt.yml loads", (name) => {
    const file = new URL(`${name}/autoopt.yml`, EXAMPLES);
    expect(() =>
      loadConfig(readFileSync(file, "utf8"), `examples/${name}/autoopt.yml`),
    ).not.toThrow();
  });
});
