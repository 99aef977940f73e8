// Summarises a V8 .cpuprofile (from `node --cpu-prof`): functions by self time (regex executions
// grouped as one line each, patterns shortened), self time per source file, and inclusive time of
// the scanner's own functions (lib/scan, src/scan).
// Usage (after `npm run build:tools`): node lib-tools/tools/bench/profile.js <file> [top]
import { readFileSync } from "node:fs";

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const IDLE = new Set(["(idle)", "(program)"]);

function fileOf(f: CallFrame): string {
  if (!f.url) return "(native/vm)";
  return f.url
    .replace(/^file:\/\//, "")
    .replace(/^.*\/(node_modules\/)/, "$1")
    .replace(/^.*\/((lib|src)\/)/, "$1");
}

function nameOf(f: CallFrame): string {
  const fn = f.functionName || "(anonymous)";
  if (fn.startsWith("RegExp: ")) return fn.length > 90 ? `${fn.slice(0, 90)}…` : fn;
  return `${fn}  ${fileOf(f)}${f.url ? `:${f.lineNumber + 1}` : ""}`;
}

export function summarise(profile: CpuProfile, top = 25): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  let busy = 0;
  const byFn = new Map<string, number>();
  const byFile = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let regex = 0;
  for (const [id, us] of self) {
    const f = byId.get(id)!.callFrame;
    if (IDLE.has(f.functionName)) continue;
    busy += us;
    const name = nameOf(f);
    byFn.set(name, (byFn.get(name) ?? 0) + us);
    byFile.set(fileOf(f), (byFile.get(fileOf(f)) ?? 0) + us);
    if (f.functionName.startsWith("RegExp: ")) regex += us;
    // Inclusive: every distinct scanner function on this sample's stack.
    const seen = new Set<string>();
    for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) {
      const cf = byId.get(n)!.callFrame;
      if (!/\/(lib|src)\/scan\//.test(cf.url)) continue;
      const key = `${cf.functionName || "(anonymous)"}  ${fileOf(cf)}:${cf.lineNumber + 1}`;
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + us);
    }
  }
  const pct = (us: number) => `${((100 * us) / busy).toFixed(1).padStart(5)}%`;
  const ms = (us: number) => `${(us / 1000).toFixed(0).padStart(6)} ms`;
  const lines = [
    `busy samples ${(busy / 1000).toFixed(0)} ms (idle excluded); all regex executions together: ${pct(regex).trim()}`,
    "",
    "self time by function:",
  ];
  for (const [n, us] of [...byFn].sort((a, b) => b[1] - a[1]).slice(0, top))
    lines.push(`  ${pct(us)} ${ms(us)}  ${n}`);
  lines.push("", "self time by file:");
  for (const [n, us] of [...byFile].sort((a, b) => b[1] - a[1]).slice(0, 12))
    lines.push(`  ${pct(us)} ${ms(us)}  ${n}`);
  lines.push("", "inclusive time, scanner functions:");
  for (const [n, us] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, top))
    lines.push(`  ${pct(us)} ${ms(us)}  ${n}`);
  return lines.join("\n");
}

const [file, top] = process.argv.slice(2);
if (file && /profile\.(js|ts)$/.test(process.argv[1] ?? "")) {
  process.stdout.write(
    `${summarise(JSON.parse(readFileSync(file, "utf8")) as CpuProfile, Number(top) || 25)}\n`,
  );
}
