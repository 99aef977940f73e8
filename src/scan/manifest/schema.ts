import { z } from "zod";

// The Agent Skills specification (agentskills.io/specification), field by field.
export const SKILL_NAME = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export const KNOWN_KEYS = new Set([
  "name",
  "description",
  "license",
  "compatibility",
  "metadata",
  "allowed-tools",
]);

export const manifestFields = {
  name: z
    .string({ error: "must be a string" })
    .min(1, "must not be empty")
    .max(64, "must be at most 64 characters")
    .regex(SKILL_NAME, "may only hold lowercase letters, digits and single hyphens, not at the start or end"),
  description: z
    .string({ error: "must be a string" })
    .trim()
    .min(1, "must not be empty")
    .max(1024, "must be at most 1024 characters"),
  license: z.string({ error: "must be a string" }),
  compatibility: z.string({ error: "must be a string" }).min(1).max(500, "must be at most 500 characters"),
  metadata: z.record(z.string(), z.string({ error: "values must be strings (quote numbers)" }), {
    error: "must be a mapping of string keys to string values",
  }),
  // The spec says space-delimited; real skills also write YAML lists and commas, which mean the same.
  "allowed-tools": z.union([z.string(), z.array(z.string())], {
    error: "must be a space-separated string or a list",
  }),
} as const;

export const FIX: Record<string, string> = {
  name: "set `name:` to the skill's folder name in lowercase letters, digits and hyphens (e.g. `pdf-tools`)",
  description:
    "write `description:` as one or two sentences saying what the skill does and when to use it (at most 1024 characters)",
  license: "set `license:` to a license name such as `MIT`, or the name of a bundled license file",
  compatibility:
    "shorten `compatibility:` to at most 500 characters describing the environment the skill needs",
  metadata: "make `metadata:` a mapping of string keys to string values (quote numbers and dates)",
  "allowed-tools": "write `allowed-tools:` as a space-separated list of tool names, e.g. `Read Bash(git:*)`",
};

export function splitAllowedTools(value: string | string[]): string[] {
  const list = Array.isArray(value) ? value : [value];
  const out: string[] = [];
  for (const item of list) {
    // Split on whitespace and commas, but not inside parentheses: `Bash(git add:*)` is one tool.
    let depth = 0;
    let cur = "";
    for (const ch of item) {
      if (ch === "(") depth++;
      if (ch === ")") depth = Math.max(0, depth - 1);
      if (depth === 0 && (ch === "," || /\s/.test(ch))) {
        if (cur) out.push(cur);
        cur = "";
      } else cur += ch;
    }
    if (cur) out.push(cur);
  }
  return out;
}
