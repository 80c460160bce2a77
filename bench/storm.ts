import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { avatars, users } from '../src/db/schema.js';
import { report, startApp } from './support.js';

export async function webhookStorm(adminUrl: string, dataDir: string) {
  const section = '2 FAL webhook storm';
  const env = await startApp(adminUrl, 'bench_storm', dataDir);
  // A user has one training in flight at a time (MAX_TRAININGS_IN_FLIGHT_PER_USER): 100 trainings are 100 users'.
  const people = await env.deps.db
    .insert(users)
    .values(Array.from({ length: 700 }, (_, i) => ({ telegramId: 42_000 + i, chatId: 42_000 + i, firstName: 'Storm', languageCode: 'ru' })))
    .returning();
  /** Ten signed deliveries for each owner's training (in rounds), 50 at a time: latencies, rate, non-200s. */
  async function storm(prefix: string, owners: typeof people) {
    const trainings = owners.length;
    await env.deps.db.insert(avatars).values(
      Array.from({ length: trainings }, (_, i) => ({
        userId: owners[i]!.id,
        name: `${prefix} ${i}`,
        trainingType: 'portrait' as const,
        status: 'training' as const,
        falRequestId: `${prefix}-${i}`,
        trainingStartedAt: new Date(),
      })),
    );
    const deliveries = Array.from({ length: trainings * 10 }, (_, i) => {
      const requestId = `${prefix}-${i % trainings}`;
      const raw = JSON.stringify({
        request_id: requestId,
        status: 'OK',
        payload: { diffusers_lora_file: { url: `https://v3.fal.media/${requestId}.safetensors` } },
      });
      return { raw, headers: env.fal.sign(raw, { requestId }) };
    });
    const chats = new Set(owners.map((owner) => owner.chatId));
    const told = () => env.telegram.callsOf('sendMessage').filter((c) => chats.has(Number(c.payload.chat_id))).length;
    const file = path.join(dataDir, `storm-${prefix}.json`);
    await writeFile(file, JSON.stringify(deliveries));
    const client = spawn(process.execPath, ['--import', 'tsx', 'bench/storm-client.ts', file, `${env.url}/webhooks/fal`], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    client.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    // Applied after the answers: the storm is over once every training is completed and its user told.
    let allTold = 0;
    const watch = (async () => {
      while (told() < trainings) await new Promise((r) => setTimeout(r, 5));
      allTold = Date.now();
    })();
    const [code] = await once(client, 'exit');
    if (code !== 0) throw new Error(`storm client exited ${code}`);
    const result = JSON.parse(out) as { startedAt: number; rate: number; p50: number; p99: number; statusErrors: number };
    await Promise.race([watch, new Promise((r) => setTimeout(r, 60_000))]);
    await env.deps.tasks.drain(60_000);
    return { ...result, allTold: allTold - result.startedAt };
  }
  // The first storm meets a cold process (JIT, the pool's connections, the JWKS fetch); after a longer
  // one (5,000 deliveries, not reported) the process is as warm as after minutes of traffic.
  const cold = await storm('cold', people.slice(0, 100));
  await storm('warm-up', people.slice(100, 600));
  const warm = await storm('storm', people.slice(600));
  const completed = await env.deps.db.select({ n: sql<number>`count(*)::int` }).from(avatars).where(eq(avatars.status, 'completed'));
  const messages = env.telegram.callsOf('sendMessage').filter((c) => Number(c.payload.chat_id) >= 42_000).length;
  report(
    section,
    'cold process: deliveries / s, p50 / p99',
    `${cold.rate.toFixed(0)}, ${cold.p50} / ${cold.p99} ms`,
    'JIT, pool and JWKS warming up',
  );
  report(
    section,
    'deliveries / s',
    warm.rate.toFixed(0),
    `1,000 signed deliveries, 10 per training, 50 at a time, non-200 ${cold.statusErrors + warm.statusErrors}`,
  );
  report(section, 'latency p50 / p99', `${warm.p50} / ${warm.p99} ms`, `target p99 < 50 ms — ${warm.p99 < 50 ? 'met' : 'MISSED'}`);
  report(section, 'all 100 completed and told', `${warm.allTold.toFixed(0)} ms`, 'from the first delivery to the 100th message sent');
  report(
    section,
    'completions / messages',
    `${completed[0]?.n} / ${messages}`,
    completed[0]?.n === 700 && messages === 700 ? 'exactly one each, for all 700 trainings of the three storms' : 'MISMATCH',
  );
  await env.close();
}
