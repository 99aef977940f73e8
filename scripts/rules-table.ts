// Prints the README's rule table from rules/*.yml: one row per category, rule counts per level.
//   npx tsx scripts/rules-table.ts                  print the table
//   npx tsx scripts/rules-table.ts --write README.md  replace the table between the markers
//   npx tsx scripts/rules-table.ts --check README.md  exit 1 when the README's table is stale
// Markers: <!-- rules-table:start --> and <!-- rules-table:end -->.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildRuleSet } from "../src/scan/ruleset.js";
import { SEVERITIES, type Severity } from "../src/scan/types.js";

const START = "<!-- rules-table:start -->";
const END = "<!-- rules-table:end -->";
const LEVELS = [...SEVERITIES].reverse() as Severity[];

export function rulesTable(rulesDir: string): string {
  const files = readdirSync(rulesDir)
    .filter((name) => name.endsWith(".yml"))
    .sort()
    .map((name) => ({ file: `rules/${name}`, text: readFileSync(join(rulesDir, name), "utf8") }));
  const counts = new Map<string, Record<Severity, number>>();
  for (const rule of buildRuleSet(files).rules) {
    const row = counts.get(rule.category) ?? { MALICIOUS: 0, SUSPICIOUS: 0, RISKY: 0, LOW_QUALITY: 0 };
    row[rule.level]++;
    counts.set(rule.category, row);
  }
  const total = (row: Record<Severity, number>) => LEVELS.reduce((n, l) => n + row[l], 0);
  const line = (cells: (string | number)[]) => `| ${cells.join(" | ")} |`;
  const sum = { MALICIOUS: 0, SUSPICIOUS: 0, RISKY: 0, LOW_QUALITY: 0 } as Record<Severity, number>;
  const rows = [...counts.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([category, row]) => {
      for (const l of LEVELS) sum[l] += row[l];
      return line([category, total(row), ...LEVELS.map((l) => row[l])]);
    });
  return [
    line(["category", "rules", ...LEVELS]),
    line(["---", ...Array<string>(LEVELS.length + 1).fill("---:")]),
    ...rows,
    line(["**all**", `**${total(sum)}**`, ...LEVELS.map((l) => `**${sum[l]}**`)]),
  ].join("\n");
}

function replaceBetweenMarkers(doc: string, table: string, file: string): string {
  const start = doc.indexOf(START);
  const end = doc.indexOf(END);
  if (start < 0 || end < start)
    throw new Error(`${file}: add the markers ${START} and ${END} around the table`);
  return `${doc.slice(0, start + START.length)}\n${table}\n${doc.slice(end)}`;
}

function main(argv: string[]): number {
  const table = rulesTable(fileURLToPath(new URL("../rules/", import.meta.url)));
  const [mode, file] = argv;
  if (!mode) {
    process.stdout.write(`${table}\n`);
    return 0;
  }
  if ((mode !== "--write" && mode !== "--check") || !file) {
    process.stderr.write("usage: rules-table.ts [--write <file> | --check <file>]\n");
    return 2;
  }
  const doc = readFileSync(file, "utf8");
  const updated = replaceBetweenMarkers(doc, table, file);
  if (mode === "--write") {
    if (updated !== doc) writeFileSync(file, updated);
    return 0;
  }
  if (updated === doc) return 0;
  process.stderr.write(
    `${file}: the rules table is stale; run npx tsx scripts/rules-table.ts --write ${file}\n`,
  );
  return 1;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`rules-table: ${(err as Error).message}\n`);
  process.exitCode = 2;
}
