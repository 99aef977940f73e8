import { type ParseArgsConfig, parseArgs } from "node:util";

// The command line of the measuring scripts (npm run bench, npm run eval): one folder argument,
// options, --help, and one way to fail (a usage error prints the usage; anything else its message).

export class UsageError extends Error {}

type Options = NonNullable<ParseArgsConfig["options"]>;
type Parsed<O extends Options> = ReturnType<
  typeof parseArgs<{ args: string[]; allowPositionals: true; options: O }>
>;

// Named so the published type declarations (lib/*.d.ts) can spell the return type.
export interface FolderArgs<O extends Options> {
  values: Parsed<O>["values"];
  dir: string;
}

/** Parses `argv` with `options`; prints `usage` and exits on --help; requires exactly one folder. */
export function parseFolderArgs<O extends Options>(
  argv: string[],
  options: O,
  usage: string,
  what: string,
): FolderArgs<O> {
  let parsed: Parsed<O>;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if ((parsed.values as { help?: boolean }).help) {
    process.stdout.write(`${usage}\n`);
    process.exit(0);
  }
  if (parsed.positionals.length !== 1) throw new UsageError(`give exactly one ${what}`);
  return { values: parsed.values, dir: parsed.positionals[0]! };
}

/** Runs a script's main: exit code 2 with `name: message` (and the usage for usage errors). */
export function runScript(name: string, usage: string, main: () => Promise<void>): void {
  main().catch((err) => {
    if (err instanceof UsageError) process.stderr.write(`${name}: ${err.message}\n${usage}\n`);
    else
      process.stderr.write(`${name}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 2;
  });
}
