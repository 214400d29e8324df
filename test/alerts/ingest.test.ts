import { describe, expect, it } from 'vitest';
import { normalizeAlert } from '../../src/alerts/ingest.js';
import type { Alert } from '../../src/alerts/types.js';
import { applyIncoming, mergeAlerts, overlaps } from '../support/alert-merge-reference.js';

const NOW = 1_700_000_000_000;
const TIMEOUT = 5 * 60_000;

function alert(over: Partial<Alert>): Alert {
  return {
    labels: { alertname: 'A' },
    annotations: {},
    startsAt: NOW,
    endsAt: NOW + 60_000,
    updatedAt: NOW,
    generatorURL: '',
    fingerprint: 'f',
    timeout: false,
    ...over,
  };
}

describe('normalizeAlert (SEMANTICS §5.1 defaults and validation)', () => {
  it('defaults startsAt to now and endsAt to now + resolve_timeout, marking timeout', () => {
    const r = normalizeAlert({ labels: { alertname: 'A' } }, NOW, TIMEOUT, 'utf8');
    expect(r).toMatchObject({
      ok: true,
      alert: { startsAt: NOW, endsAt: NOW + TIMEOUT, timeout: true, updatedAt: NOW },
    });
  });

  it('defaults a missing startsAt to endsAt', () => {
    const r = normalizeAlert({ labels: { a: '1' }, endsAt: NOW - 10 }, NOW, TIMEOUT, 'utf8');
    expect(r).toMatchObject({ ok: true, alert: { startsAt: NOW - 10, endsAt: NOW - 10, timeout: false } });
  });

  it('drops empty-valued labels before fingerprinting', () => {
    const a = normalizeAlert({ labels: { alertname: 'A', team: '' } }, NOW, TIMEOUT, 'utf8');
    const b = normalizeAlert({ labels: { alertname: 'A' } }, NOW, TIMEOUT, 'utf8');
    expect(a.ok && b.ok && a.alert.fingerprint === b.alert.fingerprint).toBe(true);
    expect(a.ok && a.alert.labels).toEqual({ alertname: 'A' });
  });

  // `firing` (ends after now, resolve_timeout applied) is what Alertmanager's received-alerts count goes by.
  it.each([
    [{ labels: { a: '1' }, startsAt: NOW, endsAt: NOW - 1 }, 'start time must be before end time', false],
    [{ labels: {} }, 'at least one label pair required', true],
    [{ labels: { a: '' } }, 'at least one label pair required', true],
    [{ labels: { '1bad-name': 'x' } }, 'invalid label set: invalid name "1bad-name"', true],
    [{ labels: { a: '1' }, annotations: { 'bad key': 'x' } }, 'invalid annotations: invalid name "bad key"', true],
  ])('rejects %j in legacy mode with Alertmanager’s message', (posted, message, firing) => {
    expect(normalizeAlert(posted, NOW, TIMEOUT, 'legacy')).toEqual({ ok: false, error: message, firing });
  });

  it('accepts any UTF-8 name in utf8 mode', () => {
    expect(normalizeAlert({ labels: { '1bad-name': 'x' } }, NOW, TIMEOUT, 'utf8').ok).toBe(true);
  });

  it('allows endsAt equal to startsAt', () => {
    expect(normalizeAlert({ labels: { a: '1' }, startsAt: NOW, endsAt: NOW }, NOW, TIMEOUT, 'utf8').ok).toBe(true);
  });
});

describe('merge rules (types.Alert.Merge, provider Put)', () => {
  it('merges only when the new startsAt or endsAt lies strictly inside the old range', () => {
    const old = alert({ startsAt: NOW, endsAt: NOW + 100 });
    expect(overlaps(old, alert({ startsAt: NOW + 50, endsAt: NOW + 500 }))).toBe(true);
    expect(overlaps(old, alert({ startsAt: NOW - 50, endsAt: NOW + 50 }))).toBe(true);
    expect(overlaps(old, alert({ startsAt: NOW + 100, endsAt: NOW + 500 }))).toBe(false);
    expect(overlaps(old, alert({ startsAt: NOW, endsAt: NOW + 100 }))).toBe(false);
  });

  it('replaces the stored alert when the ranges do not overlap', () => {
    const old = alert({ startsAt: NOW - 1000, endsAt: NOW - 500 });
    const incoming = alert({ startsAt: NOW, endsAt: NOW + 60_000, updatedAt: NOW + 1 });
    expect(applyIncoming(old, incoming, NOW)).toBe(incoming);
  });

  it('keeps the earliest startsAt and the later explicit endsAt of a firing base', () => {
    const old = alert({ startsAt: NOW - 1000, endsAt: NOW + 90_000, updatedAt: NOW - 1, annotations: { v: 'old' } });
    const incoming = alert({ startsAt: NOW - 10, endsAt: NOW + 60_000, updatedAt: NOW, annotations: { v: 'new' } });
    expect(mergeAlerts(old, incoming, NOW)).toMatchObject({
      startsAt: NOW - 1000,
      endsAt: NOW + 90_000,
      annotations: { v: 'new' },
    });
  });

  it('does not take a later endsAt that came from the resolve_timeout default', () => {
    const old = alert({ startsAt: NOW - 1000, endsAt: NOW + 90_000, updatedAt: NOW - 1, timeout: true });
    const incoming = alert({ startsAt: NOW - 1000, endsAt: NOW + 60_000, updatedAt: NOW });
    expect(mergeAlerts(old, incoming, NOW).endsAt).toBe(NOW + 60_000);
  });

  it('a resolved base keeps the other copy’s endsAt only if that one is resolved and ends later', () => {
    const older = alert({ startsAt: NOW - 1000, endsAt: NOW - 100, updatedAt: NOW - 1 });
    const younger = alert({ startsAt: NOW - 1000, endsAt: NOW - 500, updatedAt: NOW });
    expect(mergeAlerts(older, younger, NOW).endsAt).toBe(NOW - 100);
    const firingOlder = alert({ startsAt: NOW - 1000, endsAt: NOW + 100, updatedAt: NOW - 1 });
    expect(mergeAlerts(firingOlder, younger, NOW).endsAt).toBe(NOW - 500);
  });

  it('the later updatedAt is the base regardless of argument order', () => {
    const a = alert({ updatedAt: NOW, annotations: { v: 'a' } });
    const b = alert({ updatedAt: NOW - 5, annotations: { v: 'b' } });
    expect(mergeAlerts(a, b, NOW).annotations).toEqual({ v: 'a' });
    expect(mergeAlerts(b, a, NOW).annotations).toEqual({ v: 'a' });
  });
});
