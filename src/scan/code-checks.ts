import type { CheckMeta } from "./findings.js";

// Checks implemented in code (not YAML rules). Each has the fields a rule has so reports treat both alike.
const c = (m: CheckMeta): CheckMeta => m;

export const CHECKS = {
  frontmatterMissing: c({
    id: "manifest.frontmatter-missing",
    title: "SKILL.md has no frontmatter",
    category: "metadata",
    level: "LOW_QUALITY",
    confidence: "high",
    explanation:
      "Agents find and choose skills by the name and description in the frontmatter; this skill has none.",
    remediation: "Start SKILL.md with a `---` block holding `name:` and `description:`, then `---`.",
  }),
  frontmatterInvalid: c({
    id: "manifest.frontmatter-invalid",
    title: "Frontmatter is not valid YAML",
    category: "metadata",
    level: "LOW_QUALITY",
    confidence: "high",
    explanation: "The frontmatter could not be read, so the skill's name and description are unknown.",
    remediation: "Fix the YAML syntax of the `---` block (check quotes, colons and indentation).",
  }),
  frontmatterCode: c({
    id: "manifest.executable-frontmatter",
    title: "Frontmatter written as code",
    category: "metadata",
    level: "SUSPICIOUS",
    confidence: "high",
    explanation:
      "The frontmatter is marked as JavaScript (or another language) instead of YAML. Some tools run such frontmatter as code when they read the skill, so this is a way to run code on the machine of anyone who only looks at the skill. It was not run.",
    remediation: "Use plain YAML frontmatter (`---` on its own line), never `---js` or `---javascript`.",
    references: ["CWE-95"],
  }),
  frontmatterTooLarge: c({
    id: "manifest.frontmatter-too-large",
    title: "Frontmatter too large or too complex to read",
    category: "metadata",
    level: "SUSPICIOUS",
    confidence: "high",
    explanation:
      "The frontmatter block is far larger, or holds far more YAML anchors and aliases, than any real skill's (a few hundred bytes); reading it could stall the tools that load skills. It was not parsed as YAML: its text was scanned as instructions instead, and a reviewer must look.",
    remediation:
      "Keep the frontmatter to `name:`, `description:` and a few short keys; move long text into the body.",
  }),
  frontmatterBomb: c({
    id: "manifest.yaml-alias-bomb",
    title: "Frontmatter is a YAML alias bomb",
    category: "metadata",
    level: "SUSPICIOUS",
    confidence: "high",
    explanation:
      "The frontmatter repeats YAML references so many times that reading it would use up memory (a 'billion laughs' attack on the tools that load skills). It was not expanded.",
    remediation: "Write the frontmatter without YAML anchors and aliases (`&name` / `*name`).",
    references: ["CWE-776"],
  }),
  manifestRequired: c({
    id: "manifest.required-field",
    title: "Required frontmatter field missing or invalid",
    category: "metadata",
    level: "LOW_QUALITY",
    confidence: "high",
    explanation: "The Agent Skills specification requires a valid `name` and `description`.",
    remediation: "See the message for the field and the fix.",
  }),
  manifestOptional: c({
    id: "manifest.optional-field",
    title: "Optional frontmatter field invalid",
    category: "metadata",
    level: "LOW_QUALITY",
    confidence: "high",
    explanation: "An optional frontmatter field does not follow the Agent Skills specification.",
    remediation: "See the message for the field and the fix.",
  }),
  invalidUtf8: c({
    id: "input.invalid-utf8",
    title: "File is not valid UTF-8",
    category: "input",
    level: "LOW_QUALITY",
    confidence: "high",
    explanation: "Part of this text file is not valid UTF-8; it was scanned with the broken bytes replaced.",
    remediation: "Save the file as UTF-8.",
  }),
  skillMdUnreadable: c({
    id: "input.skill-md-not-text",
    title: "SKILL.md is not a text file",
    category: "input",
    // SKILL.md is what the agent follows. Bytes the scanner cannot read as text are bytes it cannot
    // vouch for, and an agent may still read them (a UTF-16 file, say): unscannable, so a reviewer decides.
    level: "SUSPICIOUS",
    confidence: "high",
    explanation:
      "SKILL.md holds binary data (a NUL byte or a binary format's header), not text. The agent reads this file as its instructions, but the scanner cannot read it, so nothing in it was checked.",
    remediation: "Save SKILL.md as plain UTF-8 text with a frontmatter block (name, description).",
  }),
  fileTooLarge: c({
    id: "input.file-too-large",
    title: "File too large to check whole",
    category: "input",
    level: "SUSPICIOUS",
    confidence: "high",
    explanation:
      "This file is larger than the per-file limit, so only its beginning was checked; anything after that could hide a payload. It is too large to check whole: a reviewer must look.",
    remediation:
      "Keep skill files small (split large references or remove generated assets); a reviewer must check the rest of this file before approving.",
  }),
  skillTooLarge: c({
    id: "input.skill-too-large",
    title: "Skill too large to check whole",
    category: "input",
    level: "SUSPICIOUS",
    confidence: "high",
    explanation:
      "The skill's files add up to more than the per-skill limit; the files past the limit were not checked. It is too large to check whole: a reviewer must look.",
    remediation: "Remove large assets from the skill; a reviewer must check the files that were not read.",
  }),
  tooManyFiles: c({
    id: "input.too-many-files",
    title: "Skill has too many files to check whole",
    category: "input",
    level: "SUSPICIOUS",
    confidence: "high",
    explanation:
      "The skill holds more files than the limit; the files past the limit were not checked. It is too large to check whole: a reviewer must look.",
    remediation: "Remove generated or vendored files from the skill; a reviewer must check the rest.",
  }),
  notScanned: c({
    id: "input.not-scanned",
    title: "Part of the skill could not be read",
    category: "input",
    level: "SUSPICIOUS",
    confidence: "high",
    explanation:
      "Part of the skill could not be read safely (too deep, too large for the reader, a special file, a listing stopped), so it was not checked: a reviewer must look.",
    remediation: "See the message; flatten deep folders, remove special files and large assets.",
  }),
  vcsFolder: c({
    id: "input.vcs-folder",
    title: "Skill ships a .git folder",
    category: "input",
    level: "RISKY",
    confidence: "high",
    explanation:
      "A `.git` folder inside a skill is content its author ships: its hooks and config can make git run commands, and its objects are compressed, so the history in it was not checked. Its plain files were scanned like any other.",
    remediation: "Publish the skill without its `.git` folder (copy the files, or use `git archive`).",
  }),
  invalidName: c({
    id: "input.invalid-file-name",
    title: "File name is not valid UTF-8",
    category: "input",
    level: "RISKY",
    confidence: "high",
    explanation:
      "This name is not valid UTF-8, so tools and reviewers see it differently (or not at all). It is shown with the odd bytes as \\xNN; the file was scanned.",
    remediation: "Rename the file or folder with a UTF-8 name.",
  }),
  symlinkOutside: c({
    id: "input.symlink-outside",
    title: "Symbolic link pointing outside the skill",
    category: "sensitive-files",
    level: "SUSPICIOUS",
    confidence: "high",
    explanation:
      "A file in this skill is a link to a place outside the skill's folder. An agent reading it would read that other file instead (for example your SSH keys). The link was not followed.",
    remediation: "Replace the link with a real copy of the file inside the skill.",
    capabilities: ["read-outside"],
  }),
  symlinkInside: c({
    id: "input.symlink",
    title: "Symbolic link inside the skill",
    category: "input",
    level: "LOW_QUALITY",
    confidence: "high",
    explanation:
      "A file in this skill is a link; links are never followed (the target is checked on its own).",
    remediation: "Replace the link with a real file; many installers do not copy links.",
  }),
  executable: c({
    id: "binary.executable",
    title: "Compiled program inside the skill",
    category: "binaries",
    level: "SUSPICIOUS",
    confidence: "high",
    explanation:
      "The skill ships a compiled program that nobody can read. Skills should hold instructions and readable scripts; a binary can do anything when run.",
    remediation:
      "Remove the binary; build it from source in a readable script or install it from an official registry.",
    capabilities: ["shell"],
  }),
  compiledPython: c({
    id: "binary.compiled-python",
    title: "Compiled Python file without its source",
    category: "binaries",
    level: "SUSPICIOUS",
    confidence: "high",
    explanation:
      "The skill ships compiled Python (.pyc) without the .py source it was made from. Compiled code cannot be read, so nobody can check what it does; Python runs it all the same. With the source next to it, it is most likely a leftover cache, but it still need not match that source.",
    remediation: "Delete the .pyc files (and __pycache__ folders) and ship the readable .py scripts.",
    capabilities: ["shell"],
  }),
  archive: c({
    id: "binary.archive",
    title: "Archive inside the skill",
    category: "binaries",
    level: "RISKY",
    confidence: "medium",
    explanation:
      "The skill ships an archive. Its files are unpacked in memory and checked like the skill's own (a finding inside names it as archive!/file); the excerpt says whether all of them were checked and, if not, what was not (too large, a nested archive, a format or compression that is not read, damaged data).",
    remediation: "Unpack the files into the skill so they can be reviewed.",
  }),
  archiveEscape: c({
    id: "binary.archive-path-escape",
    title: "Archive member named to land outside its folder",
    category: "binaries",
    level: "SUSPICIOUS",
    confidence: "high",
    explanation:
      'A file inside this archive has an absolute name or one that climbs out with `..`. Unpacking it can write outside the folder it is unpacked into, for example over your shell start-up files or an agent\'s settings (a "zip slip"). Its contents were checked under the name it would otherwise have.',
    remediation: "Pack the archive from inside its folder, so every name is relative and has no `..`.",
    references: ["CWE-22"],
  }),
  encryptedArchive: c({
    id: "binary.encrypted-archive",
    title: "Password-protected archive inside the skill",
    category: "binaries",
    level: "SUSPICIOUS",
    confidence: "high",
    explanation:
      "The skill ships an encrypted archive. Encryption hides the contents from security checks; malware campaigns use exactly this.",
    remediation: "Ship the files unencrypted inside the skill.",
  }),
  blocklistedFile: c({
    id: "blocklist.file-hash",
    title: "File on the blocklist",
    category: "blocklist",
    level: "MALICIOUS",
    confidence: "high",
    explanation: "This exact file was confirmed as malicious by a review.",
    remediation: "Remove the file. If you think the entry is wrong, appeal.",
  }),
  blocklistedAuthor: c({
    id: "blocklist.author",
    title: "Author on the blocklist",
    category: "blocklist",
    level: "MALICIOUS",
    confidence: "high",
    explanation: "Skills from this author are blocked after a review confirmed malicious skills from them.",
    remediation: "Contact the registry's security team.",
  }),
  unicodeTags: c({
    id: "hidden.unicode-tags",
    title: "Invisible Unicode tag characters (hidden text)",
    category: "hidden-text",
    level: "SUSPICIOUS",
    confidence: "high",
    explanation:
      "The file contains invisible characters that spell out hidden text. You cannot see it, but the agent reads it. The hidden text is shown in the excerpt.",
    remediation: "Remove the invisible characters (U+E0000–U+E007F).",
    references: ["OWASP LLM01: Prompt Injection", "MITRE ATLAS AML.T0051"],
  }),
  bidi: c({
    id: "hidden.bidi-control",
    title: "Bidirectional control characters (Trojan Source)",
    category: "hidden-text",
    level: "SUSPICIOUS",
    confidence: "high",
    explanation:
      "The file contains characters that reorder text on screen, so what you read differs from what the agent or computer reads.",
    remediation: "Remove the bidirectional control characters (U+202A–U+202E, U+2066–U+2069).",
    references: ["CVE-2021-42574"],
  }),
  zeroWidthRun: c({
    id: "hidden.zero-width-run",
    title: "Run of invisible zero-width characters",
    category: "hidden-text",
    level: "SUSPICIOUS",
    confidence: "medium",
    explanation:
      "The file hides a run of invisible characters, a known way to smuggle data or instructions past a reader.",
    remediation: "Remove the zero-width characters.",
    references: ["OWASP LLM01: Prompt Injection"],
  }),
  zeroWidth: c({
    id: "hidden.zero-width",
    title: "Invisible characters inside words",
    category: "hidden-text",
    level: "RISKY",
    confidence: "low",
    explanation:
      "Invisible characters split words, which can make text look harmless to a reviewer or a filter.",
    remediation: "Remove the zero-width characters.",
  }),
  softHyphen: c({
    id: "hidden.soft-hyphen",
    title: "Soft hyphens inside words",
    category: "hidden-text",
    level: "LOW_QUALITY",
    confidence: "low",
    explanation:
      "Invisible soft hyphens (U+00AD) split words. Text copied from a web page often carries them; they can also keep a word from matching a check.",
    remediation: "Remove the soft hyphens.",
  }),
  disguisedWords: c({
    id: "hidden.disguised-words",
    title: "Words disguised with invisible characters or look-alike letters",
    category: "hidden-text",
    level: "RISKY",
    confidence: "medium",
    explanation:
      "Words are split by invisible characters or spelled with Cyrillic or Greek letters that look like Latin ones. Read as the agent reads them, they say something that the other findings at this place report.",
    remediation: "Write the text in plain Latin letters without invisible characters.",
    references: ["OWASP LLM01: Prompt Injection", "Unicode TR39: Security Mechanisms (confusables)"],
  }),
  commentDirective: c({
    id: "hidden.comment-instructions",
    title: "Instructions hidden in an HTML comment",
    category: "hidden-text",
    level: "SUSPICIOUS",
    confidence: "medium",
    explanation:
      "Text inside an HTML comment is invisible when the page is shown, but the agent still reads it. This comment gives the agent orders.",
    remediation: "Move real instructions into the visible text, or delete the comment.",
    references: ["OWASP LLM01: Prompt Injection"],
  }),
  styledHidden: c({
    id: "hidden.styled-text",
    title: "Text hidden with styling",
    category: "hidden-text",
    level: "SUSPICIOUS",
    confidence: "medium",
    explanation:
      "Text is made invisible with styling (white, zero size or not displayed), but the agent still reads it.",
    remediation: "Remove the hidden text or make it visible.",
    references: ["OWASP LLM01: Prompt Injection"],
  }),
  encodedCommand: c({
    id: "obfuscation.encoded-payload",
    title: "Encoded text hides a dangerous command",
    category: "obfuscation",
    level: "SUSPICIOUS",
    confidence: "high",
    explanation:
      "A block of encoded text (base64, hex or character codes) decodes to something dangerous. Hiding commands this way is done to get past reviewers.",
    remediation: "Write commands in plain text so they can be reviewed.",
    references: ["MITRE ATT&CK T1027"],
  }),
  homoglyph: c({
    id: "obfuscation.homoglyph",
    title: "Command or address spelled with look-alike letters",
    category: "obfuscation",
    level: "SUSPICIOUS",
    confidence: "high",
    explanation:
      'A command name or web address is written with Cyrillic or Greek letters that look like Latin ones (for example a Cyrillic "с" in curl). It reads the same to you and to the agent, but slips past checks that look for the real word. Nobody types a command this way by accident.',
    remediation: "Write commands and addresses in plain Latin letters.",
    references: ["MITRE ATT&CK T1036: Masquerading", "Unicode TR39: Security Mechanisms (confusables)"],
  }),
  highEntropy: c({
    id: "obfuscation.high-entropy-blob",
    title: "Large unreadable blob",
    category: "obfuscation",
    level: "RISKY",
    confidence: "low",
    explanation:
      "The file holds a long block of random-looking text that does not decode to anything readable.",
    remediation: "Ship data as separate, documented asset files, or remove it.",
    references: ["MITRE ATT&CK T1027"],
  }),
  impersonation: c({
    id: "provenance.impersonation",
    title: "Passes itself off as a well-known or official skill",
    category: "impersonation",
    level: "RISKY",
    confidence: "medium",
    explanation:
      "The skill's name or description makes it look like a well-known skill or an official one from a known maker (a brand in front of a famous skill's name, a name one letter off, \"official\" in the description), but it does not come from that publisher. Look-alike names are how malicious skills get installed in place of the real ones.",
    remediation:
      "Give the skill a name of its own and drop claims of being official; say in the description who maintains it.",
    references: ["MITRE ATT&CK T1036.005: Match Legitimate Name or Location", "OWASP LLM03: Supply Chain"],
  }),
  undeclared: c({
    id: "capability.undeclared",
    title: "Does more than it says",
    category: "capabilities",
    level: "RISKY",
    confidence: "medium",
    explanation: "The skill uses abilities its description and allowed tools do not mention.",
    remediation:
      "Say in the description and `allowed-tools` what the skill needs, or remove what it does not need.",
  }),
  silenceRefused: c({
    id: "config.silence-refused",
    title: "Config tried to silence a high-severity finding",
    category: "config",
    level: "LOW_QUALITY",
    confidence: "high",
    explanation:
      "The repository's config tries to silence a SUSPICIOUS or MALICIOUS rule. Only a reviewer's decision can do that, so the entry was ignored.",
    remediation: "Remove the entry from `silence:` and appeal the finding instead.",
  }),
  anomaly: c({
    id: "anomaly.new-capability",
    title: "New risky behaviour since the last trusted version",
    category: "anomaly",
    level: "SUSPICIOUS",
    confidence: "medium",
    explanation:
      "Compared with the previous version, this skill suddenly does something risky it did not do before.",
    remediation: "Explain the change in the pull request; a reviewer will decide.",
  }),
  anomalyNewHost: c({
    id: "anomaly.new-host",
    title: "Contacts a new, unlisted server since the last trusted version",
    category: "anomaly",
    level: "SUSPICIOUS",
    confidence: "medium",
    explanation:
      "Compared with the previous version, this skill now reaches a server it did not reach before, and that server is not on the allowlist.",
    remediation: "Explain the change in the pull request; a reviewer will decide.",
    capabilities: ["network"],
  }),
  anomalyNewScript: c({
    id: "anomaly.new-script",
    title: "Adds a script with risky behaviour to a previously clean skill",
    category: "anomaly",
    level: "SUSPICIOUS",
    confidence: "medium",
    explanation: "This change adds code the skill did not have before, and that code is flagged.",
    remediation: "Explain the change in the pull request; a reviewer will decide.",
  }),
  userReports: c({
    id: "reports.threshold",
    title: "Reported by several users",
    category: "reports",
    level: "SUSPICIOUS",
    confidence: "medium",
    explanation: "Several different users reported this skill; it is held until a reviewer looks at it.",
    remediation: "A reviewer will decide; you can appeal with an explanation.",
  }),
} as const;

export const CODE_CHECKS: CheckMeta[] = Object.values(CHECKS);
