// Where a scan spends its time, stage by stage, for the benchmark's budget. The core stays pure: it
// never reads a clock itself, the caller hands one in (`ScanOptions.profile`), and without one every
// hook is a plain call.

/** The scan's stages, in the order a skill goes through them. */
export const STAGES = [
  "discovery",
  "read",
  "frontmatter",
  "markdown",
  "prefilter",
  "regex",
  "urls",
  "decoding",
  "parse",
  "taint",
  "weighing",
  "report",
] as const;

export type Stage = (typeof STAGES)[number];

export const STAGE_LABELS: Record<Stage, string> = {
  discovery: "discovery (list, find SKILL.md)",
  read: "read + hash + UTF-8 decode",
  frontmatter: "frontmatter + manifest",
  markdown: "Markdown context",
  prefilter: "keyword prefilter",
  regex: "regex windows (text rules)",
  urls: "URL extraction",
  decoding: "hidden / encoded text (find + decode)",
  parse: "syntax trees (parse)",
  taint: "taint walk",
  weighing: "weighing",
  report: "verdict + report",
};

/**
 * Exclusive time per stage: a stage entered while another runs pauses the outer one (the text rules
 * asking for a Markdown context count as Markdown, not as regex), so the stages add up to the scan.
 * One clock per scan at a time: stages of two interleaved async scans would be charged to each other.
 */
export class StageClock {
  readonly ms: Record<Stage, number> = Object.fromEntries(STAGES.map((s) => [s, 0])) as Record<Stage, number>;
  private readonly stack: Stage[] = [];
  private last = 0;

  /** `now`: milliseconds from any fixed origin (performance.now in Node). */
  constructor(private readonly now: () => number) {}

  enter(stage: Stage): void {
    const t = this.now();
    const top = this.stack[this.stack.length - 1];
    if (top !== undefined) this.ms[top] += t - this.last;
    this.stack.push(stage);
    this.last = t;
  }

  leave(): void {
    const t = this.now();
    const top = this.stack.pop();
    if (top !== undefined) this.ms[top] += t - this.last;
    this.last = t;
  }

  /** Sum of every stage. */
  total(): number {
    let n = 0;
    for (const s of STAGES) n += this.ms[s];
    return n;
  }
}

/** Runs `fn` as `stage` on `clock`; without a clock, just runs it. */
export function timed<T>(clock: StageClock | undefined, stage: Stage, fn: () => T): T {
  if (!clock) return fn();
  clock.enter(stage);
  try {
    return fn();
  } finally {
    clock.leave();
  }
}

/** `timed` for a promise: the stage lasts until it settles. */
export async function timedAsync<T>(
  clock: StageClock | undefined,
  stage: Stage,
  fn: () => Promise<T>,
): Promise<T> {
  if (!clock) return fn();
  clock.enter(stage);
  try {
    return await fn();
  } finally {
    clock.leave();
  }
}
