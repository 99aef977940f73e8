import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile, realpath, stat } from "node:fs/promises";
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import {
  CONFIG_PATH,
  ConfigError,
  defaultConfig,
  type LevelNumber,
  parseConfigText,
  parseLevel,
  parseRepositoryConfig,
  type ScanConfig,
} from "../scan/index.js";

// The one config loader of the CLI and the Action (the App reads through Probot's loader and
// src/app/config.ts, with the same trust rules of src/scan/config-trust.ts). Who wrote the file
// decides what applies (DESIGN "Non-bypassable"):
// - the CLI's --config and the Action's file are the operator's: everything applies;
// - the CLI's default file under the scanned folder is the scanned repository's: only what adds
//   strictness;
// - on a pull request the Action reads the file from the base commit, never from the head.

export { CONFIG_PATH };
/** @deprecated the same constant under its earlier name, kept for `skill-quarantine/node` users. */
export const DEFAULT_CONFIG_PATH = CONFIG_PATH;
export const MAX_CONFIG_BYTES = 256 * 1024;

/** The fail-on threshold that no level reaches: `fail-on: none` (never fail), on every surface. */
export const NEVER_FAIL = 5;
/** The default fail-on: SUSPICIOUS. */
export const DEFAULT_FAIL_ON: LevelNumber = 3;

/** A level name (or "none") as a fail-on threshold: none → NEVER_FAIL; undefined when not a level. */
export function failThreshold(name: string): number | undefined {
  const n = parseLevel(name);
  if (n === undefined) return undefined;
  return n === 0 ? NEVER_FAIL : n;
}

/** The threshold in effect: the flag or input when given, else the config's `fail-on`, else SUSPICIOUS. */
export function effectiveFailOn(given: number | undefined, config: ScanConfig): number {
  if (given !== undefined) return given;
  return (config.failOn && failThreshold(config.failOn)) || DEFAULT_FAIL_ON;
}

/** A config that cannot be used; the message names the file and the field. */
export class ConfigLoadError extends Error {
  override name = "ConfigLoadError";
}

const inside = (root: string, p: string) =>
  p === root || p.startsWith(root.endsWith(sep) ? root : root + sep);
const posix = (p: string) => p.split(sep).join("/");

/**
 * Reads the CLI's config: `--config` is the user's own file and applies whole. Without it, the default
 * path under `root` is part of what is being scanned (a cloned skill repository ships its own), so it
 * is taken as repository content (src/scan/config-trust.ts): only what adds strictness, and `warn`
 * gets one line per ignored key. To apply a file of your own repository whole, pass it to --config.
 */
export async function loadConfigFile(
  explicit: string | undefined,
  root: string,
  warn: (line: string) => void = () => {},
): Promise<ScanConfig> {
  const path = explicit ?? (existsSync(join(root, CONFIG_PATH)) ? join(root, CONFIG_PATH) : undefined);
  if (!path) return defaultConfig();
  const st = await stat(path).catch(() => undefined);
  if (!st?.isFile()) throw new Error(`config file ${path} does not exist; pass an existing file to --config`);
  if (st.size > MAX_CONFIG_BYTES)
    throw new Error(`config file ${path} is larger than ${MAX_CONFIG_BYTES} bytes`);
  const text = await readFile(path, "utf8");
  if (explicit) return parseConfigText(text, path);
  const merged = parseRepositoryConfig(defaultConfig(), text, path);
  for (const line of merged.ignored) warn(`${path}: ${line}; pass it with --config to apply it as your own`);
  return merged.config;
}

export function gitOut(cwd: string, args: string[], maxBuffer = 64 * 1024): Promise<string | undefined> {
  return new Promise((res) => {
    execFile(
      "git",
      args,
      { cwd, encoding: "utf8", maxBuffer, env: { ...process.env, GIT_TERMINAL_PROMPT: "0" } },
      (err, out) => res(err ? undefined : String(out)),
    );
  });
}

/** A file read from a commit of the checkout's history (never from the working tree). */
export type AtCommit =
  | { state: "read"; text: string; fileName: string }
  | { state: "absent" }
  | { state: "no-commit" };

/**
 * `inRepo` (a repository path) at `commit` (a sha or a ref such as refs/remotes/origin/main):
 * "no-commit" when the commit is not in the checkout, "absent" when the file is not there.
 * Throws ConfigLoadError (prefixed with `label`) for a folder, an oversized or unreadable file.
 */
export async function readAtCommit(
  repoRoot: string,
  commit: string,
  inRepo: string,
  label: string,
  maxBytes = MAX_CONFIG_BYTES,
): Promise<AtCommit> {
  const short = /^[0-9a-f]{40}$/i.test(commit) ? commit.slice(0, 12) : commit;
  if ((await gitOut(repoRoot, ["cat-file", "-e", `${commit}^{commit}`])) === undefined)
    return { state: "no-commit" };
  const type = (await gitOut(repoRoot, ["cat-file", "-t", `${commit}:${inRepo}`]))?.trim();
  if (type === undefined) return { state: "absent" };
  if (type !== "blob") throw new ConfigLoadError(`${label}: "${inRepo}" at ${short} is not a file`);
  const size = Number((await gitOut(repoRoot, ["cat-file", "-s", `${commit}:${inRepo}`]))?.trim());
  if (!(size <= maxBytes))
    throw new ConfigLoadError(`${label}: "${inRepo}" at ${short} is larger than ${maxBytes} bytes`);
  const text = await gitOut(repoRoot, ["cat-file", "blob", `${commit}:${inRepo}`], maxBytes + 1);
  if (text === undefined) throw new ConfigLoadError(`${label}: "${inRepo}" could not be read from ${short}`);
  return { state: "read", text, fileName: `${inRepo}@${short}` };
}

/** Where the Action's config comes from: on a pull request, the base commit. */
export interface ConfigOrigin {
  eventName: string;
  payload: Record<string, unknown> | undefined;
  /** The repository's top folder (git work tree). */
  repoRoot: string;
}

export const payloadField = (o: unknown, ...keys: string[]): unknown =>
  keys.reduce<unknown>(
    (v, k) => (v && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined),
    o,
  );

/** The pull request's base sha from the event payload, when the event is a pull request and has one. */
export function pullRequestBase(origin: ConfigOrigin): string | undefined {
  if (!origin.eventName.startsWith("pull_request")) return undefined;
  const sha = payloadField(origin.payload, "pull_request", "base", "sha");
  return typeof sha === "string" && /^[0-9a-f]{40}$/i.test(sha) ? sha : undefined;
}

/** `file` as a path inside the repository; throws when it is outside. */
export function repoRelative(repoRoot: string, file: string, label: string): string {
  const inRepo = posix(relative(repoRoot, file));
  if (inRepo.startsWith("../") || inRepo === ".." || isAbsolute(inRepo))
    throw new ConfigLoadError(`${label}: "${inRepo}" is outside the repository (${repoRoot})`);
  return inRepo;
}

function parseOrFail(text: string, fileName: string, label: string): ScanConfig {
  try {
    return parseConfigText(text, fileName);
  } catch (err) {
    if (err instanceof ConfigError) throw new ConfigLoadError(`${label}: ${err.message}`);
    throw err;
  }
}

/**
 * The Action's config (the operator's): `explicit` (relative to the workspace) or the default path
 * when present. On a pull request it is read from the base commit, never from the head, which the
 * pull request's author controls: a head that adds `exclude: ["**"]` is scanned with the base's
 * config. `notes` say when the base could not be read (defaults used). Errors name `label`.
 */
export async function loadOperatorConfig(
  ws: string,
  explicit: string | undefined,
  label: string,
  origin?: ConfigOrigin,
): Promise<{ config: ScanConfig; notes: string[] }> {
  const file = explicit ? resolve(ws, explicit) : join(ws, CONFIG_PATH);
  const shownName = explicit ?? CONFIG_PATH;
  const notes: string[] = [];
  if (origin?.eventName.startsWith("pull_request")) {
    const defaults = "the scan used the default settings, not the pull request's own config";
    const sha = pullRequestBase(origin);
    if (!sha) {
      notes.push(
        `The event payload has no pull_request.base.sha, so the config could not be read from the base commit: ${defaults}.`,
      );
      return { config: defaultConfig(), notes };
    }
    const inRepo = repoRelative(origin.repoRoot, file, label);
    const base = await readAtCommit(origin.repoRoot, sha, inRepo, label);
    if (base.state === "no-commit")
      notes.push(
        `The base commit ${sha.slice(0, 12)} is not in the checkout (use \`fetch-depth: 0\` on actions/checkout), so ${inRepo} could not be read from it: ${defaults}.`,
      );
    // No config at the base: the defaults, as on a branch without one.
    const config = base.state === "read" ? parseOrFail(base.text, base.fileName, label) : defaultConfig();
    return { config, notes };
  }
  if (!explicit && !existsSync(file)) return { config: defaultConfig(), notes };
  const real = await realpath(file).catch(() => undefined);
  if (!real) throw new ConfigLoadError(`${label}: file "${shownName}" does not exist`);
  if (!inside(await realpath(ws), real))
    throw new ConfigLoadError(`${label}: "${shownName}" is outside the workspace`);
  const st = await stat(real);
  if (!st.isFile()) throw new ConfigLoadError(`${label}: "${shownName}" is not a file`);
  if (st.size > MAX_CONFIG_BYTES)
    throw new ConfigLoadError(`${label}: "${shownName}" is larger than ${MAX_CONFIG_BYTES} bytes`);
  return { config: parseOrFail(await readFile(real, "utf8"), posix(relative(ws, real)), label), notes };
}
