import { isAbsolute, resolve } from "node:path";

const VAR = /^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/;

/**
 * A path of the config as the host sees it: `~/x` and `$VAR/x` or `${VAR:-default}/x` are
 * expanded from the environment autoopt runs in; a relative path is taken from `base`.
 */
export function expandPath(
  path: string,
  env: Readonly<Record<string, string | undefined>>,
  base: string,
): string {
  let out = path;
  if (out === "~" || out.startsWith("~/")) out = `${env.HOME ?? "/"}${out.slice(1)}`;
  const match = VAR.exec(out);
  if (match) {
    const [whole, braced, fallback, plain] = match;
    const value = env[braced ?? plain ?? ""] || expandPath(fallback ?? "", env, base);
    out = `${value}${out.slice(whole.length)}`;
  }
  return isAbsolute(out) ? resolve(out) : resolve(base, out);
}
