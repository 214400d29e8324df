import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmailConfig, ReceiverConfig } from '../../src/config/alertmanager/types.js';
import { createNotifier, type KlaxonNotifier } from '../../src/notify/notifier.js';
import { NotificationTemplates } from '../../src/template/index.js';
import { alert, eventually, outcomeRecorder, request, type TestDeps, testDeps } from './helpers.js';

interface Received {
  mail: ParsedMail;
  envelopeTo: string[];
  secure: boolean;
  user: string | undefined;
  hello: string;
}

/** A real SMTP server: STARTTLS (smtp-server's built-in test certificate) and AUTH PLAIN/LOGIN, only after TLS. */
async function startSmtp(plain = false) {
  const received: Received[] = [];
  let rcptFailures = 0;
  const server = new SMTPServer({
    logger: false,
    // The plain variant has neither STARTTLS nor AUTH, like a relay on a trusted network.
    ...(plain ? { disabledCommands: ['STARTTLS', 'AUTH'], authOptional: true } : {}),
    authMethods: ['PLAIN', 'LOGIN'],
    onAuth(auth, _session, cb) {
      if (auth.username === 'klaxon' && auth.password === 'hunter2') return cb(null, { user: auth.username });
      cb(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
    },
    onRcptTo(addr, _session, cb) {
      if (addr.address === 'flaky@example.com' && rcptFailures++ < 1) {
        return cb(Object.assign(new Error('try again later'), { responseCode: 451 }));
      }
      cb();
    },
    onData(stream, session, cb) {
      simpleParser(stream).then(
        (mail) => {
          received.push({
            mail,
            envelopeTo: session.envelope.rcptTo.map((r) => r.address),
            secure: session.secure,
            user: session.user as string | undefined,
            hello: session.hostNameAppearsAs,
          });
          cb();
        },
        (err) => cb(err),
      );
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.server.address() as AddressInfo).port;
  return { server, port, received, close: () => new Promise<void>((r) => server.close(() => r())) };
}

function emailConfig(port: number, partial: Partial<EmailConfig>): EmailConfig {
  const to = partial.to ?? 'oncall@example.com, "Ops, Team" <ops@example.com>';
  return {
    sendResolved: true,
    to,
    from: 'Klaxon <klaxon@example.com>',
    hello: 'klaxon.test',
    smarthost: `127.0.0.1:${port}`,
    authUsername: 'klaxon',
    authPassword: 'hunter2',
    requireTls: true,
    tlsConfig: { insecureSkipVerify: true },
    headers: {
      Subject: '{{ template "email.default.subject" . }}',
      To: to,
      From: 'Klaxon <klaxon@example.com>',
      'X-Klaxon-Receiver': '{{ .Receiver }}',
    },
    html: '{{ template "email.default.html" . }}',
    text: '{{ range .Alerts }}{{ .Status }}: {{ .Labels.alertname }} on {{ .Labels.instance }}\n{{ end }}',
    threading: { enabled: false, threadByDate: 'none' },
    timeout: 5000,
    ...partial,
  };
}

describe('email against a real SMTP server with STARTTLS and AUTH', () => {
  let deps: TestDeps;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let plainSmtp: Awaited<ReturnType<typeof startSmtp>>;
  let notifier: KlaxonNotifier;
  const rec = outcomeRecorder();

  beforeAll(async () => {
    deps = await testDeps('notify-email');
    smtp = await startSmtp();
    plainSmtp = await startSmtp(true);
    const plainHost = `127.0.0.1:${plainSmtp.port}`;
    const receiver = (name: string, partial: Partial<EmailConfig> = {}): ReceiverConfig => ({
      name,
      labels: {},
      webhookConfigs: [],
      slackConfigs: [],
      emailConfigs: [emailConfig(smtp.port, partial)],
      other: {},
    });
    notifier = createNotifier(deps, {
      receivers: [
        receiver('team-mail'),
        receiver('bad-auth', { authPassword: 'wrong' }),
        receiver('flaky', { to: 'flaky@example.com', headers: { Subject: 'flaky {{ .Status }}' } }),
        receiver('plain', {
          smarthost: plainHost,
          requireTls: false,
          authUsername: undefined,
          authPassword: undefined,
        }),
        receiver('needs-tls', { smarthost: plainHost, requireTls: true, authUsername: undefined }),
        receiver('branded', {
          html: '{{ template "klaxon.email.html" . }}',
          text: '{{ template "klaxon.email.text" . }}',
        }),
      ],
      templates: NotificationTemplates.load([
        fileURLToPath(new URL('../../templates/klaxon-email.tmpl', import.meta.url)),
      ]),
      onOutcome: rec.handler,
      backoffMs: 50,
      attempts: 3,
    });
    await notifier.start();
  });

  afterAll(async () => {
    await notifier.stop();
    await smtp.close();
    await plainSmtp.close();
    await deps.cleanup();
  });

  const firing = alert(
    { alertname: 'DiskFull', instance: 'db1', severity: 'critical' },
    { annotations: { summary: 'Disk <95%> full' }, generatorURL: 'http://prom:9090/graph?g0.expr=disk' },
  );

  async function deliver(receiver: string, extra = {}) {
    const before = rec.outcomes.length;
    await notifier.enqueue(
      request({
        receiver,
        integration: 'email',
        groupKey: '{}:{alertname="DiskFull"}',
        groupLabels: { alertname: 'DiskFull' },
        alerts: [firing],
        ...extra,
      }),
    );
    await rec.waitFor(before + 1);
    return rec.outcomes[before]!.outcome;
  }

  it('sends a multipart firing mail over STARTTLS with AUTH to every recipient', async () => {
    expect(await deliver('team-mail')).toEqual({ delivered: true });
    const got = smtp.received.at(-1)!;
    expect(got.secure).toBe(true);
    expect(got.user).toBe('klaxon');
    expect(got.hello).toBe('klaxon.test');
    expect(got.envelopeTo).toEqual(['oncall@example.com', 'ops@example.com']);
    const { mail } = got;
    expect(mail.subject).toBe('[FIRING:1] DiskFull (db1 critical)');
    expect(mail.from?.value).toEqual([{ name: 'Klaxon', address: 'klaxon@example.com' }]);
    expect(mail.headers.get('x-klaxon-receiver')).toBe('team-mail');
    expect(mail.text).toBe('firing: DiskFull on db1\n');
    expect(mail.html).toContain('DiskFull');
    expect(mail.html).toContain('Disk &lt;95%&gt; full');
    expect(mail.html).not.toContain('Disk <95%> full');
    expect(
      String(mail.headers.get('content-type') && (mail.headers.get('content-type') as { value: string }).value),
    ).toBe('multipart/alternative');
  });

  it('sends the resolved mail', async () => {
    const resolved = { ...firing, status: 'resolved' as const, endsAt: firing.startsAt + 120_000 };
    expect(await deliver('team-mail', { alerts: [resolved], notificationReason: 'all alerts resolved' })).toEqual({
      delivered: true,
    });
    const { mail } = smtp.received.at(-1)!;
    expect(mail.subject).toBe('[RESOLVED] DiskFull (db1 critical)');
    expect(mail.text).toBe('resolved: DiskFull on db1\n');
    expect(mail.html).toContain('DiskFull');
  });

  it('fails at once on rejected credentials and retries a transient 451', async () => {
    const bad = await deliver('bad-auth');
    expect(bad.delivered).toBe(false);
    expect((bad as { reason: string }).reason).toMatch(/^EAUTH/);
    expect((await notifier.deliveries('bad-auth', 10)).map((d) => d.status)).toEqual(['failed']);

    expect(await deliver('flaky')).toEqual({ delivered: true });
    await eventually(async () => {
      expect((await notifier.deliveries('flaky', 10)).map((d) => d.status)).toEqual(['delivered', 'retry']);
    });
    expect(smtp.received.at(-1)!.mail.subject).toBe('flaky firing');
  });

  it('renders the Klaxon-branded template (templates/klaxon-email.tmpl) for a mixed group', async () => {
    const resolved = alert(
      { alertname: 'DiskFull', instance: 'db2', severity: 'warning' },
      { status: 'resolved', annotations: { summary: 'Disk 91% full' }, endsAt: firing.startsAt + 60_000 },
    );
    expect(await deliver('branded', { alerts: [firing, resolved] })).toEqual({ delivered: true });
    const { mail } = smtp.received.at(-1)!;
    expect(mail.subject).toBe('[FIRING:1] DiskFull');
    expect(mail.html).toContain('1 firing, 1 resolved: DiskFull');
    expect(mail.html).toContain('View in Klaxon');
    expect(mail.html).toContain('href="http://klaxon.example:9093/#/alerts?receiver=branded"');
    expect(mail.html).toContain('Disk &lt;95%&gt; full');
    expect(mail.text).toContain('[resolved] DiskFull: Disk 91% full');
    expect(mail.text).toContain('View in Klaxon: http://klaxon.example:9093/#/alerts?receiver=branded');
  });

  it('require_tls: false never upgrades; require_tls: true fails without STARTTLS', async () => {
    expect(await deliver('plain')).toEqual({ delivered: true });
    const got = plainSmtp.received.at(-1)!;
    expect([got.secure, got.user, got.mail.subject]).toEqual([false, undefined, '[FIRING:1] DiskFull (db1 critical)']);

    const failed = await deliver('needs-tls');
    expect(failed).toEqual({
      delivered: false,
      reason: 'ETLS: Error upgrading connection with STARTTLS: 500 Error: command not recognized',
    });
    expect(plainSmtp.received).toHaveLength(1);
    await eventually(async () => {
      expect((await notifier.deliveries('needs-tls', 10)).map((d) => d.status)).toEqual(['failed', 'retry', 'retry']);
    });
  });
});
