import { SCRIPT_CHECKS } from "../scripts/script-checks.js";
import { URL_CHECKS } from "./analyze/urls.js";
import { CODE_CHECKS } from "./code-checks.js";
import type { CheckMeta } from "./findings.js";

/** Every check implemented in code, for `skill-quarantine rules` and SARIF rule metadata. */
export const ALL_CHECKS: CheckMeta[] = [...CODE_CHECKS, ...URL_CHECKS, ...SCRIPT_CHECKS];
