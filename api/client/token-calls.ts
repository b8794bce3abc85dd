/** The token endpoints (api/server/token-routes.ts) as typed calls, for the CLI's `berth token`. */
import { z } from 'zod';
import { ClusterRole, TokenIdentity, type ScrapeOrLbIdentity } from '../auth/principal.js';
import { TOKENS_PATH, tokenPath } from '../paths.js';
import { parseBody } from './decode.js';

type Call = (method: string, path: string, body?: unknown) => Promise<unknown>;

const Created = z.object({ token: z.string().min(1), id: z.string(), expiresAt: z.string().optional() });
const Listed = z.object({ items: z.array(z.intersection(z.object({ id: z.string() }), TokenIdentity)) });
const Revoked = z.object({ revoked: z.int() });

export type TokenListItem = z.infer<typeof Listed>['items'][number];

export class TokenCalls {
  constructor(private readonly call: Call) {}

  async create(
    request: { name: string; grants: Record<string, ClusterRole>; ttlSeconds?: number } | (ScrapeOrLbIdentity & { ttlSeconds?: number }),
  ): Promise<z.infer<typeof Created>> {
    return parseBody(Created, await this.call('POST', TOKENS_PATH, request), 'created token');
  }

  async list(): Promise<TokenListItem[]> {
    return parseBody(Listed, await this.call('GET', TOKENS_PATH), 'token list').items;
  }

  async revoke(id: string): Promise<number> {
    return parseBody(Revoked, await this.call('DELETE', tokenPath(id)), 'revocation').revoked;
  }
}
