import { describe, expect, it } from 'vitest';
import { buildSlackBlocks, buildSlackMessage, groupSeverity, silenceUrl } from '../../src/notify/slack/message.js';
import { buildTemplateData } from '../../src/notify/template-data.js';
import { NotificationTemplates } from '../../src/template/index.js';
import { alert, request } from './helpers.js';

const templates = NotificationTemplates.load([]);

describe('Slack message building', () => {
  it('renders Alertmanager defaults for unset fields and omits empty ones', () => {
    const data = buildTemplateData(request({ receiver: 'team.a', integration: 'slack' }));
    const msg = buildSlackMessage({ sendResolved: false, channel: '#c' }, (t) => (t ? templates.render(t, data) : ''));
    expect(msg).toEqual({
      channel: '#c',
      username: 'Alertmanager',
      attachments: [
        {
          title: '[FIRING:1] HighLatency (eu1)',
          title_link: 'http://klaxon.example:9093/#/alerts?receiver=team%5C.a',
          fallback: '[FIRING:1] HighLatency (eu1) | http://klaxon.example:9093/#/alerts?receiver=team%5C.a',
          color: 'danger',
          mrkdwn_in: ['fallback', 'pretext', 'text'],
        },
      ],
    });
  });

  it('renders fields and actions with short_fields as the default', () => {
    const data = buildTemplateData(request({ receiver: 'r', integration: 'slack' }));
    const msg = buildSlackMessage(
      {
        sendResolved: false,
        shortFields: true,
        fields: [{ title: 'Cluster', value: '{{ .CommonLabels.cluster }}' }],
        actions: [{ type: 'button', text: 'Runbook', url: 'https://rb/{{ .GroupLabels.alertname }}', style: 'danger' }],
      },
      (t) => (t ? templates.render(t, data) : ''),
    );
    expect(msg.attachments[0]!.fields).toEqual([{ title: 'Cluster', value: 'eu1', short: true }]);
    expect(msg.attachments[0]!.actions).toEqual([
      { type: 'button', text: 'Runbook', url: 'https://rb/HighLatency', style: 'danger' },
    ]);
  });

  it('keeps Block Kit output within Slack limits for large groups', () => {
    const alerts = Array.from({ length: 60 }, (_, i) =>
      alert(
        { alertname: 'Many', instance: `i${i}`, severity: i === 7 ? 'critical' : 'warning' },
        {
          annotations: { summary: 'x'.repeat(4000) },
        },
      ),
    );
    const data = buildTemplateData(request({ receiver: 'r', integration: 'slack', alerts }));
    const blocks = buildSlackBlocks(data, 'T'.repeat(400), 'http://ui');
    expect(blocks.length).toBeLessThanOrEqual(50);
    const texts = blocks.flatMap((b) => {
      const t = (b as { text?: { text: string } }).text?.text;
      return t ? [t] : [];
    });
    expect((blocks[0] as { text: { text: string } }).text.text).toHaveLength(150);
    for (const t of texts) expect(t.length).toBeLessThanOrEqual(3000);
    expect(texts.join('').length).toBeLessThan(13_000);
    const more = blocks.at(-2) as { elements: { text: string }[] };
    expect(more.elements[0]!.text).toMatch(/^…and \d+ more alert\(s\) in this group$/);
    expect(groupSeverity(data)).toBe('critical');
  });

  it('links a silence pre-filled with the alert labels', () => {
    expect(silenceUrl('http://am/', { b: '2', a: 'x"y' })).toBe(
      `http://am/#/silences/new?filter=${encodeURIComponent('{a="x\\"y",b="2"}')}`,
    );
  });
});
