/** The body of GET /version. */
import { z } from 'zod';

export const ServerVersion = z.object({ version: z.string(), apiVersion: z.string(), node: z.string() });
export type ServerVersion = z.infer<typeof ServerVersion>;
