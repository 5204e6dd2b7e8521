// A grep worker thread: searches batches of files the main thread sends, with the same code the
// main thread uses, and sends back each file's formatted matching lines.
import { parentPort } from "node:worker_threads";
import { type GrepPlan, grepPlan } from "./grep-plan.ts";
import type { GrepJob, GrepReply } from "./grep-pool.ts";
import { FileReader, searchBatch } from "./grep-reader.ts";

const reader = new FileReader();
let cached: { key: string; plan: GrepPlan } | undefined;

parentPort?.on("message", (job: GrepJob) => {
  let reply: GrepReply;
  try {
    const key = `${job.flags}/${job.source}`;
    if (cached?.key !== key) cached = { key, plan: grepPlan(new RegExp(job.source, job.flags)) };
    reply = {
      id: job.id,
      results: searchBatch(job.files, cached.plan, job.maxMatches, reader, job.deadline),
    };
  } catch (e) {
    reply = { id: job.id, error: (e as Error).message };
  }
  parentPort?.postMessage(reply);
});
