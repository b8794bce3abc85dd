/** Task names as ECS-style one-off tasks get them: the family and 10 random hex digits, `web-3f9c1a7b2d`. */
import { randomBytes } from 'node:crypto';

const SUFFIX_HEX = 10;
const MAX_NAME = 255;

export function randomSuffix(): string {
  return randomBytes(SUFFIX_HEX / 2).toString('hex');
}

/** `family-suffix`, kept within the name limit and starting with a letter or digit as names must. */
export function taskName(family: string, suffix: string = randomSuffix()): string {
  const base = family.replace(/^[^A-Za-z0-9]+/, '').slice(0, MAX_NAME - suffix.length - 1) || 'task';
  return `${base}-${suffix}`;
}
