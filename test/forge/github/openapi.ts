import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { type ZodType, z } from "zod";
import type { JSONSchema } from "zod/v4/core";

/**
 * GitHub's official OpenAPI description (@octokit/openapi), the source of every mock's shape:
 * response bodies start from its `components.examples`, and both the requests autoopt sends and
 * the responses the mocks give are checked against its schemas.
 */
const file = createRequire(import.meta.url).resolve(
  "@octokit/openapi/generated/api.github.com.json",
);
// zod's converter resolves `#/definitions/…` only, so component refs are pointed there.
const spec: unknown = JSON.parse(
  readFileSync(file, "utf8").replaceAll('"#/components/schemas/', '"#/definitions/'),
);
const definitions = at(spec, "components", "schemas");

export type Method = "get" | "post" | "patch" | "delete";

/** A deep copy of `components.examples[name].value`. */
export function example(name: string): Record<string, unknown> {
  return object(structuredClone(at(spec, "components", "examples", name, "value")), name);
}

/** Throws unless `body` is what `method path` may answer with `status`, per the description. */
export function checkResponse(method: Method, path: string, status: number, body: unknown): void {
  const content = responseContent(method, path, status);
  if (typeof body === "string") {
    if (!Object.keys(content ?? {}).some((type) => type.startsWith("application/vnd.github.")))
      throw new Error(
        `${method} ${path} → ${status} has no text media type in GitHub's description`,
      );
    return;
  }
  const schema =
    content === undefined ? ref("basic-error") : at(content, "application/json", "schema");
  check(convert(schema, false), body, `response of ${method} ${path} → ${status}`);
}

/** Throws unless `body` is a request body `method path` accepts, with no field it does not define. */
export function checkRequest(method: Method, path: string, body: unknown): void {
  const schema = at(
    operation(method, path),
    "requestBody",
    "content",
    "application/json",
    "schema",
  );
  check(convert(schema, true), body, `request body of ${method} ${path}`);
}

/** Throws unless GitHub's description defines `method path`. */
export function operation(method: Method, path: string): unknown {
  return at(spec, "paths", path, method);
}

function responseContent(method: Method, path: string, status: number): unknown {
  let response = field(at(operation(method, path), "responses"), String(status));
  if (response === undefined)
    throw new Error(`GitHub's OpenAPI description gives ${method} ${path} no ${status} response`);
  const target = field(response, "$ref");
  if (typeof target === "string") response = at(spec, ...target.replace("#/", "").split("/"));
  return field(response, "content");
}

const converted = new Map<unknown, ZodType>();

function convert(schema: unknown, strict: boolean): ZodType {
  const hit = converted.get(schema);
  if (hit !== undefined) return hit;
  const root = { ...object(strict ? closed(schema) : schema, "schema"), definitions };
  if (!isSchema(root)) throw new Error("not a JSON Schema");
  const made = z.fromJSONSchema(root, { defaultTarget: "openapi-3.0" });
  converted.set(schema, made);
  return made;
}

function check(schema: ZodType, value: unknown, what: string): void {
  const parsed = schema.safeParse(value);
  if (!parsed.success)
    throw new Error(
      `${what} does not match GitHub's OpenAPI description: ${z.prettifyError(parsed.error)}`,
    );
}

/** The schema with `additionalProperties: false` on its inline objects: an unknown field fails. */
function closed(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closed);
  if (typeof schema !== "object" || schema === null) return schema;
  const copy = Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, closed(v)]));
  if ("properties" in copy && !("additionalProperties" in copy)) copy.additionalProperties = false;
  return copy;
}

/** The description is JSON Schema (OpenAPI 3.0 dialect) throughout; zod checks the rest. */
function isSchema(value: unknown): value is JSONSchema.JSONSchema {
  return typeof value === "object" && value !== null;
}

function ref(name: string): unknown {
  return { $ref: `#/definitions/${name}` };
}

function at(value: unknown, ...keys: string[]): unknown {
  let here = value;
  for (const key of keys) {
    here = field(here, key);
    if (here === undefined)
      throw new Error(`GitHub's OpenAPI description has no ${keys.join(" › ")}`);
  }
  return here;
}

function field(value: unknown, key: string): unknown {
  return typeof value === "object" && value !== null ? Reflect.get(value, key) : undefined;
}

export function object(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new Error(`${what} is not an object`);
  return { ...value };
}

/** The first element of an example's array, as an object. */
export function first(value: unknown, what: string): Record<string, unknown> {
  if (!Array.isArray(value)) throw new Error(`${what} is not an array`);
  return object(value[0], `${what}[0]`);
}
