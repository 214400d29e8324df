// Fast stand-in of Prometheus' /api/v1/query for bench/ruler.ts, run as its own process so the ruler's CPU
// can be measured alone. For queries of rule 0 of a group it records arrival time minus the requested `time`
// (the slot), i.e. the scheduling jitter plus one loopback HTTP hop, as [arrival, jitter] pairs.
// Prints JSON stats on SIGTERM.
import { createServer } from 'node:http';

const jitter = [];
let queries = 0;
const firing = JSON.stringify({
  status: 'success',
  data: { resultType: 'vector', result: [{ metric: { __name__: 'bench_metric', host: 'a' }, value: [0, '1'] }] },
});
const empty = JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [] } });

const server = createServer((req, res) => {
  let body = '';
  req.on('data', (c) => {
    body += c;
  });
  req.on('end', () => {
    const form = new URLSearchParams(body);
    const query = form.get('query') ?? '';
    queries++;
    if (query.includes('rule="0"')) jitter.push([Date.now(), Date.now() - Number(form.get('time')) * 1000]);
    res.writeHead(200, { 'Content-Type': 'application/json' });
    // Odd rules return one series (an active alert), even rules none.
    res.end(/rule="\d*[13579]"/.test(query) ? firing : empty);
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`));
process.on('SIGTERM', () => {
  process.stdout.write(`${JSON.stringify({ queries, jitter })}\n`);
  process.exit(0);
});
