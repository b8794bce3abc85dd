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
import { topCommand } from './top.js';
import { completionCommand } from './completion.js';
import { rolloutCommand } from './rollout.js';
import { taskCommand } from './task.js';
import { deregisterCommand } from './deregister.js';
import { gitopsCommand } from './gitops.js';
import { logsCommand } from './logs.js';
import { tokenCommand } from './token.js';
import { credentialsCommand } from './credentials.js';
import { versionCommand } from './version.js';
import { waitCommand } from './wait.js';
import { explainCommand } from './explain.js';
import { createCommand } from './create.js';
import { composeCommand } from './compose.js';
import { configCommand } from './config.js';
import { execCommand } from './exec.js';
import { portForwardCommand } from './port-forward.js';
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
    taskCommand(),
    drainCommand(),
    topCommand(),
    gitopsCommand(),
    rolloutCommand(),
    deregisterCommand(),
    tokenCommand(),
    credentialsCommand(),
    completionCommand(),
  ])
    program.addCommand(command);
  program.addCommand(agentCommand());
  program.addCommand(versionCommand());
  program.addCommand(waitCommand());
  program.addCommand(explainCommand());
  program.addCommand(createCommand());
  program.addCommand(composeCommand());
  program.addCommand(configCommand());
  program.addCommand(execCommand());
  program.addCommand(portForwardCommand());
  program.addCommand(lbCommand());
  // Commands are added here as they are built (validate, up, apply, get, …).
}
