/**
 * The web console at /ui: the files `vite build` wrote to dist/console, read once when the server
 * starts and served from memory. Only those files exist: no path from a request reaches the file
 * system, so nothing outside the build can be read through it. The files need no token (see
 * CONSOLE_PATH); the page asks for one and sends it with every API call.
 *
 * The Content-Security-Policy lets the page run only its own scripts and talk only to this server,
 * so an object's text shown on the page cannot run as script and read the token it keeps.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { CONSOLE_PATH } from '../paths.js';
import type { ApiApp } from './meta-routes.js';
import { status } from './status.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

const Params = z.object({ '*': z.string().default('') });

interface ConsoleFile {
  body: Buffer;
  type: string;
  /** Vite names assets by their content's hash: a name never changes content, so it may be kept. */
  immutable: boolean;
}

/**
 * Where the built console is: beside the compiled server (dist/api/server → dist/console), or,
 * running from source (api/server), in dist/console of the checkout. The source folder console/
 * holds an index.html too, so a build is told by its assets/ folder.
 */
export function defaultConsoleDir(): string | undefined {
  const candidates = ['../../console/', '../../dist/console/'].map((rel) => fileURLToPath(new URL(rel, import.meta.url)));
  return candidates.find((dir) => existsSync(join(dir, 'index.html')) && existsSync(join(dir, 'assets')));
}

function readTree(dir: string): Map<string, ConsoleFile> {
  const files = new Map<string, ConsoleFile>();
  const walk = (at: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const path = join(at, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && statSync(path).size > 0) {
        const rel = relative(dir, path).split(sep).join('/');
        files.set(rel, { body: readFileSync(path), type: TYPES[extname(path)] ?? 'application/octet-stream', immutable: rel.startsWith('assets/') });
      }
    }
  };
  walk(dir);
  return files;
}

/** Registers GET /ui, /ui/ and /ui/*; `dir` undefined (no build) answers 404 saying how to build it. */
export function registerConsoleRoutes(app: ApiApp, dir: string | undefined): void {
  const files = dir === undefined ? new Map<string, ConsoleFile>() : readTree(dir);
  app.get(CONSOLE_PATH, async (_request, reply) => reply.redirect(`${CONSOLE_PATH}/`, 302));
  app.get(`${CONSOLE_PATH}/*`, async (request, reply) => {
    const wanted = Params.parse(request.params)['*'] || 'index.html';
    const file = files.get(wanted);
    if (!file) {
      const why =
        files.size === 0
          ? 'the web console is not built into this installation (run `npm run build`, which builds console/ into dist/console)'
          : `the web console has no file ${wanted}`;
      return reply.code(404).type('application/json').send(status(404, why));
    }
    reply.headers(SECURITY_HEADERS);
    reply.header('cache-control', file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
    return reply.type(file.type).send(file.body);
  });
}
