import { describe, expect, it } from 'vitest';
import { renderStatusPage } from '../../src/api/ui.js';

describe('status page', () => {
  it('lists rule groups, alerts, silences and deliveries, escaping everything', async () => {
    const html = await renderStatusPage(
      {
        ruleGroups: async () => [
          { file: 'rules/node.yml', name: 'node', health: 'ok', lastEvaluation: '2026-01-01T00:00:00Z', rules: 4 },
        ],
        alerts: async () => [
          { labels: { alertname: 'Disk<Full>', instance: 'a' }, state: 'firing', startsAt: 't', summary: 'x & y' },
        ],
        silences: async () => [],
        deliveries: async () => [
          { time: 't', receiver: 'slack', integration: 'slack', status: 'delivered', groupKey: '{}:{a="1"}' },
        ],
      },
      new Date(0),
    );
    expect(html).toContain('<td>node</td>');
    expect(html).toContain('Disk&lt;Full&gt;');
    expect(html).toContain('x &amp; y');
    expect(html).toContain('No silences.');
    expect(html).toContain('{}:{a=&quot;1&quot;}');
    expect(html).not.toContain('Disk<Full>');
  });

  it('renders without any data source', async () => {
    const html = await renderStatusPage({}, new Date(0));
    expect(html).toContain('No rule groups loaded.');
    expect(html).toContain('Nothing delivered yet.');
  });
});
