/**
 * A unified diff of two texts by lines, as `diff -u` prints it: `---`/`+++` headers and
 * `@@ -a,b +c,d @@` hunks with three lines of context. jsdiff (the `diff` package) computes the
 * hunks; this only frames them the way `berth diff` has always printed them.
 */
import { structuredPatch } from 'diff';

/** A text ends in a newline for the diff, so a missing final newline is never a change of its own. */
const terminated = (text: string): string => (text === '' || text.endsWith('\n') ? text : `${text}\n`);

export function unifiedDiff(before: string, after: string, names: { from: string; to: string }, context = 3): string {
  const patch = structuredPatch(names.from, names.to, terminated(before), terminated(after), undefined, undefined, { context });
  if (patch.hunks.length === 0) return '';
  const out = [`--- ${names.from}`, `+++ ${names.to}`];
  for (const h of patch.hunks) {
    // diff -u numbers an empty side from the line before it (`-0,0`); jsdiff from the line after.
    const oldStart = h.oldLines === 0 ? h.oldStart - 1 : h.oldStart;
    const newStart = h.newLines === 0 ? h.newStart - 1 : h.newStart;
    out.push(`@@ -${oldStart},${h.oldLines} +${newStart},${h.newLines} @@`, ...h.lines);
  }
  return `${out.join('\n')}\n`;
}
