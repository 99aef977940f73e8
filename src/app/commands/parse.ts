import type { ProbotOctokit } from "probot";
import { answeredComment, type MarkerKey, writeMarker, writtenBy } from "../../appeals/markers.js";
import { postInThread, type Thread, type ThreadComment, threadComments } from "../github/comments.js";

// Slash commands in comments, and the App's answers to them. A command is the first word of the
// comment (`/appeal …` quoted in a reply, or in the middle of a sentence, is not a command); its
// arguments are the rest of the comment. Unknown `/words` are not commands: nothing is requested.

export const COMMANDS = ["appeal", "approve", "reject", "downgrade", "block-author", "report"] as const;
export type CommandName = (typeof COMMANDS)[number];

export interface ParsedCommand {
  name: CommandName;
  /** Everything after the command word, trimmed (may span lines). */
  args: string;
}

const COMMAND_RE = /^\/([a-z][a-z-]*)(?=\s|$)([\s\S]*)$/i;

export function parseCommand(body: string | null | undefined): ParsedCommand | undefined {
  const m = COMMAND_RE.exec((body ?? "").replace(/^\uFEFF/, "").trimStart());
  if (!m) return undefined;
  const name = m[1]!.toLowerCase();
  if (!(COMMANDS as readonly string[]).includes(name)) return undefined;
  return { name: name as CommandName, args: m[2]!.trim() };
}

/**
 * `/appeal <skill-id> <why>`: the first word of the arguments and the rest. The word may be written
 * as inline code (`` `skills/x` ``) and may end with a colon or comma ("skills/x: because …"); the
 * caller decides whether it names a skill (only the scanned skill ids say so).
 */
export function splitAppealArgs(args: string): { word: string; rest: string; quoted: boolean } {
  const m = /^(\S+)\s*([\s\S]*)$/.exec(args.trim());
  if (!m) return { word: "", rest: "", quoted: false };
  const raw = m[1]!.replace(/[:,;]$/, "");
  const quoted = /^`[^`]+`$/.test(raw);
  return { word: quoted ? raw.slice(1, -1) : raw, rest: m[2]!.trim(), quoted };
}

export interface CommandComment {
  id: number;
  user: { login: string; id: number };
  createdAt: string;
  htmlUrl: string;
  /** Where the command was written: where the App answers. */
  thread: Thread;
}

type Octokit = ProbotOctokit;

/**
 * The App's answer to this command, if a delivery already wrote one: the answer is the last thing a
 * command writes, so its presence means the command was handled (a redelivery does nothing).
 */
export async function findAnswer(
  octokit: Octokit,
  cmd: CommandComment,
  appLogin: string,
  key: MarkerKey,
): Promise<ThreadComment | undefined> {
  const comments = await threadComments(octokit, cmd.thread, cmd.createdAt);
  return comments.find((c) => writtenBy(c.user, appLogin) && answeredComment(c.body, key) === cmd.id);
}

/** Posts `text` in the command's thread, opened by a reply marker naming the command. */
export async function answer(
  octokit: Octokit,
  cmd: CommandComment,
  text: string,
  key: string,
): Promise<void> {
  const body = `${writeMarker("reply", { to: cmd.id }, key)}\n${text}`;
  await postInThread(octokit, cmd.thread, body);
}

/** A GitHub login that can be @-mentioned as is; anything else is shown escaped by the caller. */
export const isLogin = (s: string) => /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\[bot\])?$/.test(s);

export const mention = (login: string) => (isLogin(login) ? `@${login}` : "(unknown user)");
