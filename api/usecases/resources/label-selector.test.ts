import { describe, expect, it } from 'vitest';
import { LabelSelectorError, matchesLabels, parseLabelSelector } from './label-selector.js';

const labels = { app: 'web', tier: 'front', env: 'prod' };

describe('label selectors', () => {
  it.each([
    ['', true],
    ['app=web', true],
    ['app==web', true],
    ['app=db', false],
    ['app!=db', true],
    ['app!=web', false],
    ['missing!=x', true],
    ['env in (prod, staging)', true],
    ['env in (staging)', false],
    ['env notin (staging)', true],
    ['env notin (prod)', false],
    ['tier', true],
    ['missing', false],
    ['!missing', true],
    ['!tier', false],
    ['app=web,tier=front', true],
    ['app=web,tier=back', false],
    ['app=web, env in (dev,prod), !legacy', true],
  ])('%j matches %j', (selector, expected) => {
    expect(matchesLabels(parseLabelSelector(selector), labels)).toBe(expected);
  });

  it('matches objects without labels only with negative requirements', () => {
    expect(matchesLabels(parseLabelSelector('!a,b!=c'), undefined)).toBe(true);
    expect(matchesLabels(parseLabelSelector('a'), undefined)).toBe(false);
  });

  it.each<[string, number]>([
    ['app=we b', 1],
    ['a b c', 1],
    ['env in (bad value!)', 9],
    ['-bad=1', 1],
    ['app=web, b c', 10],
    ['app=web,tier=a=b', 14],
    ['app=web, !', 10],
    // An empty set would match nothing (in) or everything (notin): a mistake, as Kubernetes says.
    ['app=web,env in ()', 16],
    ['env notin ( )', 11],
  ])('rejects %j with a helpful message naming column %i', (selector, column) => {
    expect(() => parseLabelSelector(selector)).toThrow(LabelSelectorError);
    expect(() => parseLabelSelector(selector)).toThrow(/invalid label selector.*expected e\.g\./);
    expect(() => parseLabelSelector(selector)).toThrow(`at column ${column} `);
  });
});
