import { readFile } from 'node:fs/promises';
import autocannon from 'autocannon';

/**
 * FAL's side of the webhook storm (bench/run.ts section 2), in a process of its
 * own as FAL is: sends the signed deliveries in `file` to `url`, 50 at a time,
 * and prints one JSON line — the latency percentiles, the rate, the non-200s.
 */
const [file, url] = process.argv.slice(2);
if (!file || !url) throw new Error('usage: storm-client.ts <deliveries.json> <url>');
const deliveries = JSON.parse(await readFile(file, 'utf8')) as { raw: string; headers: Record<string, string> }[];

let next = 0;
let lastAnswer = 0;
const started = performance.now();
const result = await autocannon({
  url,
  connections: 50,
  amount: deliveries.length,
  requests: [
    {
      method: 'POST',
      setupRequest: (request) => {
        const d = deliveries[next++ % deliveries.length]!;
        return { ...request, headers: { 'content-type': 'application/json', ...d.headers }, body: d.raw };
      },
      onResponse: () => {
        lastAnswer = performance.now();
      },
    },
  ],
});
process.stdout.write(
  `${JSON.stringify({
    startedAt: performance.timeOrigin + started,
    rate: (deliveries.length * 1000) / (lastAnswer - started),
    p50: result.latency.p50,
    p99: result.latency.p99,
    statusErrors: result.non2xx + result.errors,
  })}\n`,
);
