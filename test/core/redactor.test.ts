import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/index.ts";
import {
  isSecretName,
  REDACTED,
  RedactStream,
  redactor,
  secretValues,
} from "../../src/core/index.ts";

describe("secretValues", () => {
  it("picks the proposer's key variable and every variable named like a credential", () => {
    const env = {
      MY_LLM: "sk-proposer-0123456789",
      GITHUB_TOKEN: "ghs_abcdefghijklmnop",
      ACTIONS_RUNTIME_TOKEN: "eyJ0eXAiOiJKV1QiLCJhbGciOi",
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: "request-token-value",
      AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG",
      DB_PASSWORD: "correct horse battery",
      HF_TOKEN: "short",
      PATH: "/usr/local/bin:/usr/bin:/bin",
      HOME: "/home/someone",
      AWS_REGION: "eu-central-1",
      TOKENIZERS_PARALLELISM: "false-but-long",
      PRIVATE_KEY_PATH: "/etc/autoopt/app.pem",
    };
    const config = loadConfig(
      "version: 1\neditable: [train.py]\nrun: { command: python3 train.py, budget: 1m }\nmetric: { name: score, goal: minimize }\nproposer: { kind: llm, model: m, api_key_env: MY_LLM }\n",
      "autoopt.yml",
    );
    expect(secretValues(env, config).sort()).toEqual(
      [
        "sk-proposer-0123456789",
        "ghs_abcdefghijklmnop",
        "eyJ0eXAiOiJKV1QiLCJhbGciOi",
        "request-token-value",
        "wJalrXUtnFEMI/K7MDENG",
        "correct horse battery",
      ].sort(),
    );
    expect(secretValues(env)).not.toContain("sk-proposer-0123456789");
  });

  it("takes a multi-line value (a PEM key) whole and line by line", () => {
    const pem =
      "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAx1\nabc\n-----END RSA PRIVATE KEY-----";
    const values = secretValues({ PRIVATE_KEY: pem });
    expect(values[0]).toBe(pem);
    expect(values).toContain("MIIEowIBAAKCAQEAx1");
    expect(values).not.toContain("abc");
  });

  it.each([
    ["OPENAI_API_KEY", true],
    ["WEBHOOK_SECRET", true],
    ["ACTIONS_CACHE_URL", false],
    ["SSH_AUTH_SOCK", false],
    ["KEYBOARD_LAYOUT", false],
    ["NPM_CONFIG_PASSWORD_FILE", false],
    ["GH_TOKEN", true],
  ])("isSecretName(%s) is %s", (name, expected) => {
    expect(isSecretName(name)).toBe(expected);
  });
});

describe("redactor", () => {
  it("replaces every occurrence, a secret that holds another whole", () => {
    const redact = redactor(["abcdefgh", "abcdefgh-long-secret"]);
    expect(redact("x abcdefgh-long-secret y abcdefgh z")).toBe(`x ${REDACTED} y ${REDACTED} z`);
    expect(redact("nothing here")).toBe("nothing here");
  });
});

describe("RedactStream", () => {
  const secrets = ["s3cr3t-value-0001", "another-secret-token"];

  it("never lets a secret out, however the text is cut into writes", () => {
    const piece = fc.oneof(
      fc.constantFrom(...secrets, "\n", "s3cr3t-", "value-0001"),
      fc.string({ maxLength: 30 }),
      fc.string({ minLength: 9000, maxLength: 9000 }).map((s) => s.replace(/\n/g, "x")),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), fc.array(fc.nat()), (pieces, cuts) => {
        const text = pieces.join("");
        const stream = new RedactStream(redactor(secrets));
        let out = "";
        let at = 0;
        for (const cut of cuts) {
          const next = Math.min(text.length, at + (cut % 50));
          out += stream.write(text.slice(at, next));
          at = next;
        }
        out += stream.write(text.slice(at)) + stream.end();
        expect(out).toBe(redactor(secrets)(text));
      }),
      { numRuns: 200 },
    );
  });

  it("lets a long line out before it ends, except a tail that may start a secret", () => {
    const stream = new RedactStream(redactor(secrets));
    const out = stream.write(`${"x".repeat(20_000)}s3cr3t-val`);
    expect(out.length).toBeGreaterThan(10_000);
    expect(out).not.toContain("s3cr3t");
    expect(stream.write("ue-0001\n")).toContain(REDACTED);
  });
});
