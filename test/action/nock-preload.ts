// Loaded with `node --import` into the child that runs dist/index.js, so the artifact service's
// HTTP boundary is mocked inside the process that really talks to it. Configured by:
//   AUTOOPT_TEST_ARTIFACT_PLAN  JSON list, one entry per upload attempt the test expects:
//     "ok"        CreateArtifact → block upload → commit block list → FinalizeArtifact
//     "reset"     CreateArtifact fails with ECONNRESET (the client does not retry that itself)
//     "blob-403"  CreateArtifact ok, then blob storage refuses the block (AuthenticationFailed)
//     "taken"     CreateArtifact refused with HTTP 409: an artifact of that name already exists
//   AUTOOPT_TEST_RECORD_DIR     where requests.jsonl, artifact.zip and nock-errors.json go
// Unmatched requests and mocks left unused are written to nock-errors.json and make the process
// exit with 70, whatever the action itself decided.
import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import nock from "nock";
import {
  BLOB,
  BLOB_PATH,
  FAKE_ARTIFACT_ID,
  RESULTS_URL,
  SIGNATURE,
  SIGNED_URL,
  TWIRP,
} from "./fake-service.ts";

const RESULTS = new URL(RESULTS_URL).origin;

const recordDir = process.env.AUTOOPT_TEST_RECORD_DIR ?? "";
const plan: string[] = JSON.parse(process.env.AUTOOPT_TEST_ARTIFACT_PLAN ?? "[]");
const errors: string[] = [];
const blocks = new Map<string, Buffer>();
let commits = 0;

mkdirSync(recordDir, { recursive: true });
nock.disableNetConnect();
nock.emitter.on("no match", (req: Request) => {
  errors.push(`unmatched request: ${req.method} ${req.url}`);
});

async function record(req: Request): Promise<Buffer> {
  const body = Buffer.from(await req.arrayBuffer());
  const url = new URL(req.url);
  const entry = {
    method: req.method,
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    authorization: req.headers.get("authorization")?.replace(/ .*/, " …") ?? null,
    contentType: req.headers.get("content-type"),
    body:
      url.searchParams.get("comp") === "block" ? `<${body.length} bytes>` : body.toString("utf8"),
  };
  appendFileSync(join(recordDir, "requests.jsonl"), `${JSON.stringify(entry)}\n`);
  return body;
}

function createArtifact(): void {
  nock(RESULTS)
    .post(`${TWIRP}/CreateArtifact`)
    .reply(async (req: Request) => {
      await record(req);
      return [200, { ok: true, signed_upload_url: SIGNED_URL }];
    });
}

function stageBlock(status: 201 | 403): void {
  nock(BLOB)
    .put(BLOB_PATH)
    .query((q) => q.comp === "block" && typeof q.blockid === "string" && q.sig === SIGNATURE)
    .reply(async (req: Request) => {
      const body = await record(req);
      if (status === 403)
        return [
          403,
          AUTH_FAILED,
          { "x-ms-error-code": "AuthenticationFailed", "content-type": "application/xml" },
        ];
      blocks.set(new URL(req.url).searchParams.get("blockid") ?? "", body);
      return [201, "", blobHeaders()];
    });
}

function commitBlockList(): void {
  nock(BLOB)
    .put(BLOB_PATH)
    .query((q) => q.comp === "blocklist" && q.sig === SIGNATURE)
    .reply(async (req: Request) => {
      const xml = (await record(req)).toString("utf8");
      const ids = [...xml.matchAll(/<Latest>([^<]*)<\/Latest>/g)].map((m) => m[1] ?? "");
      const missing = ids.filter((id) => !blocks.has(id));
      if (missing.length > 0) errors.push(`commit of blocks never staged: ${missing.join(", ")}`);
      commits++;
      writeFileSync(
        join(recordDir, `artifact-${commits}.zip`),
        Buffer.concat(ids.map((id) => blocks.get(id) ?? Buffer.alloc(0))),
      );
      return [201, "", blobHeaders()];
    });
}

function finalizeArtifact(): void {
  nock(RESULTS)
    .post(`${TWIRP}/FinalizeArtifact`)
    .reply(async (req: Request) => {
      await record(req);
      return [200, { ok: true, artifact_id: FAKE_ARTIFACT_ID }];
    });
}

const NAME_TAKEN = "an artifact with this name already exists on the workflow run";

const AUTH_FAILED =
  '<?xml version="1.0" encoding="utf-8"?><Error><Code>AuthenticationFailed</Code><Message>Server failed to authenticate the request. Make sure the value of Authorization header is formed correctly including the signature.</Message></Error>';

function blobHeaders(): Record<string, string> {
  return {
    etag: '"0x8DCFAKE0000001"',
    "last-modified": new Date(0).toUTCString(),
    "x-ms-request-id": "00000000-0000-0000-0000-000000000000",
    "x-ms-version": "2024-08-04",
    "x-ms-request-server-encrypted": "true",
  };
}

for (const attempt of plan) {
  if (attempt === "reset") {
    nock(RESULTS)
      .post(`${TWIRP}/CreateArtifact`)
      // An Error instance: nock 15 leaves the request hanging when given a plain object.
      .replyWithError(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }));
  } else if (attempt === "taken") {
    // The Twirp error the results service answers for a name already used on the workflow run.
    nock(RESULTS)
      .post(`${TWIRP}/CreateArtifact`)
      .reply(async (req: Request) => {
        await record(req);
        return [409, { code: "already_exists", msg: NAME_TAKEN }];
      });
  } else if (attempt === "blob-403") {
    createArtifact();
    stageBlock(403);
  } else if (attempt === "ok") {
    createArtifact();
    stageBlock(201);
    commitBlockList();
    finalizeArtifact();
  } else {
    errors.push(`unknown plan entry ${attempt}`);
  }
}

process.on("exit", () => {
  if (!nock.isDone()) errors.push(`mocks never used: ${nock.pendingMocks().join(", ")}`);
  writeFileSync(join(recordDir, "nock-errors.json"), JSON.stringify(errors, null, 2));
  if (errors.length > 0) process.exitCode = 70;
});
