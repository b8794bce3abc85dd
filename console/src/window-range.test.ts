import { describe, expect, it } from 'vitest';
import { rowRange } from './window-range.js';

describe('rowRange', () => {
  it.each([
    { what: 'an empty list', scrollTop: 0, viewport: 600, count: 0, want: { start: 0, end: 0 } },
    { what: 'a short list: every row', scrollTop: 0, viewport: 600, count: 5, want: { start: 0, end: 5 } },
    { what: 'the top of a long list: the viewport and the overscan below', scrollTop: 0, viewport: 600, count: 1000, want: { start: 0, end: 26 } },
    { what: 'scrolled: the overscan either side', scrollTop: 3000, viewport: 600, count: 1000, want: { start: 95, end: 126 } },
    { what: 'part of a row scrolled off still shows it', scrollTop: 3015, viewport: 600, count: 1000, want: { start: 95, end: 126 } },
    { what: 'the bottom', scrollTop: 29_400, viewport: 600, count: 1000, want: { start: 975, end: 1000 } },
    { what: 'scrolled past the end (the list shrank): the last rows', scrollTop: 90_000, viewport: 600, count: 10, want: { start: 4, end: 10 } },
    { what: 'a negative scroll (overscroll bounce)', scrollTop: -40, viewport: 600, count: 1000, want: { start: 0, end: 26 } },
  ])('$what', ({ scrollTop, viewport, count, want }) => {
    expect(rowRange(scrollTop, viewport, 30, count, 5)).toEqual(want);
  });
});
