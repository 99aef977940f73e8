import * as core from "@actions/core";
import { run } from "./main.js";
import { markStep } from "./marks.js";

// Entry of the bundled Action (dist/index.js). A security gate cannot fail open: whatever is thrown
// — an Error, a string, undefined — or rejected unhandled, the step fails with a message.

export function describeError(err: unknown): string {
  if (err instanceof Error) return err.message || err.name || "unknown error";
  if (typeof err === "string") return err || "unknown error (an empty string was thrown)";
  let shown: string;
  try {
    shown = JSON.stringify(err) ?? String(err);
  } catch {
    shown = Object.prototype.toString.call(err);
  }
  return `unexpected error: ${shown}`;
}

let failed = false;

export function failStep(err: unknown): void {
  process.exitCode = 1;
  if (failed) return;
  failed = true;
  try {
    core.setFailed(`skill-quarantine: ${describeError(err)}`);
  } catch {
    process.stderr.write(`::error::skill-quarantine: ${describeError(err).replace(/[\r\n%]/g, " ")}\n`);
  }
}

export async function main(runAction: () => Promise<void> = run): Promise<void> {
  // The bundle is loaded and evaluated: the first step `npm run bench:action` reports.
  markStep("loaded");
  process.on("unhandledRejection", failStep);
  process.on("uncaughtException", failStep);
  try {
    await runAction();
  } catch (err) {
    failStep(err);
  }
}

void main();
