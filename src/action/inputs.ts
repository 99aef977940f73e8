import { z } from "zod";
import { configFileSchema } from "../scan/config.js";
import { LEVEL_NAMES, parseLevel } from "../scan/levels.js";
import type { LevelNumber } from "../scan/types.js";
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
  "sarif-file": trimmed.transform((s) => s || "skill-quarantine.sarif"),
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
