import type { Finding } from "../types.js";

// "Do not ask the user" in a workflow that still asks, just elsewhere (purpose stage). Autonomous
// workflows say when they confirm; an injection says never to. Only the sentence itself counts: a
// heading saying "the user confirms everything" above "never ask before uploading" changes nothing.

/** The same sentence moves the confirmation to another step rather than removing it. */
const DEFERRED =
  /\bconfirm(?:ation|s|ed)?\s+(?:happens|comes|is\s+(?:asked|requested|done|given|collected)|occurs|takes\s+place)\s+(?:only\s+)?(?:at|in|during|after)\s+(?:the\s+)?(?:step|phase|stage|gate|end|final|review)\b|\b(?:the\s+)?user\s+confirms?\s+(?:it\s+|them\s+|this\s+)?(?:only\s+)?(?:at|in|during)\s+(?:the\s+)?(?:step|phase|stage|gate|end|final|review)\b|\b(?:ask|confirm)\s+(?:only\s+)?(?:once\s+)?(?:at|in)\s+step\s+\d/i;

/**
 * The lines just above (the same list or paragraph) record that the user has already confirmed:
 * "- [ ] User has confirmed they are ready to restart services". Only a statement about the user
 * confirming counts, not the word "confirm" anywhere.
 */
const CONFIRMED_ABOVE =
  /\b(?:the\s+)?user\s+(?:has|have)\s+(?:explicitly\s+)?(?:confirmed|approved|agreed|consented)\b|\b(?:after|once)\s+the\s+user\s+(?:has\s+)?(?:confirm(?:s|ed)|approv(?:es|ed)|agree[sd]?)\b/i;

/** What is done without waiting only produces text for the user to read. */
const TEXT_ONLY =
  /\b(?:generate|draft|compose|summari[sz]e|present|outline|prepare)\b(?:\s+(?:it|them|this|the\s+\w+|internally|silently|a\s+\w+))?\s*,?\s*(?:and\s+)?(?:do\s+not|don.t|never)\s+(?:wait|ask|prompt)\b/i;
/** Skipping approval of how a text is worded ("don't ask for approval of the wording"). */
const WORDING_ONLY =
  /\b(?:do\s+not|don.t|never)\s+ask\s+(?:the\s+user\s+)?(?:for\s+)?(?:approval|confirmation|sign-?off)\s+(?:of|on|for)\s+(?:the\s+)?(?:wording|text|phrasing|tone|summary|draft|message|note|format)\b/i;

/**
 * "Do ask before: deleting files, pushing, touching deploy config" next to the skip: the skill draws
 * the line itself, and the actions that change or leave the machine stay on the asking side.
 */
const ASKS_BEFORE =
  /\b(?:do|always|must|still)\s+ask(?:\s+the\s+user)?(?:\s+for\s+(?:confirmation|approval|permission))?\s+(?:before|for)\b[^\n]{0,200}\b(?:delet\w*|remov\w*|push\w*|deploy\w*|publish\w*|force|send\w*|upload\w*|install\w*|pay\w*|drop\w*|overwrit\w*)/i;

const SIDE_EFFECT =
  /\b(?:run|execute|delete|remove|deploy|install|upload|send|push|commit|write|modify|apply|enable|restart|publish|pay|purchase|transfer|overwrite|drop)\b/i;

/**
 * Why a skip-confirmation finding only moves the confirmation to a named later step, or skips waiting
 * on a text the skill generates, or undefined. The sentence must say so itself, and a text-only skip
 * must name no action with side effects.
 */
export function confirmationElsewhere(
  f: Finding,
  line: string,
  above: () => string = () => "",
  below: () => string = () => "",
): string | undefined {
  if (f.ruleId !== "inject.skip-confirmation") return undefined;
  const sentence = sentenceAt(line, Math.max(0, f.column - 1));
  if (DEFERRED.test(sentence)) return "the same sentence says the user confirms at a later step";
  if (WORDING_ONLY.test(sentence) && !SIDE_EFFECT.test(sentence))
    return "it only skips approval of how a text is worded";
  // Emphasis is no word: "**Do ask** before".
  const plain = (t: string) => t.replace(/[*_]/g, "");
  if (ASKS_BEFORE.test(plain(below())) || ASKS_BEFORE.test(plain(above())))
    return "the next lines still ask before deleting, pushing or deploying: the skill draws the line itself";
  if (CONFIRMED_ABOVE.test(above()))
    return "the checklist just above requires the user's confirmation before this step";
  if (TEXT_ONLY.test(sentence) && !SIDE_EFFECT.test(sentence))
    return "it only skips waiting on a text it generates for the user; nothing with side effects runs";
  return undefined;
}

/** The sentence of `line` around `at` (split at . ! ? and line ends, not at dashes or brackets). */
function sentenceAt(line: string, at: number): string {
  const before = line.slice(0, at);
  const start = Math.max(before.lastIndexOf(". "), before.lastIndexOf("! "), before.lastIndexOf("? ")) + 1;
  const rest = line.slice(at);
  const end = rest.search(/[.!?](?:\s|$)/);
  return line.slice(start, end < 0 ? line.length : at + end + 1);
}
