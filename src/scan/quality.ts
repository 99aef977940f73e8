import type { ManifestProblem } from "./manifest/validate.js";
import type { Manifest } from "./types.js";

// Quality score weights (README "Quality score"): frontmatter 40, description 25, body 20, links 15.
export const QUALITY_WEIGHTS = { frontmatter: 40, description: 25, body: 20, links: 15 } as const;

const WHEN =
  /\b(use (this|it|when|for|to|whenever)|when (the user|you|asked|working|a user)|whenever|triggers? (on|when)|for (requests|tasks|questions))\b/i;

export interface QualityInput {
  manifest: Manifest;
  problems: ManifestProblem[];
  hasFrontmatter: boolean;
  body: string;
  /** Relative link targets found in Markdown files, and whether each resolves to a file in the skill. */
  links: { target: string; resolves: boolean }[];
}

export function qualityScore(q: QualityInput): number {
  const bad = (field: string) => q.problems.some((p) => p.field === field);
  let score = 0;
  if (q.hasFrontmatter) {
    if (q.manifest.name && !bad("name")) score += 15;
    if (q.manifest.description && !bad("description")) score += 15;
    if (q.manifest.license) score += 5;
    if (q.manifest.compatibility || q.manifest.metadata || q.manifest.allowedTools) score += 5;
  }
  const d = q.manifest.description ?? "";
  if (d.length >= 40) score += 10;
  if (WHEN.test(d)) score += 10;
  if (d && q.manifest.name && d.trim().toLowerCase() !== q.manifest.name.toLowerCase()) score += 5;
  // The spec recommends a SKILL.md body under 500 lines; an empty body teaches the agent nothing.
  const lines = q.body.split("\n").filter((l) => l.trim()).length;
  if (lines >= 5 && lines <= 500) score += 20;
  else if (lines > 500) score += 10;
  else if (lines > 0) score += 8;
  const total = q.links.length;
  score += total === 0 ? 15 : Math.round((15 * q.links.filter((l) => l.resolves).length) / total);
  return Math.max(0, Math.min(100, score));
}

const LINK = /\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g;

/** Relative Markdown link targets (no scheme, no anchor-only links), resolved against the file's folder. */
export function relativeLinks(markdown: string, fileDir: string): string[] {
  const out: string[] = [];
  if (!markdown.includes("](")) return out;
  for (const m of markdown.matchAll(LINK)) {
    const raw = (m[1] ?? "").split("#")[0]!.split("?")[0]!;
    if (!raw || /^[a-z][a-z0-9+.-]*:/i.test(raw) || raw.startsWith("/") || raw.startsWith("//")) continue;
    const parts = (fileDir === "." ? [] : fileDir.split("/")).concat(decodeURI_safe(raw).split("/"));
    const stack: string[] = [];
    for (const p of parts) {
      if (p === "" || p === ".") continue;
      if (p === "..") stack.pop();
      else stack.push(p);
    }
    out.push(stack.join("/"));
  }
  return out;
}

function decodeURI_safe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
