// Bundles the GitHub Action (src/action/main.ts) into dist/index.js (+ dist/chunks/), committed because a
// runner executes an action straight from the repository, with no npm install.
//   node scripts/build-action.ts           writes dist/
//   node scripts/build-action.ts --check   fails when dist/ differs from a fresh build
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { type BuildOptions, build } from "esbuild";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const DIST = join(ROOT, "dist");
const STALE = "dist/ is out of date: run npm run build:action and commit dist/";

// @actions/* are ESM, but some of their dependencies are CommonJS and call require() for Node's
// built-ins, which an ESM bundle lacks.
const BANNER = [
  'import { createRequire as __autooptCreateRequire } from "node:module";',
  "const require = __autooptCreateRequire(import.meta.url);",
].join("\n");

export const ACTION_BUILD: BuildOptions = {
  absWorkingDir: ROOT,
  entryPoints: { index: "src/action/main.ts" },
  outdir: "dist",
  // @actions/artifact is imported dynamically, at upload time: its own chunk keeps it out of
  // start-up. Chunk names carry a content hash, so the output stays deterministic.
  splitting: true,
  chunkNames: "chunks/[name]-[hash]",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node24",
  // The runner has Node 24 and nothing else: every package goes into the bundle.
  packages: "bundle",
  minify: true,
  legalComments: "eof",
  sourcemap: false,
  charset: "utf8",
  banner: { js: BANNER },
  logLevel: "warning",
  write: false,
};

/** The files a fresh build produces, by path relative to dist/. */
export async function bundleAction(): Promise<Map<string, Uint8Array>> {
  const result = await build(ACTION_BUILD);
  return new Map(result.outputFiles?.map((file) => [relative(DIST, file.path), file.contents]));
}

/** What differs between dist/ on disk and a fresh build; empty when dist/ is current. */
export async function distDifferences(
  fresh: Map<string, Uint8Array>,
  dist = DIST,
): Promise<string[]> {
  const onDisk = await listFiles(dist);
  const problems: string[] = [];
  for (const [name, contents] of fresh) {
    const current = onDisk.has(name) ? await readFile(join(dist, name)) : undefined;
    if (!current) problems.push(`dist/${name} is missing`);
    else if (!current.equals(contents)) problems.push(`dist/${name} differs from a fresh build`);
  }
  for (const name of onDisk) {
    if (!fresh.has(name)) problems.push(`dist/${name} is not produced by the build`);
  }
  return problems;
}

async function writeDist(fresh: Map<string, Uint8Array>): Promise<void> {
  await rm(DIST, { recursive: true, force: true });
  for (const [name, contents] of fresh) {
    await mkdir(join(DIST, name, ".."), { recursive: true });
    await writeFile(join(DIST, name), contents);
  }
}

async function listFiles(dir: string): Promise<Set<string>> {
  try {
    const entries = await readdir(dir, { recursive: true, withFileTypes: true });
    return new Set(
      entries.filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name))),
    );
  } catch {
    return new Set();
  }
}

async function main(args: readonly string[]): Promise<void> {
  const fresh = await bundleAction();
  if (args.includes("--check")) {
    const problems = await distDifferences(fresh);
    if (problems.length === 0) return;
    console.error(`${STALE}\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    process.exitCode = 1;
    return;
  }
  await writeDist(fresh);
  const bytes = [...fresh.values()].reduce((sum, c) => sum + c.byteLength, 0);
  console.log(`wrote dist/ (${[...fresh.keys()].join(", ")}; ${(bytes / 1024).toFixed(0)} KiB)`);
}

if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) {
  try {
    await main(process.argv.slice(2));
  } catch (error) {
    console.error(error);
    process.exitCode = 1;
  }
}
