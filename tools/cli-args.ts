/** Command-line options of the tools' entry points (tools/bin). */

/** The value after `--<name>` on the command line, or undefined when the option is absent. */
export function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
