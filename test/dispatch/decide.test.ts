import { describe, expect, it } from 'vitest';
import { decideNotify, type NflogEntry } from '../../src/dispatch/decide.js';

const NOW = 1_700_000_000_000;
const REPEAT = 3600_000;
const set = (...xs: string[]) => new Set(xs);
const entry = (firing: string[], resolved: string[], timestamp = NOW - 1000): NflogEntry => ({
  timestamp,
  firing,
  resolved,
});

describe('decideNotify (SEMANTICS §5.6 table)', () => {
  it.each<[string, NflogEntry | null, Set<string>, Set<string>, boolean, string | null]>([
    ['1: no entry, firing', null, set('a'), set(), true, 'first notification'],
    ['1: no entry, only resolved', null, set(), set('a'), true, null],
    ['2: new firing with empty logged firing', entry([], ['a']), set('b'), set(), true, 'first notification'],
    ['2: new firing added', entry(['a'], []), set('a', 'b'), set(), true, 'new alerts added'],
    ['3: all resolved, logged firing', entry(['a'], []), set(), set('a'), true, 'all alerts resolved'],
    ['3: all resolved even without send_resolved', entry(['a'], []), set(), set('a'), false, 'all alerts resolved'],
    ['3: nothing firing before or now', entry([], ['a']), set(), set('a'), true, null],
    ['4: some resolved with send_resolved', entry(['a', 'b'], []), set('a'), set('b'), true, 'some alerts resolved'],
    ['4: some resolved without send_resolved', entry(['a', 'b'], []), set('a'), set('b'), false, null],
    ['4: resolved already logged', entry(['a'], ['b']), set('a'), set('b'), true, null],
    ['5: repeat elapsed', entry(['a'], [], NOW - REPEAT - 1), set('a'), set(), true, 'repeat interval elapsed'],
    ['5: exactly at repeat is not elapsed', entry(['a'], [], NOW - REPEAT), set('a'), set(), true, null],
    ['6: nothing changed', entry(['a', 'b'], []), set('a'), set(), true, null],
  ])('%s', (_name, e, firing, resolved, sendResolved, reason) => {
    const d = decideNotify(e, firing, resolved, NOW, REPEAT, sendResolved);
    expect(d.notify ? d.reason : null).toBe(reason);
  });
});
