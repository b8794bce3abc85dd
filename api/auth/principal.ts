/**
 * Who is calling the API: an admin (users, the CLI, controllers), the agent of one instance, or a
 * log reader (the API server itself when it reads container logs from agents: agents accept it, the
 * API refuses it everything, so an agent that captures it gains no more than other agents' logs).
 */
import { z } from 'zod';
import { Name } from '../v1/meta.js';

export const TokenIdentity = z.discriminatedUnion('role', [
  z.strictObject({ name: z.string().min(1), role: z.literal('admin') }),
  z.strictObject({ name: z.string().min(1), role: z.literal('agent'), cluster: Name, instance: Name }),
  z.strictObject({ name: z.string().min(1), role: z.literal('log-reader') }),
]);
export type TokenIdentity = z.infer<typeof TokenIdentity>;

/** A caller without a token, let in only from loopback when the server allows it. */
export const ANONYMOUS_LOOPBACK: TokenIdentity = { name: 'anonymous (loopback)', role: 'admin' };

export type Principal = TokenIdentity;
export type AgentPrincipal = Extract<Principal, { role: 'agent' }>;
