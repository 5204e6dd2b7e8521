// Reading back what a run of the action left: GITHUB_OUTPUT, the requests nock-preload.ts
// recorded, its errors, and the uploaded zip.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  authorization: string | null;
  contentType: string | null;
  body: string;
}

/** GITHUB_OUTPUT as @actions/core writes it: `name<<DELIM`, the value's lines, `DELIM`. */
export function parseGithubOutput(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const match = /^([^<]+)<<(.+)$/.exec(lines[i] ?? "");
    if (!match) continue;
    const [, name = "", delimiter] = match;
    const end = lines.indexOf(delimiter ?? "", i + 1);
    if (end < 0) throw new Error(`GITHUB_OUTPUT: ${name} has no closing ${delimiter}`);
    outputs[name] = lines.slice(i + 1, end).join("\n");
    i = end;
  }
  return outputs;
}

export function readRequests(dir: string): RecordedRequest[] {
  const file = join(dir, "requests.jsonl");
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as RecordedRequest);
}

export function readNockErrors(dir: string): string[] {
  const file = join(dir, "nock-errors.json");
  // The preload always writes it on exit; its absence means the child never loaded the mocks.
  if (!existsSync(file)) return ["nock-preload.ts never wrote nock-errors.json"];
  return JSON.parse(readFileSync(file, "utf8")) as string[];
}

/** The entries of a zip and, for each file, its text, read with python3's zipfile. */
export function readZip(path: string): Record<string, string> {
  const script =
    "import json,sys,zipfile\nz=zipfile.ZipFile(sys.argv[1])\nprint(json.dumps({i.filename: ('' if i.is_dir() else z.read(i).decode('utf-8','replace')) for i in z.infolist()}))";
  return JSON.parse(execFileSync("python3", ["-c", script, path], { encoding: "utf8" })) as Record<
    string,
    string
  >;
}
