import type { ScanResult } from "../scan/index.js";
import { markdownDetails, markdownSummary } from "./markdown.js";
import { renderSarif } from "./sarif.js";

/** Machine formats shared by every surface. JSON keeps each skill's `id` and `quarantineStatus` first. */
export function renderReport(result: ScanResult, format: "json" | "sarif" | "markdown"): string {
  if (format === "json") return `${JSON.stringify(result, null, 2)}\n`;
  if (format === "sarif") return renderSarif(result);
  return `${markdownSummary(result)}\n\n${markdownDetails(result)}\n`;
}
