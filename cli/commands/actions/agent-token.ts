/** `berth agent token`: POST …/containerinstances/{name}/token, then stdout or a 0600 file. */
import { chmod, open } from 'node:fs/promises';
import type { AgentTokenFlags } from '../agent-token.js';
import { withSession } from './run.js';

export default function runAgentToken(flags: AgentTokenFlags): Promise<number> {
  return withSession(flags, async ({ client, cluster }, io) => {
    const token = await client.issueAgentToken(flags.cluster ?? cluster, flags.instance);
    if (flags.out === undefined) {
      io.stdout.write(`${token}\n`);
      return 0;
    }
    // Mode at creation, and chmod for a file that already existed with wider permissions.
    const file = await open(flags.out, 'w', 0o600);
    try {
      await file.chmod(0o600);
      await file.writeFile(`${token}\n`);
    } finally {
      await file.close();
    }
    await chmod(flags.out, 0o600);
    io.stderr.write(`agent token for ${flags.cluster ?? cluster}/${flags.instance} written to ${flags.out}\n`);
    return 0;
  });
}
