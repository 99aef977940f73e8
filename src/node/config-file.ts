import { existsSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { defaultConfig, parseConfigText, type ScanConfig } from "../scan/config.js";

export const DEFAULT_CONFIG_PATH = ".github/skill-quarantine.yml";
const MAX_CONFIG_BYTES = 256 * 1024;

/** Reads a config file (explicit path, or the default path under `root` when present). */
export async function loadConfigFile(explicit: string | undefined, root: string): Promise<ScanConfig> {
  const path =
    explicit ?? (existsSync(join(root, DEFAULT_CONFIG_PATH)) ? join(root, DEFAULT_CONFIG_PATH) : undefined);
  if (!path) return defaultConfig();
  const st = await stat(path).catch(() => undefined);
  if (!st?.isFile()) throw new Error(`config file ${path} does not exist; pass an existing file to --config`);
  if (st.size > MAX_CONFIG_BYTES)
    throw new Error(`config file ${path} is larger than ${MAX_CONFIG_BYTES} bytes`);
  return parseConfigText(await readFile(path, "utf8"), path);
}
