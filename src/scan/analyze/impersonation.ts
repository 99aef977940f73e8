import { CHECKS } from "../code-checks.js";
import { findingAt } from "../findings.js";
import type { ImpersonationData } from "../ruleset.js";
import type { Finding, Manifest } from "../types.js";

/** Optimal string alignment distance (Damerau-Levenshtein with adjacent swaps), capped at `max + 1`. */
export function editDistance(a: string, b: string, max = 3): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) rows.push([i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 0; j <= b.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = d;
    }
  }
  return Math.min(rows[a.length]![b.length]!, max + 1);
}

/** How far a name may be from a protected one and still pass for it: short names differ by little. */
const tolerance = (name: string) => (name.length <= 4 ? 1 : 2);

/**
 * A brand or filler word misspelled by one letter ("offical", "anthropc") is read as that word: a
 * typosquat changes a letter of the claim as readily as of the name. Short words must be exact.
 */
function asClaimWord(token: string, data: ImpersonationData): string {
  if (token.length < 5) return token;
  const words = [...data.brands, ...data.weakBrands, ...data.filler];
  if (words.includes(token)) return token;
  return words.find((w) => w.length >= 5 && editDistance(token, w, 1) <= 1) ?? token;
}

/** What the skill's name claims, or undefined when it claims nothing. */
function nameClaim(name: string, data: ImpersonationData): string | undefined {
  const tokens = name
    .toLowerCase()
    .split(/[-_.\s]+/)
    .filter(Boolean)
    .map((t) => asClaimWord(t, data));
  const strong = tokens.filter((t) => data.brands.includes(t));
  const weak = tokens.filter((t) => data.weakBrands.includes(t));
  const unbranded = tokens.filter((t) => !data.brands.includes(t) && !data.weakBrands.includes(t));
  // Filler words are dropped ("anthropic-pdf-skill" is "pdf") unless a protected name holds them
  // ("skill-creator"): both readings are compared.
  const readings = [unbranded.join("-"), unbranded.filter((t) => !data.filler.includes(t)).join("-")];
  const rest = readings[1]! || readings[0]!;
  if (!rest) return undefined;
  let nearest: { name: string; d: number } | undefined;
  for (const p of data.names)
    for (const r of readings) {
      if (!r) continue;
      const d = editDistance(r, p, 2);
      if (!nearest || d < nearest.d) nearest = { name: p, d };
    }
  if (!nearest) return undefined;
  const close = nearest.d <= tolerance(nearest.name);
  const brandWords = [...strong, ...weak].join(", ");
  if (strong.length > 0 && close)
    return `the name "${name}" puts the brand ${brandWords} in front of the well-known skill "${nearest.name}"`;
  if (weak.length > 0 && (nearest.d === 0 || (weak.length > 1 && weak.includes("official") && close)))
    return `the name "${name}" presents itself as the well-known skill "${nearest.name}" (${brandWords})`;
  // No brand at all: a one-letter slip in a long, distinctive name is a typosquat, not a coincidence.
  if (strong.length === 0 && weak.length === 0 && nearest.d === 1 && rest.length >= 7)
    return `the name "${name}" is one letter away from the well-known skill "${nearest.name}"`;
  return undefined;
}

/** What an official claim is about: "the official Anthropic SDK" is a dependency, not a claim. */
const KINDS = "skills?|plugins?|extensions?|tools?|apps?|versions?|releases?|integrations?|add-ons?";

/** Words after a brand that make it something the skill uses, not who made it. */
const DEPENDENCY = "sdks?|apis?|library|libraries|client|clients|cli|models?|platform|account|keys?";

/** What the description claims about who made the skill, or undefined. */
function descriptionClaim(description: string, data: ImpersonationData): string | undefined {
  const brands = [...data.brands, ...data.weakBrands.filter((b) => b !== "official")];
  if (brands.length === 0) return undefined;
  const alt = brands.map((b) => b.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|");
  // Up to two words may stand between a maker's brand and the kind ("Official Anthropic PDF skill"),
  // never one that makes it a dependency ("the official OpenAI Python SDK tools"). A weak brand must
  // be next to the kind: "official Claude Code plugin for Linear" is Linear's.
  const strong = data.brands.map((b) => b.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|") || "(?!)";
  const between = `(?:(?!(?:${DEPENDENCY})\\b)[\\w.-]{1,24}\\s{1,8}){0,2}`;
  const re = new RegExp(
    `\\b(?:official|offical|officail|oficial)\\s{1,8}(?:(?:${strong})\\s{1,8}${between}|(?:${alt})\\s{1,8})(?:${KINDS})\\b|\\b(?:${alt})(?:'s|’s)?\\s{1,8}official\\s{1,8}(?:${KINDS})\\b|\\b(?:made|published|maintained|developed|released|provided|verified|certified|endorsed)\\s{1,8}by\\s{1,8}(?:${data.brands.join("|")})\\b`,
    "i",
  );
  const m = re.exec(description);
  return m ? `the description claims "${m[0]}"` : undefined;
}

/**
 * A skill that passes itself off as a well-known one (brand + protected name, a typosquatted name,
 * "Official Anthropic skill") from a publisher that is not the brand's owner: RISKY on its own; the
 * impersonation weighing stage raises it when the skill also does something risky.
 */
export function impersonationFindings(
  manifest: Manifest,
  data: ImpersonationData | undefined,
  publisher: string | undefined,
  place: { file: string; line: number },
): Finding[] {
  if (!data || data.names.length === 0) return [];
  if (publisher && data.owners.includes(publisher.toLowerCase())) return [];
  const claims = [
    manifest.name ? nameClaim(manifest.name, data) : undefined,
    manifest.description ? descriptionClaim(manifest.description, data) : undefined,
  ].filter((c): c is string => c !== undefined);
  if (claims.length === 0) return [];
  return [
    findingAt(
      CHECKS.impersonation,
      { file: place.file, line: place.line, column: 1, context: "frontmatter" },
      {
        excerpt: `${claims.join("; ")}; publisher ${publisher ? `"${publisher}"` : "unknown"} is not ${data.owners.join(" or ")}`,
      },
    ),
  ];
}
