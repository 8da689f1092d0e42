import { parseArgs, type ParseArgsConfig } from 'node:util';

/** Parses CLI flags; prints the problem and usage instead of a stack trace. */
export function cliArgs<T extends NonNullable<ParseArgsConfig['options']>>(options: T, usage: string) {
  try {
    return parseArgs({ options, allowPositionals: false, strict: true }).values;
  } catch (err) {
    console.error(`${(err as Error).message}\n\nUsage: ${usage}`);
    process.exit(2);
  }
}

export function fail(message: string, code = 1): never {
  console.error(message);
  process.exit(code);
}
