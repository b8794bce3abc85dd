import { describe, expect, it } from 'vitest';
import type { BerthObject } from '../../api/v1/index.js';
import { printPages } from './print-pages.js';

const service = (name: string): BerthObject =>
  ({
    apiVersion: 'berth.dev/v1',
    kind: 'Service',
    metadata: { name, cluster: 'default' },
    spec: { taskDefinition: 'web:1', desiredCount: 1 },
  }) as BerthObject;

describe('printPages', () => {
  it('prints each page before the next one is fetched, aligned to the first page', async () => {
    const written: string[] = [];
    let wroteFirst: () => void = () => undefined;
    const firstWritten = new Promise<void>((resolve) => (wroteFirst = resolve));
    async function* pages() {
      yield { items: [service('a'), service('hidden')], resourceVersion: '7' };
      // The second page comes only once the first is on the screen: a printer that waits for the
      // whole list would wait here forever (and the race below fails the test).
      await firstWritten;
      yield { items: [service('a-much-longer-name')], resourceVersion: '7' };
    }
    const out = { write: (text: string) => (written.push(text), wroteFirst()) };
    const printed = await Promise.race([
      printPages(pages(), 'Service', { keep: (o) => o.metadata.name !== 'hidden', format: 'name', tableOptions: {} }, out),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the first page was not printed before the second was asked for')), 2000)),
    ]);
    expect(written).toEqual(['service/a\n', 'service/a-much-longer-name\n']);
    expect(printed).toMatchObject({ count: 2, resourceVersion: '7' });
  });

  it('prints one header, on the first page that shows anything', async () => {
    const written: string[] = [];
    async function* pages() {
      yield { items: [service('hidden')], resourceVersion: '3' };
      yield { items: [service('web')], resourceVersion: '3' };
      yield { items: [service('api')], resourceVersion: '3' };
    }
    const printed = await printPages(
      pages(),
      'Service',
      { keep: (o) => o.metadata.name !== 'hidden', format: 'table', tableOptions: {} },
      { write: (t: string) => written.push(t) },
    );
    const text = written.join('');
    expect(text.match(/^NAME/gm)).toHaveLength(1);
    expect(
      text
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split(/\s+/)[0]),
    ).toEqual(['NAME', 'web', 'api']);
    expect(printed.first.map((o) => o.metadata.name)).toEqual(['web']);
  });
});
