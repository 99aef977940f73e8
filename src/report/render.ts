import type { ScanResult } from "../scan/types.js";

/** Machine formats shared by every surface. JSON keeps each skill's `id` and `quarantineStatus` first. */
export function renderReport(result: ScanResult, format: "json" | "sarif" | "markdown"): string {
  if (format === "json") return `${JSON.stringify(result, null, 2)}\n`;
  throw new Error(`format ${format} is not available yet`);
}
