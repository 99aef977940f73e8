/** A judgement of the purpose stage: the level it lowers to, why, and what the skill does, in words. */
export interface Judgement {
  why: string;
  to: "RISKY" | "LOW_QUALITY";
  /** For the summary when lowered to LOW_QUALITY: "installs tshark's own service (…)". */
  does?: string;
}
