/** The access-key endpoints (api/server/access-key-routes.ts) as typed calls, for the CLI's `berth credentials`. */
import { z } from 'zod';
import { ClusterRole, TokenIdentity } from '../auth/principal.js';
import { ACCESS_KEYS_PATH, accessKeyPath } from '../paths.js';
import { parseBody } from './decode.js';

type Call = (method: string, path: string, body?: unknown) => Promise<unknown>;

const Created = z.object({ accessKeyId: z.string().min(1), secretAccessKey: z.string().min(1) });
const Listed = z.object({ items: z.array(z.intersection(z.object({ accessKeyId: z.string(), createdAt: z.string() }), TokenIdentity)) });

export type AccessKeyListItem = z.infer<typeof Listed>['items'][number];

export class AccessKeyCalls {
  constructor(private readonly call: Call) {}

  async create(request: { name: string; grants: Record<string, ClusterRole> } | { name: string; admin: true }): Promise<z.infer<typeof Created>> {
    return parseBody(Created, await this.call('POST', ACCESS_KEYS_PATH, request), 'created access key');
  }

  async list(): Promise<AccessKeyListItem[]> {
    return parseBody(Listed, await this.call('GET', ACCESS_KEYS_PATH), 'access key list').items;
  }

  async revoke(id: string): Promise<void> {
    await this.call('DELETE', accessKeyPath(id));
  }
}
