import type { TextFile } from "../analyze/analysis-context.js";
import type { Finding } from "../types.js";
import { LIVE_CODE } from "./live-code.js";

// `sudo cp scripts/gcs-sync.{service,timer} /etc/systemd/system/`: a backup or sync skill installs
// the unit files it ships. What they run is in the skill for anyone to read: when every unit copied
// is a file of the skill whose commands fetch, decode and start nothing from the network, the
// service is held at RISKY (a person confirms it should run). A unit written from elsewhere, or
// one whose ExecStart downloads, keeps its level.

const UNIT_RULES = new Set(["persist.systemd-unit", "persist.launch-agent"]);
const COPY = /\b(?:cp|install|ln\s+-s\w*|rsync)\s+(?:-[\w-]+\s+)*((?:["']?[\w./{},@-]+["']?\s+)+)\S+/;
const UNIT_FILE = /\.(?:service|timer|socket|path|plist)$/;

/** `a.{service,timer}` → a.service a.timer (one level of braces, as shells do). */
function expand(word: string): string[] {
  const m = /^(.*)\{([^{}]*)\}(.*)$/.exec(word);
  if (!m) return [word];
  return m[2]!.split(",").map((alt) => `${m[1]}${alt}${m[3]}`);
}

/** Why a unit installed from the skill's own files is only its own inert service, or undefined. */
export function shippedUnit(
  f: Finding,
  at: { file: TextFile; line: string },
  skillMd: string,
  texts: ReadonlyMap<string, TextFile>,
): string | undefined {
  if (!UNIT_RULES.has(f.ruleId) || at.file.kind !== "instructions") return undefined;
  const m = COPY.exec(at.line);
  if (!m) return undefined;
  const sources = m[1]!
    .trim()
    .split(/\s+/)
    .map((w) => w.replace(/^["']|["']$/g, ""))
    .flatMap(expand)
    .filter((w) => UNIT_FILE.test(w));
  if (sources.length === 0) return undefined;
  // Paths in the instructions are from the skill's folder, where SKILL.md is.
  const prefix = skillMd.slice(0, skillMd.lastIndexOf("/") + 1);
  for (const src of sources) {
    const unit = texts.get(`${prefix}${src.replace(/^\.\//, "")}`);
    if (!unit || LIVE_CODE.test(unit.text)) return undefined;
  }
  return `installs the unit file${sources.length > 1 ? "s" : ""} it ships (${sources.join(", ")}), which fetch and decode nothing`;
}
