import { realpath } from "node:fs/promises";
import { dirname, isAbsolute, join, resolve, sep } from "node:path";
import { z } from "zod";
import { parseWorkers } from "../node/skill-runner.js";
import type { LevelNumber } from "../scan/index.js";
import { configFileSchema, LEVEL_NAMES, parseLevel } from "../scan/index.js";
import { isSafeRef } from "../sources/git.js";

// Every input of action.yml, parsed through one schema. `RawInputs` is a record keyed by input name:
// adding an input to the schema without reading it in `readInputs` (or the reverse) does not compile,
// and test/action.test.ts checks the names against action.yml.

const trimmed = z.string().transform((s) => s.trim());

// The allowed-domains input goes through the same domain check as the config file's key.
const domainList = configFileSchema.shape["allowed-domains"].unwrap();

export const inputSchema = z.object({
  path: trimmed.transform((s) => s || "."),
  "fail-on": trimmed.transform((s, ctx): LevelNumber | "config" => {
    if (s === "") return "config";
    const n = parseLevel(s);
    if (n === undefined) {
      ctx.addIssue({
        code: "custom",
        message: `must be one of ${[...LEVEL_NAMES].reverse().join(", ")} (got "${s}")`,
      });
      return z.NEVER;
    }
    return n;
  }),
  config: trimmed.transform((s) => s || undefined),
  "allowed-domains": z
    .string()
    .transform((s) =>
      s
        .split(/[\n,]/)
        .map((d) => d.trim())
        .filter((d) => d && !d.startsWith("#")),
    )
    .pipe(domainList),
  // Empty: the runner's temporary folder (see resolveOutputPath), so the checkout stays clean.
  "sarif-file": trimmed.transform((s) => s || undefined),
  "baseline-ref": trimmed.transform((s, ctx) => {
    if (s === "") return { mode: "auto" as const };
    if (s.toLowerCase() === "none") return { mode: "none" as const };
    if (!isSafeRef(s)) {
      ctx.addIssue({
        code: "custom",
        message: `must be a commit sha, branch or tag such as main or v1.2.0, or "none" (got "${s}")`,
      });
      return z.NEVER;
    }
    return { mode: "ref" as const, ref: s };
  }),
  annotate: trimmed.transform((s, ctx) => {
    // The YAML 1.2 core schema booleans, as @actions/core's getBooleanInput accepts them.
    if (s === "" || ["true", "True", "TRUE"].includes(s)) return true;
    if (["false", "False", "FALSE"].includes(s)) return false;
    ctx.addIssue({ code: "custom", message: `must be true or false (got "${s}")` });
    return z.NEVER;
  }),
  // Reviewer decisions from the GitHub App's appeals repository (src/action/decisions.ts).
  "appeals-repository": trimmed
    .pipe(z.string().regex(/^([\w.-]+\/[\w.-]+)?$/, "must be owner/name, such as octo-org/skill-appeals"))
    .transform((s) => s || undefined),
  "github-token": trimmed.transform((s) => s || undefined),
  "app-slug": trimmed
    .pipe(z.string().regex(/^([a-z0-9][a-z0-9-]{0,38}(\[bot\])?)?$/i, "must be the App's slug or bot login"))
    .transform((s) => s || "skill-quarantine"),
  "marker-secret": trimmed.transform((s) => s || undefined),
  // Empty: one worker thread per core (src/node/skill-runner.ts); 1 scans in one thread.
  workers: trimmed.transform((s, ctx) => {
    try {
      return parseWorkers(s, "workers");
    } catch {
      ctx.addIssue({
        code: "custom",
        message: `must be a whole number from 1 to 256, or empty for one per core (got "${s}")`,
      });
      return z.NEVER;
    }
  }),
});

export type InputName = keyof z.input<typeof inputSchema>;
export type RawInputs = Record<InputName, string>;
export type ActionInputs = z.output<typeof inputSchema>;

export const INPUT_NAMES = Object.keys(inputSchema.shape) as InputName[];

export class InputError extends Error {
  override name = "InputError";
}

/** Reads every input with `get` (e.g. core.getInput) and validates them; the error names the input. */
export function readInputs(get: (name: InputName) => string): ActionInputs {
  const raw: RawInputs = {
    path: get("path"),
    "fail-on": get("fail-on"),
    config: get("config"),
    "allowed-domains": get("allowed-domains"),
    "sarif-file": get("sarif-file"),
    "baseline-ref": get("baseline-ref"),
    annotate: get("annotate"),
    "appeals-repository": get("appeals-repository"),
    "github-token": get("github-token"),
    "app-slug": get("app-slug"),
    "marker-secret": get("marker-secret"),
    workers: get("workers"),
  };
  return parseInputs(raw);
}

export function parseInputs(raw: RawInputs): ActionInputs {
  const r = inputSchema.safeParse(raw);
  if (r.success) return r.data;
  const messages = r.error.issues.map((i) => {
    const [name, ...rest] = i.path;
    const where = rest.length
      ? ` (entry ${rest.map((p) => (typeof p === "number" ? p + 1 : String(p))).join(".")})`
      : "";
    return `Input '${String(name)}'${where} ${i.message}`;
  });
  throw new InputError(messages.join("; "));
}

export const DEFAULT_SARIF_NAME = "skill-quarantine.sarif";

const within = (root: string, p: string) =>
  p === root || p.startsWith(root.endsWith(sep) ? root : root + sep);

/** The real path of `p`, resolving symbolic links in the part of it that exists already. */
async function realPathOf(p: string): Promise<string> {
  const real = await realpath(p).catch(() => undefined);
  if (real) return real;
  const parent = dirname(p);
  return parent === p
    ? p
    : join(await realPathOf(parent), p.slice(parent.length + (parent.endsWith(sep) ? 0 : 1)));
}

/**
 * Where the SARIF file goes. Default: RUNNER_TEMP (the workspace when it is unset, e.g. a local run),
 * so no untracked file lands in the checkout. A given path is relative to the workspace and must stay
 * inside the workspace or RUNNER_TEMP, symbolic links resolved: the step must not write elsewhere on
 * the runner because a workflow input said `../../x`.
 */
export async function resolveOutputPath(
  workspace: string,
  runnerTemp: string | undefined,
  input: string | undefined,
): Promise<string> {
  const ws = await realPathOf(resolve(workspace));
  const temp = runnerTemp && isAbsolute(runnerTemp) ? await realPathOf(resolve(runnerTemp)) : undefined;
  if (!input) return join(temp ?? ws, DEFAULT_SARIF_NAME);
  const real = await realPathOf(resolve(ws, input));
  if (real === ws || real === temp)
    throw new InputError(
      `Input 'sarif-file': "${input}" is a folder; give a file name such as results.sarif`,
    );
  if (within(ws, real) || (temp && within(temp, real))) return real;
  throw new InputError(
    `Input 'sarif-file': "${input}" is outside the workspace${temp ? " and RUNNER_TEMP" : ""}; give a path inside the workspace, or leave it empty for RUNNER_TEMP`,
  );
}
