import type { Context, Logger } from "probot";
import type { AppEnv } from "../env.js";
import type { ThreadComment } from "../github/comments.js";
import { answer, type CommandComment, findAnswer } from "./parse.js";

// What every slash command does before its own work: a logger that names the delivery, the
// redelivery check (the answer is the last thing a command writes, so finding one means the command
// was handled) and the reply. Written once so a new command cannot forget the redelivery check.

export interface CommandStart {
  /** context.log with the delivery id and the given fields (command, comment or issue). */
  log: Logger;
  key: string;
  appLogin: string;
  /** Who wrote the command. */
  who: string;
  /** Replies in the command's thread, opened by a reply marker naming the command. */
  say: (text: string) => Promise<void>;
  /** On a redelivery: the App's earlier answer to this command (already logged). */
  prior?: ThreadComment;
}

export async function startCommand(
  context: Context,
  env: AppEnv,
  cmd: CommandComment,
  fields: { command: string } & Record<string, unknown>,
): Promise<CommandStart> {
  const log = context.log.child({ deliveryId: context.id, ...fields });
  const key = env.markerKey;
  const appLogin = await env.appLogin();
  const prior = await findAnswer(context.octokit, cmd, appLogin, key);
  if (prior) log.info(`redelivery: /${fields.command} already answered`);
  const say = (text: string) => answer(context.octokit, cmd, text, key);
  return { log, key, appLogin, who: cmd.user.login, say, prior };
}
