/**
 * amtool commands the recorded transcript does not cover: `silence import` (into another, empty instance)
 * and `silence update` (in place while the silence is active, as SEMANTICS §6 says).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAmtool } from './run.js';
import { type AmtoolServer, startAmtoolServer } from './server.js';

const CONFIG = readFileSync('/work/shared/scenarios/amtool/configs/minimal.yml', 'utf8');
const UUID_LINE = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let source: AmtoolServer;
let target: AmtoolServer;
let home: string;
const am = (server: AmtoolServer, ...args: string[]) => runAmtool([`--alertmanager.url=${server.url}`, ...args], home);

interface ApiSilence {
  id: string;
  comment: string;
  createdBy: string;
  startsAt: string;
  endsAt: string;
  matchers: unknown[];
  status: { state: string };
}
const list = async (server: AmtoolServer) =>
  (await (await fetch(`${server.url}/api/v2/silences`)).json()) as ApiSilence[];

beforeAll(async () => {
  [source, target] = await Promise.all([startAmtoolServer(CONFIG), startAmtoolServer(CONFIG)]);
  home = mkdtempSync(join(tmpdir(), 'klaxon-amtool-'));
});
afterAll(async () => {
  await Promise.all([source?.close(), target?.close()]);
  if (home) rmSync(home, { recursive: true, force: true });
});

describe('amtool silence import', () => {
  it('re-creates exported silences on an instance that does not know their ids', async () => {
    expect(
      (await am(source, 'silence', 'add', 'alertname=Disk', 'team=db', '-c', 'disk work', '-a', 'alice')).code,
    ).toBe(0);
    expect((await am(source, 'silence', 'add', 'instance=~"i[34]"', '-c', 'regex', '-a', 'bob', '-d', '3h')).code).toBe(
      0,
    );
    const exported = await am(source, 'silence', 'query', '-o', 'json');
    expect(exported.code).toBe(0);
    const file = join(home, 'silences.json');
    writeFileSync(file, exported.stdout);

    const imported = await am(target, 'silence', 'import', file);
    expect({ code: imported.code, stderr: imported.stderr }).toEqual({ code: 0, stderr: '' });
    const newIds = imported.stdout.trim().split('\n');
    expect(newIds).toHaveLength(2);
    for (const id of newIds) expect(id).toMatch(UUID_LINE);

    const strip = ({ comment, createdBy, endsAt, matchers }: ApiSilence) => ({ comment, createdBy, endsAt, matchers });
    const byComment = (a: { comment: string }, b: { comment: string }) => a.comment.localeCompare(b.comment);
    const got = await list(target);
    expect(got.map((s) => s.id).sort()).toEqual([...newIds].sort());
    expect(got.map(strip).sort(byComment)).toEqual((await list(source)).map(strip).sort(byComment));
  });

  it('reports what it could not import, and imports the rest', async () => {
    const file = join(home, 'bad.json');
    const bad = { matchers: [{ name: 'a', value: '(', isRegex: true }], comment: 'x', createdBy: 'y' };
    const good = { matchers: [{ name: 'a', value: 'b', isRegex: false }], comment: 'ok', createdBy: 'y' };
    const endsAt = new Date(Date.now() + 3600_000).toISOString();
    writeFileSync(
      file,
      JSON.stringify([
        { ...bad, startsAt: new Date().toISOString(), endsAt },
        { ...good, endsAt, startsAt: new Date().toISOString() },
      ]),
    );
    const before = (await list(target)).length;
    const res = await am(target, 'silence', 'import', file);
    expect(res.stderr).toContain('silence invalid: invalid label matcher 0: invalid regular expression');
    // amtool reads its error counter right after closing the channel a goroutine still drains
    // (cli/silence_import.go), so its exit code and summary line are racy: check them only when it counted.
    if (res.code !== 0) {
      expect(res.code).toBe(1);
      expect(res.stderr).toContain("amtool: error: couldn't import 1 out of 2 silences");
    }
    expect(res.stdout.trim()).toMatch(UUID_LINE);
    expect((await list(target)).length).toBe(before + 1);
  });
});

describe('amtool silence update', () => {
  it('extends an active silence in place: same id, same start, new end and comment', async () => {
    const id = (await am(source, 'silence', 'add', 'alertname=Update', '-c', 'before', '-a', 'carol')).stdout.trim();
    const before = (await list(source)).find((s) => s.id === id)!;
    const res = await am(source, 'silence', 'update', id, '--duration=5h', '--comment=after');
    expect(res.code).toBe(0);
    const after = await list(source);
    const s = after.find((x) => x.id === id)!;
    expect(s).toMatchObject({ comment: 'after', startsAt: before.startsAt, status: { state: 'active' } });
    expect(Date.parse(s.endsAt)).toBeGreaterThan(Date.parse(before.endsAt) + 3 * 3600_000);
    expect(after.filter((x) => x.matchers.length === 1 && JSON.stringify(x.matchers).includes('Update'))).toHaveLength(
      1,
    );
  });
});
