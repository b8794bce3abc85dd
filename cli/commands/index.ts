/** Registers every sub-command on the program; one file per command keeps each small. */
import type { Command } from 'commander';
import { agentCommand } from './agent.js';
import { serverCommand } from './server.js';
import { upCommand } from './up.js';
import { validateCommand } from './validate.js';
import { applyCommand } from './apply.js';
import { diffCommand } from './diff.js';
import { deleteCommand } from './delete.js';
import { getCommand } from './get.js';
import { describeCommand } from './describe.js';
import { scaleCommand } from './scale.js';
import { eventsCommand } from './events.js';
import { runTaskCommand } from './run-task.js';
import { stopTaskCommand } from './stop-task.js';
import { drainCommand } from './drain.js';
import { completionCommand } from './completion.js';
import { rolloutCommand } from './rollout.js';
import { deregisterCommand } from './deregister.js';
import { gitopsCommand } from './gitops.js';
import { logsCommand } from './logs.js';
import { tokenCommand } from './token.js';
import { versionCommand } from './version.js';
import { waitCommand } from './wait.js';
import { explainCommand } from './explain.js';
import { createCommand } from './create.js';
import { composeCommand } from './compose.js';
import { lbCommand } from './lb.js';

export function registerCommands(program: Command): void {
  program.addCommand(upCommand());
  program.addCommand(serverCommand());
  program.addCommand(validateCommand());
  for (const command of [
    applyCommand(),
    diffCommand(),
    deleteCommand(),
    getCommand(),
    describeCommand(),
    logsCommand(),
    scaleCommand(),
    eventsCommand(),
    runTaskCommand(),
    stopTaskCommand(),
    drainCommand(),
    gitopsCommand(),
    rolloutCommand(),
    deregisterCommand(),
    tokenCommand(),
    completionCommand(),
  ])
    program.addCommand(command);
  program.addCommand(agentCommand());
  program.addCommand(versionCommand());
  program.addCommand(waitCommand());
  program.addCommand(explainCommand());
  program.addCommand(createCommand());
  program.addCommand(composeCommand());
  program.addCommand(lbCommand());
  // Commands are added here as they are built (validate, up, apply, get, …).
}
