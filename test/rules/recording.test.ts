import { describe, expect, it } from 'vitest';
import { DUPLICATE_SERIES_LABELSET, evaluateRecordingRule } from '../../src/rules/recording.js';
import { emptyRecordingState } from '../../src/rules/types.js';
import { samples, T0 } from './helpers.js';

const rule = { name: 'job:load:sum', labels: { env: 'prod', drop: '' } };

describe('recording rules (§2.8)', () => {
  it('sets __name__, overlays group then rule labels, and an empty value deletes', () => {
    const out = samples([{ __name__: 'load', job: 'a', drop: 'x', env: 'dev' }, 1.5]);
    const res = evaluateRecordingRule(
      rule,
      { labels: { team: 't', env: 'g' }, limit: 0 },
      emptyRecordingState(),
      out,
      T0,
    );
    expect(res.health).toBe('ok');
    expect(res.state.lastResult).toEqual([
      { labels: { __name__: 'job:load:sum', job: 'a', env: 'prod', team: 't' }, value: 1.5 },
    ]);
    expect(res.state.lastEvaluation).toBe(T0);
  });

  it('fails on a duplicate output label set and keeps the previous result', () => {
    const ok = evaluateRecordingRule(
      rule,
      { labels: {}, limit: 0 },
      emptyRecordingState(),
      samples([{ job: 'a' }, 1]),
      T0,
    );
    const dup = samples([{ __name__: 'a', job: 'x' }, 1], [{ __name__: 'b', job: 'x' }, 2]);
    const res = evaluateRecordingRule(rule, { labels: {}, limit: 0 }, ok.state, dup, T0 + 1000);
    expect(res.error).toBe(DUPLICATE_SERIES_LABELSET);
    expect(res.state.lastResult).toEqual(ok.state.lastResult);
    expect(res.state.consecutiveFailures).toBe(1);
  });

  it('fails over the limit with the upstream message', () => {
    const two = samples([{ job: 'a' }, 1], [{ job: 'b' }, 1]);
    const res = evaluateRecordingRule(rule, { labels: {}, limit: 1 }, emptyRecordingState(), two, T0);
    expect(res.error).toBe('exceeded limit of 1 with 2 series');
  });

  it('records query errors as rule health', () => {
    const res = evaluateRecordingRule(
      rule,
      { labels: {}, limit: 0 },
      emptyRecordingState(),
      { ok: false, error: new Error('boom') },
      T0,
    );
    expect(res.state).toMatchObject({ health: 'err', lastError: 'boom', lastEvaluation: T0 });
  });
});
