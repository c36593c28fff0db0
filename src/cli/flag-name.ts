/** The flag a command declares for one of its option values, so messages name flags as the user types them. */
import type { Command } from 'commander';

/** '--activation-impl' for the attribute activationImpl. */
export function flagName(cmd: Command, attribute: string): string {
  const option = cmd.options.find((o) => o.attributeName() === attribute);
  if (option?.long === undefined) throw new Error(`the command declares no flag for '${attribute}'`);
  return option.long;
}
