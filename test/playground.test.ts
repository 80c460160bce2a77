import t from 'tap';
import { buildSimulatedApp } from './support/helper.js';

type Message = {
  message_id: number;
  from: 'bot' | 'user';
  text?: string;
  caption?: string;
  photos?: string[];
  buttons?: { text: string; callback_data: string }[][];
};

t.test('with no bot token and no FAL key, the whole product works through the playground', async (t) => {
  const env = await buildSimulatedApp(t, { playground: true });
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
  await press(progress, 'avatar_photos_ready:');
  const review = await waitForBot((m) => textOf(m).startsWith('🦋 Проверьте данные аватара'));
  await press(review, 'avatar_train:');
  const ready = await waitForBot((m) => textOf(m).startsWith('✅ Аватар «Playground» готов!'));
  t.pass('trained by the simulator, its signed webhook accepted');

  await press(ready, 'avatar_generate:');
  const formats = await waitForBot((m) => textOf(m).startsWith('🖼 Выберите формат'));
  await press(formats, 'gen_format:');
  await post('say', { text: 'a lighthouse at dawn' });
  const picture = await waitForBot((m) => textOf(m) === '🎨 Готово! Аватар «Playground»' && (m.photos?.length ?? 0) > 0);
  const image = await fetch(`${base}/__playground/files/${picture.photos![0]}`);
  t.equal(image.headers.get('content-type'), 'image/png');
  t.same(
    Buffer.from(await image.arrayBuffer())
      .subarray(1, 4)
      .toString(),
    'PNG',
    'a real picture the page can show',
  );

  await post('say', { text: '🎭 Мои аватары' });
  const card = await waitForBot((m) => textOf(m).startsWith('🎭 Playground ⭐'));
  await press(card, 'avatar_delete:');
  const confirm = await waitForBot((m) => textOf(m).startsWith('🗑️ Подтверждение удаления'));
  await press(confirm, 'avatar_delete_confirm:');
  await waitForBot((m) => textOf(m).startsWith('🎭 У вас пока нет аватаров'));
});
