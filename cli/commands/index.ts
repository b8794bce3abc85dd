/** Registers every sub-command on the program; one file per command keeps each small. */
import type { Command } from 'commander';
import { agentCommand } from './agent.js';
import { serverCommand } from './server.js';
import { upCommand } from './up.js';
import { validateCommand } from './validate.js';

export function registerCommands(program: Command): void {
  program.addCommand(upCommand());
  program.addCommand(serverCommand());
  program.addCommand(validateCommand());
  program.addCommand(agentCommand());
  // Commands are added here as they are built (validate, up, apply, get, …).
}
