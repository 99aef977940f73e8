import { existsSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { defaultConfig, parseConfigText, parseRepositoryConfig, type ScanConfig } from "../scan/index.js";

export const DEFAULT_CONFIG_PATH = ".github/skill-quarantine.yml";
const MAX_CONFIG_BYTES = 256 * 1024;

/**
 * Reads the config: `--config` is the user's own file and applies whole. Without it, the default
 * path under `root` is part of what is being scanned (a cloned skill repository ships its own), so it
 * is taken as repository content (src/scan/config-trust.ts): only what adds strictness, and `warn`
 * gets one line per ignored key. To apply a file of your own repository whole, pass it to --config.
 */
export async function loadConfigFile(
  explicit: string | undefined,
  root: string,
  warn: (line: string) => void = () => {},
): Promise<ScanConfig> {
  const path =
    explicit ?? (existsSync(join(root, DEFAULT_CONFIG_PATH)) ? join(root, DEFAULT_CONFIG_PATH) : undefined);
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
