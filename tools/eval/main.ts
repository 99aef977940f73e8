// npm run eval -- <dir> [--min-detection X] [--max-false-quarantine Y] [--max-risky Z] [--labels <file>] [--verbose]
// Scans a labelled corpus and prints the confusion matrix (expected × found level), the
// false-quarantine rate, the detection rate and the misclassified skills with their top finding.
// Exit 0 when every given gate is met, 1 when one is missed, 2 on usage or I/O errors.
import { readFile, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { loadRuleSet } from "../../src/node/load.js";
import { scanPath } from "../../src/node/scan-path.js";
import { loadScriptAnalyzer } from "../../src/node/script-analyzer.js";
import { parseFolderArgs, runScript, UsageError } from "../../src/node/script-cli.js";
import { defaultConfig, LEVEL_NAMES } from "../../src/scan/index.js";
import { type Label, LabelError, labelFromFolder, normaliseId, parseLabels, parseRate } from "./labels.js";
import { evaluate, type Found, type Gates, missedGates, type Outcome, pct, renderMatrix } from "./metrics.js";

const USAGE = `usage: npm run eval -- <dir> [options]
  --min-detection X          exit 1 when fewer malicious skills than X reach SUSPICIOUS (0, 1, 0.95 or 95%)
  --max-false-quarantine Y   exit 1 when more benign skills than Y reach SUSPICIOUS (same forms)
  --max-risky Z              exit 1 when more benign skills than Z are RISKY (same forms)
  --labels <file>            expected levels (default: <dir>/labels.tsv when present; else benign/ and malicious/ folders)
  --rules <dir>              load extra rule files too (repeatable)
  --verbose                  also list every skill whose level differs from the expected one`;

interface Args {
  dir: string;
  labels?: string;
  gates: Gates;
  rules: string[];
  verbose: boolean;
}

function rate(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const r = parseRate(v);
  if (r === undefined) throw new UsageError(`${flag} must be a rate such as 0, 1, 0.95 or 95% (got ${v})`);
  return r;
}

function parseEvalArgs(argv: string[]): Args {
  const options = {
    "min-detection": { type: "string" },
    "max-false-quarantine": { type: "string" },
    "max-risky": { type: "string" },
    labels: { type: "string" },
    rules: { type: "string", multiple: true, default: [] as string[] },
    verbose: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  } as const;
  const { values, dir } = parseFolderArgs(argv, options, USAGE, "corpus folder");
  return {
    dir,
    labels: values.labels,
    gates: {
      minDetection: rate("--min-detection", values["min-detection"]),
      maxFalseQuarantine: rate("--max-false-quarantine", values["max-false-quarantine"]),
      maxRisky: rate("--max-risky", values["max-risky"]),
    },
    rules: values.rules,
    verbose: values.verbose,
  };
}

const log = (s = "") => process.stdout.write(`${s}\n`);
const levelName = (l: number | undefined) => (l === undefined ? "not found" : LEVEL_NAMES[l]!);

function oneLine(s: string, max = 100): string {
  const t = s.replace(/\s+/g, " ").trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

function describe(o: Outcome): string {
  const head = `${o.id}: expected ${levelName(o.expected)}, found ${levelName(o.found)}`;
  if (o.found === undefined) return `${head} — no SKILL.md at this path`;
  if (!o.top) return `${head} — no findings`;
  const f = o.top;
  return `${head} — ${f.ruleId} (${f.level}) ${f.file}:${f.line}: ${JSON.stringify(oneLine(f.excerpt))}`;
}

async function loadLabels(
  dir: string,
  file: string | undefined,
): Promise<{ labels: Map<string, Label>; from: string }> {
  const path = file ? resolve(file) : join(dir, "labels.tsv");
  let text: string | undefined;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    if (file) throw new UsageError(`cannot read ${file}: ${(err as Error).message}`);
  }
  if (text === undefined)
    return { labels: new Map(), from: "folder names (benign/ → none, malicious/ → MALICIOUS)" };
  try {
    return { labels: parseLabels(text, path), from: `${path} (folder names for skills it does not list)` };
  } catch (err) {
    if (err instanceof LabelError) throw new UsageError(err.message);
    throw err;
  }
}

async function main(): Promise<void> {
  const args = parseEvalArgs(process.argv.slice(2));
  const st = await stat(args.dir).catch(() => undefined);
  if (!st?.isDirectory()) throw new UsageError(`${args.dir} is not a folder`);
  const dir = resolve(args.dir);
  const { labels, from } = await loadLabels(dir, args.labels);

  const ruleSet = await loadRuleSet(args.rules);
  const scriptAnalyzer = await loadScriptAnalyzer();
  const t0 = performance.now();
  const result = await scanPath(dir, { ruleSet, config: defaultConfig(), scriptAnalyzer });
  const ms = performance.now() - t0;

  const found = new Map<string, Found>();
  for (const s of result.skills) found.set(normaliseId(s.path), { level: s.level, top: s.findings[0] });
  // Skills the labels file does not list take their label from the top folder, when it says one.
  const all = new Map(labels);
  for (const id of found.keys()) {
    if (all.has(id)) continue;
    const l = labelFromFolder(id);
    if (l !== undefined) all.set(id, { id, expected: l, source: "folder" });
  }
  const e = evaluate(all, found);

  log(`skill-quarantine eval — ${dir}`);
  log(`labels: ${from}; ${all.size} labelled`);
  log(
    `scanned ${result.skills.length} skills in ${(ms / 1000).toFixed(2)} s with ${ruleSet.rules.length} text rules; script syntax trees ${scriptAnalyzer ? "on" : "OFF (loadScriptAnalyzer() returned undefined)"}`,
  );
  log();
  log("confusion matrix (rows: expected level, columns: level found)");
  log(renderMatrix(e));
  log();
  log(
    `false-quarantine rate: ${pct(e.falseQuarantineRate)} (${e.falseQuarantined} of ${e.benign} benign skills at SUSPICIOUS or above)`,
  );
  log(
    `detection rate:        ${pct(e.detectionRate)} (${e.detected} of ${e.malicious} malicious skills at SUSPICIOUS or above)`,
  );
  log(`benign RISKY share:    ${pct(e.benignRiskyShare)} (${e.benignRisky} of ${e.benign})`);
  log();
  log(`misclassified (wrong side of the SUSPICIOUS line): ${e.misclassified.length}`);
  for (const o of e.misclassified) log(`  ${describe(o)}`);
  if (e.underLevel.length) {
    log(`quarantined, but below the expected level: ${e.underLevel.length}`);
    for (const o of e.underLevel) log(`  ${describe(o)}`);
  }
  if (args.verbose) {
    const other = e.outcomes.filter(
      (o) => o.found !== o.expected && !e.misclassified.includes(o) && !e.underLevel.includes(o),
    );
    log(`other level differences: ${other.length}`);
    for (const o of other) log(`  ${describe(o)}`);
  }
  if (e.unlabelled.length)
    log(`unlabelled skills (left out of the figures): ${e.unlabelled.length}: ${e.unlabelled.join(", ")}`);

  const missed = missedGates(e, args.gates);
  const given = [
    args.gates.minDetection !== undefined ? `--min-detection ${pct(args.gates.minDetection)}` : "",
    args.gates.maxFalseQuarantine !== undefined
      ? `--max-false-quarantine ${pct(args.gates.maxFalseQuarantine)}`
      : "",
    args.gates.maxRisky !== undefined ? `--max-risky ${pct(args.gates.maxRisky)}` : "",
  ].filter(Boolean);
  if (given.length) {
    log();
    if (missed.length) {
      for (const m of missed) log(`gate MISSED: ${m}`);
      process.exitCode = 1;
    } else log(`gates met: ${given.join(", ")}`);
  }
}

runScript("eval", USAGE, main);
