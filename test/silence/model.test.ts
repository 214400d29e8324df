import { describe, expect, it } from 'vitest';
import { parseMatcher } from '../../src/labels/matcher.js';
import {
  canUpdate,
  expireSilence,
  matchesFilter,
  planSet,
  type Silence,
  SilenceError,
  type SilenceInput,
  type SilenceMatcher,
  silenceState,
  sortSilences,
  validatePostedTimes,
  validateSilence,
} from '../../src/silence/model.js';

const T = Date.parse('2026-08-22T10:00:00.000Z');
const H = 3600_000;
const eq = (name: string, value: string): SilenceMatcher => ({ name, value, isRegex: false, isEqual: true });
const re = (name: string, value: string, isEqual = true): SilenceMatcher => ({ name, value, isRegex: true, isEqual });

function silence(over: Partial<Silence> = {}): Silence {
  return {
    id: 'old',
    matchers: [eq('alertname', 'A')],
    startsAt: T - H,
    endsAt: T + H,
    updatedAt: T - H,
    createdBy: 'alice',
    comment: 'c',
    ...over,
  };
}

function input(over: Partial<SilenceInput> = {}): SilenceInput {
  return { matchers: [eq('alertname', 'A')], startsAt: T, endsAt: T + H, createdBy: 'bob', comment: 'x', ...over };
}

let n = 0;
const newId = () => `new-${++n}`;

describe('silenceState', () => {
  it('is pending before start, active from start to end inclusive, expired after end', () => {
    const s = silence({ startsAt: T, endsAt: T + 1000 });
    expect(silenceState(s, T - 1)).toBe('pending');
    expect(silenceState(s, T)).toBe('active');
    expect(silenceState(s, T + 1000)).toBe('active');
    expect(silenceState(s, T + 1001)).toBe('expired');
  });
});

describe('validateSilence (Alertmanager 0.25 messages)', () => {
  const v = (matchers: SilenceMatcher[], startsAt = T, endsAt = T + H) =>
    validateSilence({ matchers, startsAt, endsAt });
  it('accepts a plain silence', () => expect(v([eq('a', 'b')])).toBeNull());
  it('requires a matcher', () => expect(v([])).toBe('at least one matcher required'));
  it('rejects an empty label name', () =>
    expect(v([eq('', 'x')])).toBe('invalid label matcher 0: invalid label name ""'));
  it('rejects an invalid regexp, naming the raw pattern', () =>
    expect(v([eq('a', 'b'), re('alertname', 'foo(')])).toBe(
      'invalid label matcher 1: invalid regular expression "foo(": error parsing regexp: missing closing ): `foo(`',
    ));
  it('rejects matchers that all match the empty string', () => {
    const msg = 'at least one matcher must not match the empty string';
    expect(v([re('alertname', '.*')])).toBe(msg);
    expect(v([eq('team', ''), re('x', 'a|')])).toBe(msg);
  });
  it('does not count negative matchers as matching the empty string (as upstream)', () => {
    expect(v([{ name: 'env', value: 'prod', isRegex: false, isEqual: false }])).toBeNull();
    expect(v([re('env', 'x', false)])).toBeNull();
  });
  it('rejects zero times and end before start', () => {
    expect(v([eq('a', 'b')], 0, T)).toBe('invalid zero start timestamp');
    expect(v([eq('a', 'b')], T, 0)).toBe('invalid zero end timestamp');
    expect(v([eq('a', 'b')], T, T - 1)).toBe('end time must not be before start time');
  });
  it('has the API handler checks', () => {
    expect(validatePostedTimes({ startsAt: T, endsAt: T }, T)).toBe(
      'Failed to create silence: start time must be before end time',
    );
    expect(validatePostedTimes({ startsAt: T - 2 * H, endsAt: T - H }, T)).toBe(
      "Failed to create silence: end time can't be in the past",
    );
    expect(validatePostedTimes({ startsAt: T - 2 * H, endsAt: T + 1 }, T)).toBeNull();
  });
});

describe('canUpdate', () => {
  it('active: same matchers, same start to the second, end not in the past', () => {
    const prev = silence();
    expect(canUpdate(prev, { matchers: prev.matchers, startsAt: prev.startsAt + 999, endsAt: T + 2 * H }, T)).toBe(
      true,
    );
    expect(canUpdate(prev, { matchers: prev.matchers, startsAt: prev.startsAt + 1000, endsAt: T + 2 * H }, T)).toBe(
      false,
    );
    expect(canUpdate(prev, { matchers: prev.matchers, startsAt: prev.startsAt, endsAt: T - 1 }, T)).toBe(false);
    expect(canUpdate(prev, { matchers: prev.matchers, startsAt: prev.startsAt, endsAt: T }, T)).toBe(true);
  });
  it('pending: any start not in the past', () => {
    const prev = silence({ startsAt: T + H, endsAt: T + 2 * H });
    expect(canUpdate(prev, { matchers: prev.matchers, startsAt: T + 5 * H, endsAt: T + 6 * H }, T)).toBe(true);
    expect(canUpdate(prev, { matchers: prev.matchers, startsAt: T, endsAt: T + 6 * H }, T)).toBe(true);
    expect(canUpdate(prev, { matchers: prev.matchers, startsAt: T - 1, endsAt: T + 6 * H }, T)).toBe(false);
  });
  it('expired: never', () => {
    const prev = silence({ endsAt: T - 1 });
    expect(canUpdate(prev, { matchers: prev.matchers, startsAt: prev.startsAt, endsAt: T + H }, T)).toBe(false);
  });
  it('any matcher change (value, operator, order) means a new silence', () => {
    const prev = silence({ matchers: [eq('a', '1'), eq('b', '2')] });
    const same = { startsAt: prev.startsAt, endsAt: prev.endsAt };
    expect(canUpdate(prev, { ...same, matchers: [eq('a', '1'), eq('b', '2')] }, T)).toBe(true);
    expect(canUpdate(prev, { ...same, matchers: [eq('b', '2'), eq('a', '1')] }, T)).toBe(false);
    expect(canUpdate(prev, { ...same, matchers: [eq('a', '1'), re('b', '2')] }, T)).toBe(false);
    expect(canUpdate(prev, { ...same, matchers: [eq('a', '1')] }, T)).toBe(false);
  });
});

describe('planSet', () => {
  it('creates a silence with a new id; a past start becomes now', () => {
    const plan = planSet(input({ startsAt: T - H }), undefined, T, () => 'id1');
    expect(plan).toEqual({
      created: true,
      silence: {
        id: 'id1',
        matchers: [eq('alertname', 'A')],
        startsAt: T,
        endsAt: T + H,
        updatedAt: T,
        createdBy: 'bob',
        comment: 'x',
      },
    });
  });
  it('keeps a future start', () => {
    expect(planSet(input({ startsAt: T + H, endsAt: T + 2 * H }), undefined, T, newId).silence.startsAt).toBe(T + H);
  });
  it('updates an active silence in place (same id, new updatedAt, new comment and end)', () => {
    const prev = silence();
    const plan = planSet(
      input({ id: 'old', startsAt: prev.startsAt, endsAt: T + 3 * H, comment: 'longer' }),
      prev,
      T,
      newId,
    );
    expect(plan.created).toBe(false);
    expect(plan.expired).toBeUndefined();
    expect(plan.silence).toMatchObject({
      id: 'old',
      startsAt: prev.startsAt,
      endsAt: T + 3 * H,
      updatedAt: T,
      comment: 'longer',
    });
  });
  it('updates a pending silence in place when the new start is not in the past', () => {
    const prev = silence({ startsAt: T + H, endsAt: T + 2 * H });
    const plan = planSet(input({ id: 'old', startsAt: T + 10_000, endsAt: T + 3 * H }), prev, T, newId);
    expect(plan).toMatchObject({ created: false, silence: { id: 'old', startsAt: T + 10_000 } });
  });
  it('replaces an active silence whose matchers change, expiring the old one now', () => {
    const prev = silence();
    const plan = planSet(input({ id: 'old', matchers: [eq('alertname', 'B')] }), prev, T, () => 'id2');
    expect(plan.created).toBe(true);
    expect(plan.silence).toMatchObject({ id: 'id2', startsAt: T, matchers: [eq('alertname', 'B')] });
    expect(plan.expired).toEqual({ ...prev, endsAt: T, updatedAt: T });
  });
  it('replaces a pending silence whose matchers change; the old one gets start = end = now', () => {
    const prev = silence({ startsAt: T + H, endsAt: T + 2 * H });
    const plan = planSet(
      input({ id: 'old', matchers: [eq('x', 'y')], startsAt: T + H, endsAt: T + 2 * H }),
      prev,
      T,
      () => 'id3',
    );
    expect(plan.silence).toMatchObject({ id: 'id3', startsAt: T + H });
    expect(plan.expired).toEqual({ ...prev, startsAt: T, endsAt: T, updatedAt: T });
  });
  it('replaces an active silence whose start moves, and one whose start goes into the past while pending', () => {
    expect(planSet(input({ id: 'old', startsAt: T - 10 * H }), silence(), T, () => 'n').silence.id).toBe('n');
    const pending = silence({ startsAt: T + H, endsAt: T + 2 * H });
    expect(planSet(input({ id: 'old', startsAt: T - 1 }), pending, T, () => 'm')).toMatchObject({
      silence: { id: 'm', startsAt: T },
      expired: { id: 'old', startsAt: T, endsAt: T },
    });
  });
  it('any edit of an expired silence creates a new one and leaves the old untouched', () => {
    const prev = silence({ endsAt: T - 1 });
    const plan = planSet(input({ id: 'old', startsAt: prev.startsAt }), prev, T, () => 'id4');
    expect(plan).toMatchObject({ created: true, silence: { id: 'id4' } });
    expect(plan.expired).toBeUndefined();
  });
  it('rejects an unknown id with 404 and invalid silences with 400 before anything else', () => {
    expect(() => planSet(input({ id: 'nope' }), undefined, T, newId)).toThrow(
      new SilenceError(404, 'silence not found'),
    );
    const err = (() => {
      try {
        planSet(input({ id: 'old', matchers: [re('a', '(')] }), silence(), T, newId);
      } catch (e) {
        return e as SilenceError;
      }
    })();
    expect(err?.status).toBe(400);
    expect(err?.message).toBe(
      'silence invalid: invalid label matcher 0: invalid regular expression "(": error parsing regexp: missing closing ): `(`',
    );
  });
  it('keeps annotations only when there are some', () => {
    expect(planSet(input({ annotations: {} }), undefined, T, newId).silence).not.toHaveProperty('annotations');
    expect(planSet(input({ annotations: { a: 'b' } }), undefined, T, newId).silence.annotations).toEqual({ a: 'b' });
  });
});

describe('expireSilence', () => {
  it('active: ends now', () =>
    expect(expireSilence(silence(), T)).toMatchObject({ startsAt: T - H, endsAt: T, updatedAt: T }));
  it('pending: starts and ends now', () =>
    expect(expireSilence(silence({ startsAt: T + H, endsAt: T + 2 * H }), T)).toMatchObject({
      startsAt: T,
      endsAt: T,
    }));
  it('expired: no-op', () => expect(expireSilence(silence({ endsAt: T - 1 }), T)).toBeNull());
});

describe('sortSilences', () => {
  it('active by soonest end, pending by soonest start, expired by latest end', () => {
    const list = [
      silence({ id: 'e1', startsAt: T - 5 * H, endsAt: T - 3 * H }),
      silence({ id: 'p2', startsAt: T + 2 * H, endsAt: T + 3 * H }),
      silence({ id: 'a2', endsAt: T + 2 * H }),
      silence({ id: 'e2', startsAt: T - 5 * H, endsAt: T - 1 * H }),
      silence({ id: 'p1', startsAt: T + 1 * H, endsAt: T + 9 * H }),
      silence({ id: 'a1', endsAt: T + 1 * H }),
    ];
    expect(sortSilences(list, T).map((s) => s.id)).toEqual(['a1', 'a2', 'p1', 'p2', 'e2', 'e1']);
  });
});

describe('matchesFilter (syntactic)', () => {
  const s = silence({ matchers: [eq('alertname', 'HighLatency'), eq('cluster', 'c2'), re('instance', 'i[34]')] });
  const f = (...xs: string[]) => xs.map((x) => parseMatcher(x));
  it('needs a silence matcher with the same name, operator and value', () => {
    expect(matchesFilter(s, f('alertname=HighLatency'))).toBe(true);
    expect(matchesFilter(s, f('alertname=HighLatency', 'instance=~"i[34]"'))).toBe(true);
    expect(matchesFilter(s, f('instance=~"i3"'))).toBe(false);
    expect(matchesFilter(s, f('instance="i[34]"'))).toBe(false);
    expect(matchesFilter(s, f('alertname=~"High.*"'))).toBe(false);
    expect(matchesFilter(s, f('team=db'))).toBe(false);
    expect(matchesFilter(s, [])).toBe(true);
  });
});
