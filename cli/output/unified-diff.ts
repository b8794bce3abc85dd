/**
 * A unified diff of two texts by lines (LCS; manifests are small), with three lines of context,
 * `---`/`+++` headers and `@@ -a,b +c,d @@` hunks as diff -u prints them.
 */

type Op = { kind: ' ' | '-' | '+'; line: string };

export function unifiedDiff(before: string, after: string, names: { from: string; to: string }, context = 3): string {
  const ops = diffLines(splitLines(before), splitLines(after));
  if (ops.every((o) => o.kind === ' ')) return '';
  const out = [`--- ${names.from}`, `+++ ${names.to}`];
  for (const hunk of hunks(ops, context)) out.push(...hunk);
  return `${out.join('\n')}\n`;
}

function splitLines(text: string): string[] {
  if (text === '') return [];
  return text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n');
}

export function diffLines(a: string[], b: string[]): Op[] {
  // lcs[i][j]: length of the longest common subsequence of a[i:] and b[j:].
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--)
    for (let j = b.length - 1; j >= 0; j--) {
      const row = lcs[i] ?? [];
      row[j] = a[i] === b[j] ? (lcs[i + 1]?.[j + 1] ?? 0) + 1 : Math.max(lcs[i + 1]?.[j] ?? 0, row[j + 1] ?? 0);
    }
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      ops.push({ kind: ' ', line: a[i++] ?? '' });
      j++;
    }
    else if ((lcs[i + 1]?.[j] ?? 0) >= (lcs[i]?.[j + 1] ?? 0)) ops.push({ kind: '-', line: a[i++] ?? '' });
    else ops.push({ kind: '+', line: b[j++] ?? '' });
  }
  while (i < a.length) ops.push({ kind: '-', line: a[i++] ?? '' });
  while (j < b.length) ops.push({ kind: '+', line: b[j++] ?? '' });
  return ops;
}

function hunks(ops: Op[], context: number): string[][] {
  const changed = ops.map((o, i) => (o.kind === ' ' ? -1 : i)).filter((i) => i >= 0);
  const groups: [number, number][] = [];
  for (const i of changed) {
    const last = groups.at(-1);
    if (last && i - last[1] <= 2 * context) last[1] = i;
    else groups.push([i, i]);
  }
  return groups.map(([first, lastChanged]) => {
    const start = Math.max(0, first - context);
    const end = Math.min(ops.length, lastChanged + context + 1);
    let oldLine = 1;
    let newLine = 1;
    for (const o of ops.slice(0, start)) {
      if (o.kind !== '+') oldLine++;
      if (o.kind !== '-') newLine++;
    }
    const body = ops.slice(start, end);
    const oldCount = body.filter((o) => o.kind !== '+').length;
    const newCount = body.filter((o) => o.kind !== '-').length;
    return [`@@ -${oldCount === 0 ? oldLine - 1 : oldLine},${oldCount} +${newCount === 0 ? newLine - 1 : newLine},${newCount} @@`, ...body.map((o) => `${o.kind}${o.line}`)];
  });
}
