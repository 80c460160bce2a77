import { eq, sql } from 'drizzle-orm';
import sharp from 'sharp';
import t from 'tap';
import { avatars, users } from '../src/db/schema.js';
import { buildSimulatedApp } from './support/helper.js';
import { trainingRow } from './support/seed.js';

type Message = {
  message_id: number;
  from: 'bot' | 'user';
  text?: string;
  caption?: string;
  photos?: string[];
  document?: { name: string; size: number };
  buttons?: { text: string; callback_data: string }[][];
};

t.test('with no bot token and no FAL key, the whole product works through the playground', async (t) => {
  const env = await buildSimulatedApp(t, { playground: true, env: { FACE_CHECK: 'on', PROMPT_ASSISTANT: 'on' } });
  const { base, port } = env;
  t.equal(env.config.telegram.apiRoot, `http://127.0.0.1:${port}/__playground/`);

  const page = await fetch(`${base}/`);
  t.equal(page.status, 200);
  t.notMatch(page.headers.get('content-security-policy'), /upgrade-insecure-requests/, 'the page works over plain http on any host name');
  t.match(await page.text(), '<script src="/__playground/app.js"></script>');
  t.match(await (await fetch(`${base}/__playground/app.js`)).text(), "new EventSource('/__playground/events')");

  const post = (path: string, body: unknown) =>
    fetch(`${base}/__playground/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }).then((r) => r.json());
  const history = async () => (await (await fetch(`${base}/__playground/history`)).json()) as Message[];
  const waitForBot = async (test: (m: Message) => boolean, timeoutMs = 15_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = (await history()).filter((m) => m.from === 'bot').find(test);
      if (found) return found;
      if (Date.now() > deadline)
        throw new Error(
          `the bot did not show the expected message; it said: ${JSON.stringify((await history()).slice(-4).map(textOf))}\n${env.logs.lines
            .filter((l) => /"level":(40|50)/.test(l))
            .slice(-3)
            .join('\n')}`,
        );
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const button = (m: Message, prefix: string) => m.buttons!.flat().find((b) => b.callback_data.startsWith(prefix))!.callback_data;
  const press = (m: Message, prefix: string) => post('press', { message_id: m.message_id, data: button(m, prefix) });
  const textOf = (m: Message) => m.text ?? m.caption ?? '';

  await post('say', { text: '/start' });
  await waitForBot((m) => textOf(m).startsWith('👋 Привет, Гость!'));

  await post('say', { text: '➕ Создать аватар' });
  const type = await waitForBot((m) => textOf(m).startsWith('🎭 Какой аватар'));
  await press(type, 'avatar_type:portrait');
  const gender = await waitForBot((m) => textOf(m).startsWith('👤 Кто на фото'));
  await press(gender, 'avatar_gender:');
  await post('say', { text: 'Playground' });
  await post('samples', {});
  const progress = await waitForBot((m) => textOf(m).includes('📸 Загружено: 10/20'));
  // 👥: someone else is flagged, the group photo refused; the sample person passes every check.
  await post('samples', { others: true });
  await waitForBot((m) => /^❌ .*на нём 3 лица/s.test(textOf(m)));
  const flag = await waitForBot((m) => textOf(m).startsWith('🤔 Похоже, на этом фото другой человек'));
  await press(flag, 'avatar_face_drop:');
  await waitForBot((m) => textOf(m).includes('📸 Загружено: 10/20'));
  // A file that is not a picture goes as a document, as a Telegram client sends it: shown as a file, and refused.
  const pdf = Buffer.from('%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n');
  await post('photos', { files: [{ name: 'passport.pdf', type: 'application/pdf', data: pdf.toString('base64') }] });
  const sent = (await history()).filter((m) => m.from === 'user').at(-1)!;
  t.same(sent.document, { name: 'passport.pdf', size: pdf.length }, 'the page shows a file with its name');
  t.notOk(sent.photos, 'not as a broken image');
  await waitForBot((m) => /это не изображение/.test(textOf(m)));
  await press(progress, 'avatar_photos_ready:');
  const review = await waitForBot((m) => textOf(m).startsWith('🦋 Проверьте данные аватара'));
  t.match(textOf(review), '🧑 10 фото · одно лицо на каждом · один человек ✅');
  await press(review, 'avatar_train:');
  const ready = await waitForBot((m) => textOf(m).startsWith('✅ Аватар «Playground» готов!'));
  t.pass('trained by the simulator, its signed webhook accepted');

  await press(ready, 'avatar_generate:');
  const formats = await waitForBot((m) => textOf(m).startsWith('🖼 Выберите формат'));
  await press(formats, 'gen_format:');
  await post('say', { text: 'я в красном платье на пляже' });
  const picture = await waitForBot((m) => textOf(m).startsWith('🎨 Готово! Аватар «Playground»') && (m.photos?.length ?? 0) > 0);
  await press(picture, 'gen_prompt:');
  const promptShown = await waitForBot((m) => textOf(m).startsWith('📝 Ваш запрос'));
  t.match(
    textOf(promptShown),
    /^📝 Ваш запрос:\n\nя в красном платье на пляже\n\n🇬🇧 Промпт для модели:\n\nphoto of the man in a red dress on a beach, /,
    'the simulated assistant wrote the English prompt drawn',
  );
  const likeness = Number(/🎯 сходство (\d+) %$/.exec(textOf(picture))?.[1]);
  t.ok(likeness >= 60, `the simulator draws the face it was trained on: likeness ${likeness} %`);
  const image = await fetch(`${base}/__playground/files/${picture.photos![0]}`);
  t.equal(image.headers.get('content-type'), 'image/jpeg');
  const shown = await sharp(Buffer.from(await image.arrayBuffer())).stats();
  t.ok(shown.entropy > 3, `a real picture the page can show, not a flat square (entropy ${shown.entropy.toFixed(1)})`);

  await post('say', { text: '🎭 Мои аватары' });
  const card = await waitForBot((m) => textOf(m).startsWith('🎭 Playground ⭐'));
  await press(card, 'avatar_delete:');
  const confirm = await waitForBot((m) => textOf(m).startsWith('🗑️ Подтверждение удаления'));
  await press(confirm, 'avatar_delete_confirm:');
  await waitForBot((m) => textOf(m).startsWith('🎭 У вас пока нет аватаров'));
});

t.test('Ctrl-C while the page sends ten photos: the rest are not shown, nothing fails, the log stays short', async (t) => {
  const env = await buildSimulatedApp(t, { playground: true, env: { FACE_CHECK: 'on' } });
  const history = async () => (await (await fetch(`${env.base}/__playground/history`)).json()) as Message[];
  const sending = fetch(`${env.base}/__playground/samples`, { method: 'POST' }).then((r) => r.json() as Promise<{ statuses: number[] }>);
  while (!(await history()).some((m) => m.photos?.length)) await new Promise((resolve) => setTimeout(resolve, 20));
  await env.app.close();
  const { statuses } = await sending;
  t.ok(statuses.length < 10, `the photos after Ctrl-C were not sent (${statuses.length} were)`);
  t.notOk(statuses.includes(500));
  const shown = (await env.app.inject({ url: '/__playground/history' }).catch(() => null)) ?? null;
  t.equal(shown, null, 'the server is closed');
  t.notMatch(env.logs.text, /"level":50/, 'no error logged: stopping is not a failure');
  t.ok(
    env.logs.lines.every((line) => line.length < 2000),
    `every log line is short (longest ${Math.max(...env.logs.lines.map((l) => l.length))} characters)`,
  );
});

t.test('a playground restart keeps the chat, its files and a running training, and the bot answers the next message', async (t) => {
  const first = await buildSimulatedApp(t, { playground: true, env: { SIMULATED_TRAINING_SECONDS: '2' } });
  const same = {
    DATABASE_URL: first.database.url,
    DATA_DIR: first.config.dataDir,
    PORT: String(first.port),
    PUBLIC_URL: first.config.publicUrl,
    SIMULATED_TRAINING_SECONDS: '2',
  };
  const say = (base: string, text: string) =>
    fetch(`${base}/__playground/say`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text }) });
  const history = async (base: string) => (await (await fetch(`${base}/__playground/history`)).json()) as Message[];

  await say(first.base, '/start');
  const [photo] = ((await (await fetch(`${first.base}/__playground/samples`, { method: 'POST' })).json()) as { statuses: number[] })
    .statuses;
  t.equal(photo, 200);
  const sample = (await history(first.base)).find((m) => m.photos?.length)!.photos![0]!;
  const [user] = await first.deps.db.select().from(users);
  const submitted = (await (
    await fetch(
      `${first.base}/__fal/queue.fal.run/fal-ai/flux-lora-portrait-trainer?fal_webhook=${encodeURIComponent(`${first.config.publicUrl}/webhooks/fal`)}`,
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ trigger_phrase: 'TOK_1' }) },
    )
  ).json()) as { request_id: string; status_url: string; response_url: string; cancel_url: string };
  const avatar = await trainingRow(first.deps.db, {
    userId: user!.id,
    name: 'Restarted',
    requestId: submitted.request_id,
    urls: submitted,
  });
  const before = await history(first.base);
  await first.app.close(); // Ctrl-C while the training runs

  const second = await buildSimulatedApp(t, { playground: true, env: same });
  t.same(await history(second.base), before, 'the page shows the chat the bot knows');
  t.equal((await fetch(`${second.base}/__playground/files/${sample}`)).status, 200, 'file ids from before the restart still open');
  await say(second.base, '/help');
  const help = (await history(second.base)).at(-1);
  t.match(help?.text, /Как это работает/, 'the next message gets a reply: no "duplicate update" silence');

  const deadline = Date.now() + 15_000;
  let row: typeof avatar | undefined = avatar;
  while (row?.status === 'training' && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    [row] = await second.deps.db.select().from(avatars).where(eq(avatars.id, avatar.id));
  }
  t.equal(row?.status, 'completed', 'the training that ran across the restart completes');
  await second.deps.tasks.drain(5_000);
  const ready = (await history(second.base)).filter((m) => m.text?.startsWith('✅ Аватар «Restarted» готов!'));
  t.equal(ready.length, 1, 'with one message');
});

t.test('the playground pays Stars invoices through real updates; a refused checkout or a paid invoice pays nothing', async (t) => {
  const env = await buildSimulatedApp(t, { playground: true, env: { PRICE_GENERATION: '5', STAR_PACKS: '100' } });
  const pg = (path: string, body: unknown) =>
    fetch(`${env.base}/__playground/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const history = async () => (await (await fetch(`${env.base}/__playground/history`)).json()) as (Message & { invoice?: unknown })[];
  const balanceEntries = () =>
    env.deps.db.execute<{ kind: string; amount: number }>(sql`select kind, amount from balance_entries order by id`);

  await pg('say', { text: '/balance' });
  const balance = (await history()).find((m) => m.text?.startsWith('⭐ Баланс: 0 ⭐'))!;
  await pg('press', { message_id: balance.message_id, data: balance.buttons![0]![0]!.callback_data });
  const invoice = (await history()).find((m) => m.invoice)!;
  t.match(invoice.invoice, { title: '100 звёзд на баланс', currency: 'XTR', amount: 100 });

  await env.deps.db.execute(sql`update star_offers set created_at = now() - interval '2 days'`);
  t.match(
    await (await pg('pay', { message_id: invoice.message_id })).json(),
    { paid: false, error: /устарел/ },
    'the bot refused the checkout',
  );
  t.same((await balanceEntries()).rows, [], 'nothing paid, nothing credited');

  await env.deps.db.execute(sql`update star_offers set created_at = now()`);
  t.match(await (await pg('pay', { message_id: invoice.message_id })).json(), { paid: true, charge_id: /^playground-/ });
  t.same((await balanceEntries()).rows, [{ kind: 'payment', amount: 100 }]);
  t.ok((await history()).some((m) => m.text?.startsWith('✅ Баланс пополнен на 100 ⭐')));

  const again = await pg('pay', { message_id: invoice.message_id });
  t.equal(again.status, 400);
  t.same(await again.json(), { error: 'BadRequest', message: 'no unpaid invoice in that message' });
  t.equal((await balanceEntries()).rows.length, 1, 'a paid invoice is paid once');
});
