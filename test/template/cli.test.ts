/** `klaxon template render` helpers: webhook-shaped data and rule lookup. */
import { describe, expect, it } from 'vitest';
import { findAlertRule, notificationDataFromJson } from '../../src/cli/template.js';

describe('template render CLI helpers', () => {
  it('builds notification data from a webhook-shaped payload', () => {
    const now = new Date('2026-01-01T01:00:00Z');
    const d = notificationDataFromJson(
      {
        receiver: 'team.a',
        alerts: [
          { labels: { alertname: 'A', x: '1' }, annotations: { s: 'v' }, startsAt: '2026-01-01T00:00:00Z' },
          { labels: { alertname: 'A', x: '2' }, annotations: { s: 'v' }, endsAt: '2026-01-01T00:30:00Z' },
        ],
      },
      now,
    );
    expect(d.receiver).toBe('team\\.a');
    expect(d.status).toBe('firing');
    expect(d.alerts.map((a) => a.status)).toEqual(['firing', 'resolved']);
    expect(d.commonLabels).toEqual({ alertname: 'A' });
    expect(d.commonAnnotations).toEqual({ s: 'v' });
    expect(d.alerts[0]!.fingerprint).toMatch(/^[0-9a-f]{16}$/);
  });
  it('finds alerting rules in rule files and PrometheusRule manifests', () => {
    const plain =
      'groups:\n- name: g\n  rules:\n  - alert: X\n    expr: up == 0\n    annotations:\n      s: "{{ $value }}"\n';
    expect(findAlertRule(plain, 'X')?.annotations).toEqual({ s: '{{ $value }}' });
    const crd = `apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nspec:\n  ${plain.replace(/\n/g, '\n  ')}`;
    expect(findAlertRule(crd, 'X')).toBeDefined();
    expect(findAlertRule(plain, 'Y')).toBeUndefined();
  });
});
