// Writes schema/autoopt.schema.json from the zod schema (test/config/json-schema.test.ts checks it is current).
import { writeFileSync } from "node:fs";
import { configJsonSchema } from "../src/config/index.ts";

const target = new URL("../schema/autoopt.schema.json", import.meta.url);
writeFileSync(target, `${JSON.stringify(configJsonSchema(), null, 2)}\n`);
console.log(`wrote ${target.pathname}`);
