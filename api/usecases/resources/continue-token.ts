/** The opaque `continue` token of a paged list: where the last page stopped, and at which revision. */
import { z } from 'zod';

const Token = z.object({ after: z.string(), revision: z.number().int().positive() });
export type ContinueToken = z.infer<typeof Token>;

export class InvalidContinueError extends Error {
  override readonly name = 'InvalidContinue';
  constructor() {
    super('invalid continue token: pass the token from the previous page unchanged, or list again from the start');
  }
}

export function encodeContinue(token: ContinueToken): string {
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

export function decodeContinue(text: string): ContinueToken {
  try {
    return Token.parse(JSON.parse(Buffer.from(text, 'base64url').toString()));
  } catch {
    throw new InvalidContinueError();
  }
}
