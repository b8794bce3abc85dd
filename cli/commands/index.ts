/** Registers every sub-command on the program; one file per command keeps each small. */
import type { Command } from 'commander';

export function registerCommands(_program: Command): void {
  // Commands are added here as they are built (validate, up, apply, get, …).
}
