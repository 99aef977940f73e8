// Why one file of ~640 lines: this is the scan of one skill from its files to its report (reading
// within limits, hashing, links, text analysis, the manifest, who the skill says it is), threading
// one SkillState; the steps are small functions here, and detection and weighing live apart
// (analyze/, scripts/, weigh/).

import { createHash } from "node:crypto";
import type { AnalysisContext, SkillIdentity, TextFile } from "./analyze/analysis-context.js";
import { analyzeConfusables } from "./analyze/confusables.js";
import { zipDocumentKind } from "./analyze/documents.js";
import { analyzeEmbeddedCode } from "./analyze/embedded-code.js";
import { findEncoded } from "./analyze/encoded.js";
import { analyzeHidden, type HiddenText } from "./analyze/hidden.js";
import { impersonationFindings } from "./analyze/impersonation.js";
import { identityOf, NO_IDENTITY } from "./analyze/provenance.js";
import { acrossSoftWraps, keywordHits, runRules } from "./analyze/rules.js";
import { analyzeUrls } from "./analyze/urls.js";
import { archiveFormat, scanArchive } from "./archive/scan-archive.js";
import { CHECKS } from "./code-checks.js";
import type { DiscoveredSkill } from "./discover.js";
import { type FileSet, VCS_DIR } from "./fileset.js";
import { findingAt, observe, type Place } from "./findings.js";
import { levelOf } from "./levels.js";
import { linkTargetInside } from "./link-target.js";
import { parseSkillMd } from "./manifest/frontmatter.js";
import { type ManifestProblem, validateManifest } from "./manifest/validate.js";
import { markdownContext } from "./markdown/context.js";
import type { ScanOptions } from "./options.js";
import { timed } from "./profile.js";
import { qualityScore, relativeLinks } from "./quality.js";
import type { TextKind } from "./rules/schema.js";
import { summarise } from "./summary.js";
import { type DecodedFile, decodeBytes } from "./text/decode.js";
import { embeddedText } from "./text/embedded.js";
import { contentKind, isCodeKind, isScriptKind } from "./text/file-kind.js";
import { lowerForKeywords } from "./text/keywords.js";
import { LineIndex } from "./text/lines.js";
import { type KindedFile, runAsKinds } from "./text/run-as.js";
import type { Capability, Finding, Manifest, SkillReport } from "./types.js";
import { acceptedLine, decide, sortFindings } from "./verdict.js";
import { weigh } from "./weigh/index.js";
import { weighMatch } from "./weigh/match-context.js";

const RESCAN_KINDS: TextKind[] = ["instructions", "shell", "python", "javascript", "powershell"];
const MAX_DECODE_DEPTH = 2;

/**
 * A text file's bytes with CRLF pairs as LF: the same skill checked out on Windows (autocrlf) and
 * read from GitHub keeps one content hash. Lone CRs and every other byte stay as they are.
 */
function collapseCrlf(raw: Uint8Array): Uint8Array {
  if (raw.indexOf(13) < 0) return raw;
  const out = new Uint8Array(raw.byteLength);
  let n = 0;
  for (let i = 0; i < raw.byteLength; i++) {
    const b = raw[i]!;
    if (b === 13 && raw[i + 1] === 10) continue;
    out[n++] = b;
  }
  return out.subarray(0, n);
}

/** sha256 (hex) of every byte of a file, streamed by the source when it can. */
async function fullSha256(fs: FileSet, path: string): Promise<string> {
  if (fs.sha256) return fs.sha256(path);
  return createHash("sha256")
    .update(await fs.read(path, Number.POSITIVE_INFINITY))
    .digest("hex");
}

/**
 * What the content hash records of a file the scan did not read whole: its size and the sha256 of
 * every byte. A read error takes the digest's place, so the hash still differs from the readable file's.
 */
async function wholeFileDigest(fs: FileSet, path: string, size: number): Promise<string> {
  try {
    return `${size}\0${await fullSha256(fs, path)}`;
  } catch (err) {
    return `${size}\0unreadable: ${(err as Error).message}`;
  }
}

const join = (dir: string, rel: string) => (dir === "." ? rel : `${dir}/${rel}`);
const baseName = (p: string) => p.slice(p.lastIndexOf("/") + 1);

/**
 * The .py a compiled file was made from: `a/b.pyc` → `a/b.py`, `a/__pycache__/b.cpython-312.pyc` →
 * `a/b.py`. Undefined for a name that is not a .pyc.
 */
export function pycSource(rel: string): string | undefined {
  const m = /^(?:(.*)\/)?(?:__pycache__\/)?([^/]+?)(?:\.[a-z]+-\d+(?:\.opt-\d)?)?\.py[co]$/i.exec(rel);
  if (!m) return undefined;
  const dir = m[1] ?? "";
  const base = dir.endsWith("__pycache__") ? dir.slice(0, -"__pycache__".length).replace(/\/$/, "") : dir;
  return `${base ? `${base}/` : ""}${m[2]}.py`;
}

interface SkillState {
  findings: Finding[];
  usedCapabilities: Set<Capability>;
  hosts: Set<string>;
  scripts: string[];
  links: { target: string; from: string }[];
  filePaths: Set<string>;
  /** Every text file read, by path from the scanned root, for weighing stages that read a passage. */
  texts: Map<string, TextFile>;
  manifest: Manifest;
  manifestProblems: ManifestProblem[];
  hasFrontmatter: boolean;
  body: string;
}

const CODE_KINDS: TextKind[] = RESCAN_KINDS.filter(isScriptKind);

/**
 * Text with no kind of its own (decoded, hidden, embedded in a binary) read as each of `kinds`: the
 * first finding of every rule that matches as any of them (of every `keyOf`: a rule on each line).
 */
function rulesAcrossKinds(
  file: TextFile,
  kinds: TextKind[],
  ctx: AnalysisContext,
  keyOf = (f: Finding) => f.ruleId,
): Map<string, Finding> {
  const lower = lowerForKeywords(file.text);
  const hits = timed(ctx.clock, "prefilter", () => keywordHits(ctx.ruleSet.rules, lower));
  const found = new Map<string, Finding>();
  if (hits.size === 0) return found;
  for (const kind of kinds)
    for (const f of runRules(ctx.ruleSet.rules, file, lower, ctx, kind, hits))
      if (!found.has(keyOf(f))) found.set(keyOf(f), f);
  return found;
}

/**
 * Code hidden in an image, font or other binary asset (appended after the image data, or in a
 * metadata chunk): its printable text is read with the script rules. Only SUSPICIOUS and worse
 * counts, so metadata and licence text in ordinary assets stay quiet.
 */
function embeddedFindings(raw: Uint8Array, path: string, rel: string, ctx: AnalysisContext): Finding[] {
  const text = embeddedText(raw);
  if (!text) return [];
  const pseudo: TextFile = { path, skillPath: rel, kind: "shell", text, lines: new LineIndex(text) };
  const found = rulesAcrossKinds(pseudo, CODE_KINDS, ctx);
  return (
    [...found.values()]
      // Weighed here only to choose (the finding goes on with what was seen about it, unweighed).
      .filter((f) => levelOf(weighMatch(f).level) >= 3)
      .map((f) => ({
        ...f,
        line: 1,
        column: 1,
        excerpt: `text hidden in a binary file: ${f.excerpt}`,
      }))
  );
}

/**
 * The checks of a binary file, on disk or inside an archive. `openArchive` reads an archive's members
 * (files on disk only: an archive inside an archive is not opened); `hasFile` tells whether a path
 * beside it exists (a .pyc's source).
 */
function binaryFindings(
  raw: Uint8Array,
  decoded: DecodedFile,
  place: Place,
  rel: string,
  hasFile: (rel: string) => boolean,
  ctx: AnalysisContext,
  openArchive?: (format: string) => Finding[],
): Finding[] {
  const format = archiveFormat(raw, decoded.format);
  if (decoded.format === "elf" || decoded.format === "pe" || decoded.format === "mach-o") {
    return [findingAt(CHECKS.executable, place, { excerpt: `${rel}: ${decoded.format} executable` })];
  }
  if (decoded.format === "java-class") {
    return [findingAt(CHECKS.executable, place, { excerpt: `${rel}: compiled Java class (run by java)` })];
  }
  if (format) {
    const doc = decoded.format === "zip" ? zipDocumentKind(rel, raw) : undefined;
    if (doc) {
      const f = findingAt(CHECKS.archive, place, { excerpt: `${rel}: ${format} archive` });
      return [
        observe(f, {
          seen: "contents-checked",
          why: `${doc} (a zip container of XML), not an archive to unpack`,
        }),
      ];
    }
    if (openArchive) return openArchive(format);
    // Bit 0 of a zip entry's general-purpose flags marks it as encrypted.
    const encrypted = format === "zip" && ((raw[6] ?? 0) & 1) === 1;
    return [
      findingAt(encrypted ? CHECKS.encryptedArchive : CHECKS.archive, place, {
        excerpt: `${rel}: ${format} archive inside an archive, not opened`,
      }),
    ];
  }
  if (decoded.format === "pyc") {
    const source = pycSource(rel.slice(rel.lastIndexOf("!/") + 1).replace(/^\//, ""));
    const withSource = source !== undefined && hasFile(source);
    return [
      findingAt(CHECKS.compiledPython, place, {
        ...(withSource ? { level: "RISKY" as const, confidence: "medium" as const } : {}),
        excerpt: withSource
          ? `${rel}: compiled Python next to its source ${source} (a cache that need not match it)`
          : `${rel}: compiled Python with no ${source ?? ".py"} source in the skill`,
      }),
    ];
  }
  if (decoded.format === "wasm") {
    return [findingAt(CHECKS.executable, place, { level: "RISKY", excerpt: `${rel}: WebAssembly module` })];
  }
  return embeddedFindings(raw, place.file, rel, ctx);
}

/**
 * One file of an archive, scanned as a file of the skill (a text file with every rule and script
 * analysis, its kind by its own name; a binary one with the binary checks).
 */
function scanMember(
  m: { path: string; skillPath: string; inner: string; data: Uint8Array; sibling: (p: string) => boolean },
  ctx: AnalysisContext,
  state: SkillState,
  blockedHashes: Set<string>,
): void {
  const at = { file: m.path, line: 1, column: 1, context: "file" as const };
  if (blockedHashes.size > 0) {
    const h = createHash("sha256").update(m.data).digest("hex");
    if (blockedHashes.has(h))
      state.findings.push(
        findingAt(CHECKS.blocklistedFile, at, { excerpt: `sha256 ${h}`, trigger: "blocklist" }),
      );
  }
  const d = decodeBytes(m.data);
  if (d.binary) {
    state.findings.push(...binaryFindings(m.data, d, at, m.skillPath, m.sibling, ctx));
    return;
  }
  if (d.invalidUtf8) state.findings.push(findingAt(CHECKS.invalidUtf8, at, { excerpt: m.skillPath }));
  const kind = contentKind(m.inner, d.text);
  const file: TextFile = {
    path: m.path,
    skillPath: m.skillPath,
    kind,
    text: d.text,
    lines: new LineIndex(d.text),
  };
  if (kind === "instructions" && /\.(md|markdown|mdx)$/i.test(m.inner))
    file.contextAt = markdownContext(d.text, 0, ctx.clock);
  if (isCodeKind(kind)) state.scripts.push(m.skillPath);
  state.filePaths.add(m.skillPath);
  state.texts.set(m.path, file);
  analyzeText(file, ctx, state);
}

/** Rescans decoded or hidden text with every rule and reports what it finds at the encoded place. */
function rescanHidden(
  h: HiddenText,
  origin: TextFile,
  ctx: AnalysisContext,
  state: SkillState,
  depth: number,
): Finding[] {
  const pseudo: TextFile = { ...origin, kind: "instructions", text: h.text, lines: new LineIndex(h.text) };
  delete pseudo.contextAt;
  delete pseudo.bodyOffset;
  const { undone } = h;
  if (undone) Object.assign(pseudo, undone.reading);
  // The file's own lines read again: each line's match counts, not only a rule's first.
  const keyOf = undone ? (f: Finding) => `${f.ruleId}@${f.line}` : (f: Finding) => f.ruleId;
  const found = rulesAcrossKinds(pseudo, RESCAN_KINDS, ctx, keyOf);
  for (const f of analyzeUrls(pseudo, ctx, state.hosts)) if (!found.has(keyOf(f))) found.set(keyOf(f), f);
  const pos = origin.lines.position(h.offset);
  // The file with a disguise undone keeps its lines: each finding goes where it was written.
  const placed = (f: Finding) =>
    undone ? origin.lines.position(undone.originOffset(pseudo.lines.lineStart(f.line) + f.column - 1)) : pos;
  let out: Finding[] = [...found.values()].map((f) => ({
    ...f,
    file: origin.path,
    ...placed(f),
    excerpt: `decoded (${h.encoding}): ${f.excerpt}`,
    decoded: { encoding: h.encoding, text: h.text.slice(0, 500) },
  }));
  if (depth < MAX_DECODE_DEPTH) {
    for (const inner of findEncoded(pseudo).hidden) {
      out.push(
        ...rescanHidden(
          {
            ...inner,
            offset: undone ? undone.originOffset(inner.offset) : h.offset,
            encoding: `${h.encoding}+${inner.encoding}`,
          },
          origin,
          ctx,
          state,
          depth + 1,
        ),
      );
    }
  }
  if (undone) {
    // News only: what the scans of the file itself already found on that line stays theirs.
    const seen = new Set(
      state.findings.filter((o) => o.file === origin.path).map((o) => `${o.ruleId}@${o.line}`),
    );
    out = out.filter(
      (f) => undone.touches(f.line, f.endLine ?? f.line) && !seen.has(`${f.ruleId}@${f.line}`),
    );
    const first = out.find((f) => levelOf(weighMatch(f).level) >= 2);
    if (first) out.push(undone.named(first.line));
    return out;
  }
  const isEncoding = h.encoding !== "unicode-tags" && h.encoding !== "hidden-style";
  if (isEncoding && out.some((f) => levelOf(weighMatch(f).level) >= 2)) {
    out.push(
      findingAt(
        CHECKS.encodedCommand,
        { file: origin.path, line: pos.line, column: pos.column, context: "file" },
        {
          excerpt: `decoded (${h.encoding}): ${h.text.slice(0, 160).replace(/\s+/g, " ")}`,
          decoded: { encoding: h.encoding, text: h.text.slice(0, 500) },
        },
      ),
    );
  }
  return out;
}

function analyzeText(file: TextFile, ctx: AnalysisContext, state: SkillState): void {
  const lower = lowerForKeywords(file.text);
  const out = state.findings;
  const found = runRules(ctx.ruleSet.rules, file, lower, ctx);
  out.push(...found, ...acrossSoftWraps(ctx.ruleSet.rules, file, ctx, found));
  out.push(...timed(ctx.clock, "urls", () => analyzeUrls(file, ctx, state.hosts, state.usedCapabilities)));
  ctx.clock?.enter("decoding");
  const hidden = analyzeHidden(file, lower);
  out.push(...hidden.findings);
  const encoded = findEncoded(file);
  out.push(...encoded.findings);
  const confusable = analyzeConfusables(file);
  out.push(...confusable.findings);
  for (const h of [...hidden.hidden, ...encoded.hidden, ...confusable.hidden])
    out.push(...rescanHidden(h, file, ctx, state, 1));
  // Last: it reports only what the scans above did not already find on the disguised lines.
  if (hidden.disguised) out.push(...rescanHidden(hidden.disguised, file, ctx, state, 1));
  ctx.clock?.leave();
  if (isScriptKind(file.kind) && ctx.scriptAnalyzer) {
    try {
      const a = ctx.scriptAnalyzer;
      if (a.analyzeDetailed) {
        const r = a.analyzeDetailed(file, ctx);
        out.push(...r.findings);
        // Plain network and shell use describe the skill (L1, anomaly) without being a finding; the
        // high-risk capabilities count only when a finding proves them.
        for (const c of r.capabilities) if (c === "network" || c === "shell") state.usedCapabilities.add(c);
      } else out.push(...a.analyze(file, ctx));
    } catch {
      // A parser failure must not hide the text rules' findings, which already ran.
    }
  }
  const embedded = analyzeEmbeddedCode(file, ctx, out);
  out.push(...embedded.findings);
  for (const c of embedded.capabilities) state.usedCapabilities.add(c);
  if (file.kind === "instructions") {
    const dir = file.skillPath.includes("/") ? file.skillPath.slice(0, file.skillPath.lastIndexOf("/")) : ".";
    for (const target of relativeLinks(file.text, dir)) state.links.push({ target, from: file.path });
  }
}

function manifestFindings(state: SkillState, skillMd: string, mdText: string | undefined): void {
  const lines = mdText ? new LineIndex(mdText) : undefined;
  for (const p of state.manifestProblems) {
    const meta = p.required ? CHECKS.manifestRequired : CHECKS.manifestOptional;
    let line = 1;
    let excerpt = `(no \`${p.field}:\` line in the frontmatter)`;
    if (lines && mdText) {
      const at = mdText.search(new RegExp(`^${p.field.replace(/[-]/g, "\\-")}\\s*:`, "m"));
      if (at >= 0) {
        line = lines.position(at).line;
        excerpt = lines.lineText(line).slice(0, 160);
      }
    }
    state.findings.push(
      findingAt(
        meta,
        { file: skillMd, line, column: 1, context: "frontmatter" },
        {
          title: `${meta.title}: ${p.field}`,
          excerpt,
          explanation: `${p.message}.`,
          remediation: `${p.fix.charAt(0).toUpperCase()}${p.fix.slice(1)}.`,
        },
      ),
    );
  }
  if (state.manifest.unknownKeys.length) {
    state.findings.push(
      findingAt(
        CHECKS.manifestOptional,
        { file: skillMd, line: 1, column: 1, context: "frontmatter" },
        {
          title: "Frontmatter keys outside the specification",
          level: "LOW_QUALITY",
          confidence: "low",
          excerpt: state.manifest.unknownKeys.slice(0, 10).join(", "),
          explanation: `These keys are not part of the Agent Skills specification and are ignored by agents: ${state.manifest.unknownKeys.slice(0, 10).join(", ")}.`,
          remediation: "Move custom keys under `metadata:` (string values).",
        },
      ),
    );
  }
}

async function identityFromSkillMd(
  fs: FileSet,
  skill: DiscoveredSkill,
  skillMd: string,
  max: number,
): Promise<SkillIdentity> {
  const entry = skill.entries.find((e) => e.path === skillMd && e.kind === "file" && !e.problem);
  if (!entry) return NO_IDENTITY;
  try {
    const d = decodeBytes(await fs.read(entry.path, max));
    return d.binary ? NO_IDENTITY : identityOf(d.text);
  } catch {
    return NO_IDENTITY;
  }
}

/**
 * A skill's id is its folder's path from the scanned root (the repository root in the Action and the
 * App), so two skills of one name in different folders of a monorepo never share decisions, reports or
 * appeals. A skill at the root itself is named after the root folder (the repository). The operator's
 * `namespace` is an optional prefix.
 */
export function skillId(dir: string, name: string, opts: ScanOptions): string {
  const path = dir === "." ? (opts.rootName ?? name) : dir;
  const namespace = opts.config?.namespace;
  return namespace ? `${namespace}/${path}` : path;
}

/** Scans one skill: reads its files through the FileSet, analyses them and decides its level. */
export async function scanSkill(
  fs: FileSet,
  skill: DiscoveredSkill,
  ctx: AnalysisContext,
  opts: ScanOptions,
): Promise<SkillReport> {
  const config = ctx.config;
  const limits = config.limits;
  const dir = skill.dir;
  const skillMd = join(dir, "SKILL.md");
  const state: SkillState = {
    findings: [],
    usedCapabilities: new Set(),
    hosts: new Set(),
    scripts: [],
    links: [],
    filePaths: new Set(),
    texts: new Map(),
    manifest: { unknownKeys: [], raw: null },
    manifestProblems: [],
    hasFrontmatter: false,
    body: "",
  };
  const hash = createHash("sha256");
  let bytes = 0;
  let files = 0;
  let skippedForSize = 0;
  let archiveMembers = 0;
  let entryPaths: Set<string> | undefined;
  let mdText: string | undefined;
  const prefix = dir === "." ? "" : `${dir}/`;
  // Provenance weighs every file's downloads by who the skill says it is, and files sorting before
  // SKILL.md (README.md, LICENSE) are read before it: its frontmatter is read first, on its own.
  ctx.clock?.enter("frontmatter");
  ctx = { ...ctx, skill: await identityFromSkillMd(fs, skill, skillMd, limits.maxFileBytes) };
  ctx.clock?.leave();
  const blockedHashes = new Set(
    [...ctx.ruleSet.blocklist.sha256, ...config.blocklist.sha256].map((s) => s.toLowerCase()),
  );

  const invalidNames: string[] = [];
  // Text files with no kind of their own wait for the whole skill: a command anywhere may run them.
  const kinded: KindedFile[] = [];
  const untyped: TextFile[] = [];
  let vcsAt: string | undefined;
  for (const [i, entry] of skill.entries.entries()) {
    const rel = entry.path.slice(prefix.length);
    const place = { file: entry.path, line: 1, column: 1, context: "file" as const };
    if (entry.invalidName) invalidNames.push(entry.path);
    if (vcsAt === undefined && `/${rel}/`.includes(`/${VCS_DIR}/`)) vcsAt = entry.path;
    // Past the file limit the rest is not scanned, but still hashed: a reviewer's approval is bound
    // to every byte of the skill.
    const scanning = i < limits.maxFilesPerSkill;
    if (i === limits.maxFilesPerSkill) {
      state.findings.push(
        findingAt(CHECKS.tooManyFiles, place, {
          excerpt: `${skill.entries.length - i} of ${skill.entries.length} entries not checked (limit ${limits.maxFilesPerSkill}); too large to check whole, a reviewer must look`,
        }),
      );
    }
    if (entry.problem) {
      // The source could not give the bytes: what it knows still changes the hash when it changes.
      hash.update(`${rel}\0refused\0${entry.kind}\0${entry.size}\0${entry.problem}\n`);
      if (scanning)
        state.findings.push(findingAt(CHECKS.notScanned, place, { excerpt: `${rel}: ${entry.problem}` }));
      continue;
    }
    if (entry.kind === "symlink") {
      const target = entry.linkTarget ?? "";
      hash.update(`${rel}\0link\0${target}\n`);
      if (!scanning) continue;
      const linkDir = rel.includes("/") ? rel.slice(0, rel.lastIndexOf("/")) : "";
      const inside = linkTargetInside(linkDir, target);
      state.findings.push(
        findingAt(inside === undefined ? CHECKS.symlinkOutside : CHECKS.symlinkInside, place, {
          excerpt: `${rel} -> ${target}`,
        }),
      );
      continue;
    }
    if (entry.kind !== "file") {
      hash.update(`${rel}\0${entry.kind}\0${entry.size}\n`);
      if (scanning)
        state.findings.push(findingAt(CHECKS.notScanned, place, { excerpt: `${rel} is not a regular file` }));
      continue;
    }
    if (!scanning || bytes >= limits.maxSkillBytes) {
      if (scanning) skippedForSize++;
      hash.update(`${rel}\0file\0${await wholeFileDigest(fs, entry.path, entry.size)}\n`);
      continue;
    }
    const want = Math.min(limits.maxFileBytes, limits.maxSkillBytes - bytes);
    let raw: Uint8Array;
    ctx.clock?.enter("read");
    try {
      raw = await fs.read(entry.path, want);
    } catch (err) {
      ctx.clock?.leave();
      hash.update(`${rel}\0unreadable\0${entry.size}\0${(err as Error).message}\n`);
      state.findings.push(
        findingAt(CHECKS.notScanned, place, { excerpt: `could not read ${rel}: ${(err as Error).message}` }),
      );
      continue;
    }
    files++;
    bytes += raw.byteLength;
    state.filePaths.add(rel);
    // Fewer bytes than listed: the limit cut the file, or the source kept only its head.
    const whole = entry.size <= raw.byteLength;
    if (!whole) {
      const cutBySize = entry.size > limits.maxFileBytes || raw.byteLength < want;
      state.findings.push(
        findingAt(cutBySize ? CHECKS.fileTooLarge : CHECKS.skillTooLarge, place, {
          excerpt: `${rel}: ${entry.size} bytes, first ${raw.byteLength} checked; too large to check whole, a reviewer must look`,
        }),
      );
    }
    // A blocklisted file is known by the sha256 of all of it, read whole or not.
    const fileHash = whole
      ? createHash("sha256").update(raw).digest("hex")
      : await fullSha256(fs, entry.path).catch(() => "");
    if (blockedHashes.has(fileHash)) {
      state.findings.push(
        findingAt(CHECKS.blocklistedFile, place, { excerpt: `sha256 ${fileHash}`, trigger: "blocklist" }),
      );
    }
    const decoded = decodeBytes(raw);
    const contentDigest = !whole
      ? `${entry.size}\0${fileHash || "unreadable"}`
      : decoded.binary
        ? fileHash
        : createHash("sha256").update(collapseCrlf(raw)).digest("hex");
    hash.update(`${rel}\0file\0${contentDigest}\n`);
    ctx.clock?.leave();
    if (decoded.binary) {
      if (rel === "SKILL.md")
        state.findings.push(
          findingAt(CHECKS.skillMdUnreadable, place, {
            excerpt: `SKILL.md: ${decoded.format === "other" ? "binary data (a NUL byte in the first 8 KiB)" : `${decoded.format} data`}`,
          }),
        );
      entryPaths ??= new Set(skill.entries.map((e) => e.path));
      const onDisk = entryPaths;
      const hasFile = (p: string) => onDisk.has(prefix + p);
      state.findings.push(
        ...binaryFindings(raw, decoded, place, rel, hasFile, ctx, (format) => {
          const r = scanArchive({
            raw,
            format,
            place,
            rel,
            budget: limits.maxSkillBytes - bytes,
            members: limits.maxFilesPerSkill - archiveMembers,
            taken: (p) => state.texts.has(p) || onDisk.has(p),
            scanMember: (path, skillPath, inner, data, sibling) =>
              scanMember({ path, skillPath, inner, data, sibling }, ctx, state, blockedHashes),
          });
          bytes += r.bytes;
          archiveMembers += r.members;
          return r.findings;
        }),
      );
      continue;
    }
    const text = decoded.text;
    if (decoded.invalidUtf8) state.findings.push(findingAt(CHECKS.invalidUtf8, place, { excerpt: rel }));
    const kind = contentKind(rel, text);
    const file: TextFile = { path: entry.path, skillPath: rel, kind, text, lines: new LineIndex(text) };
    if (rel === "SKILL.md") {
      mdText = text;
      ctx.clock?.enter("frontmatter");
      const parsed = parseSkillMd(text);
      state.hasFrontmatter = parsed.data !== null;
      for (const p of parsed.problems) {
        const meta =
          p.code === "frontmatter-code"
            ? CHECKS.frontmatterCode
            : p.code === "frontmatter-alias-bomb"
              ? CHECKS.frontmatterBomb
              : p.code === "frontmatter-too-large"
                ? CHECKS.frontmatterTooLarge
                : p.code === "frontmatter-missing"
                  ? CHECKS.frontmatterMissing
                  : CHECKS.frontmatterInvalid;
        state.findings.push(
          findingAt(
            meta,
            { file: entry.path, line: p.line, column: 1, context: "frontmatter" },
            { excerpt: p.message },
          ),
        );
      }
      const v = validateManifest(parsed.data, dir === "." ? (opts.rootName ?? "") : baseName(dir));
      state.manifest = v.manifest;
      state.manifestProblems = v.problems;
      file.bodyOffset = parsed.bodyOffset;
      state.body = text.slice(parsed.bodyOffset);
      const body = state.body;
      ctx.clock?.leave();
      file.contextAt = markdownContext(body, parsed.bodyOffset, ctx.clock);
    } else if (kind === "instructions" && /\.(md|markdown|mdx)$/i.test(rel)) {
      file.contextAt = markdownContext(text, 0, ctx.clock);
    }
    if (isCodeKind(kind)) state.scripts.push(rel);
    state.texts.set(entry.path, file);
    kinded.push({ path: rel, kind, text });
    if (kind === "data") untyped.push(file);
    else analyzeText(file, ctx, state);
  }
  const runAs = runAsKinds(kinded);
  for (const file of untyped) {
    const kind = runAs.get(file.skillPath);
    if (kind) {
      file.kind = kind;
      state.scripts.push(file.skillPath);
    }
    analyzeText(file, ctx, state);
  }
  if (skippedForSize > 0) {
    state.findings.push(
      findingAt(
        CHECKS.skillTooLarge,
        { file: skillMd, line: 1, column: 1, context: "file" },
        {
          excerpt: `${skippedForSize} file(s) past the ${limits.maxSkillBytes}-byte limit were not checked; too large to check whole, a reviewer must look`,
        },
      ),
    );
  }
  if (invalidNames.length > 0) {
    state.findings.push(
      findingAt(
        CHECKS.invalidName,
        { file: invalidNames[0]!, line: 1, column: 1, context: "file" },
        {
          excerpt: `${invalidNames.slice(0, 5).join(", ")}${invalidNames.length > 5 ? ` and ${invalidNames.length - 5} more` : ""}`,
        },
      ),
    );
  }
  if (vcsAt !== undefined) {
    state.findings.push(
      findingAt(
        CHECKS.vcsFolder,
        { file: vcsAt, line: 1, column: 1, context: "file" },
        { excerpt: `${vcsAt} (scanned as content)` },
      ),
    );
  }
  manifestFindings(state, skillMd, mdText);
  const nameLine = mdText ? mdText.slice(0, Math.max(0, mdText.search(/^name\s*:/m))).split("\n").length : 1;
  state.findings.push(
    ...impersonationFindings(state.manifest, ctx.ruleSet.impersonation, opts.author, {
      file: skillMd,
      line: nameLine,
    }),
  );

  const name = state.manifest.name ?? (dir === "." ? (opts.rootName ?? "skill") : baseName(dir));
  const id = skillId(dir, name, opts);
  const author = opts.author?.toLowerCase();
  if (author && [...ctx.ruleSet.blocklist.authors, ...config.blocklist.authors].includes(author)) {
    state.findings.push(
      findingAt(
        CHECKS.blocklistedAuthor,
        { file: skillMd, line: 1, column: 1, context: "file" },
        {
          excerpt: `author ${opts.author}`,
          trigger: "blocklist",
        },
      ),
    );
  }
  const reports = opts.reports?.[id] ?? 0;
  if (reports >= config.reportThreshold) {
    state.findings.push(
      findingAt(
        CHECKS.userReports,
        { file: skillMd, line: 1, column: 1, context: "file" },
        {
          excerpt: `${reports} distinct users reported this skill (threshold ${config.reportThreshold})`,
          trigger: "user-reports",
        },
      ),
    );
  }

  const contentHash = hash.digest("hex");
  ctx.clock?.enter("weighing");
  const weighed = weigh(state.findings, {
    config,
    skillDir: dir,
    skillMd,
    manifest: state.manifest,
    used: state.usedCapabilities,
    texts: state.texts,
    identity: ctx.skill,
    domains: ctx.ruleSet.domains,
    hosts: [...state.hosts].sort(),
    scripts: state.scripts,
    before: opts.baselineOf?.(id, name),
  });
  ctx.clock?.leave();
  ctx.clock?.enter("report");
  const findings = sortFindings(weighed.findings);
  const caps = weighed.caps;
  const decision = opts.decisions?.find((d) => d.skillId === id && d.contentHash === contentHash);
  const verdict = decide(findings, decision, {
    publisher: opts.publisher,
    verifiedPublishers: config.verifiedPublishers ?? [],
  });
  const links = state.links.map((l) => ({
    target: l.target,
    resolves: state.filePaths.has(l.target.slice(prefix.length)) || state.filePaths.has(l.target),
  }));
  const report: SkillReport = {
    id,
    quarantineStatus: verdict.quarantineStatus,
    path: dir,
    name,
    level: verdict.level,
    severity: verdict.severity,
    trust: verdict.trust,
    qualityScore: qualityScore({
      manifest: state.manifest,
      problems: state.manifestProblems,
      hasFrontmatter: state.hasFrontmatter,
      body: state.body,
      links,
    }),
    trigger: verdict.trigger,
    contentHash,
    capabilities: caps,
    hosts: [...state.hosts].sort(),
    scripts: state.scripts,
    findings,
    summary: [
      ...summarise(
        verdict.severity,
        state.manifest.description,
        caps,
        findings,
        verdict.quarantineStatus.reason,
      ),
      ...findings.filter((f) => f.category === "anomaly").map((f) => `What changed: ${f.explanation}`),
      ...(verdict.accepted ? [acceptedLine(verdict.accepted)] : []),
    ],
    manifest: state.manifest,
    stats: { files, bytes },
    ...(verdict.accepted ? { accepted: verdict.accepted } : {}),
  };
  ctx.clock?.leave();
  return report;
}
