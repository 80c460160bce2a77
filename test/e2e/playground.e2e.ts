import { mkdir } from 'node:fs/promises';
import { chromium, type Page } from 'playwright-core';
import t, { type Test } from 'tap';
import { buildSimulatedApp } from '../support/helper.js';

/**
 * The playground in a real headless browser (Debian's chromium, driven by
 * playwright-core): the whole product as a newcomer sees it after
 * `npm ci && npm start`. Screenshots of the main steps go to test-output/.
 */

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = 'test-output/playground';

/** A headless page on a playground started with `env`, and helpers to act on it like a user. */
async function openPlayground(t: Test, env: Record<string, string> = {}) {
  const app = await buildSimulatedApp(t, {
    playground: true,
    env: { SIMULATED_TRAINING_SECONDS: '2', FACE_CHECK: 'on', PROMPT_ASSISTANT: 'on', ...env },
  });
  const { base } = app;
  await mkdir(SHOTS, { recursive: true });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  t.teardown(() => browser.close());
  const page: Page = await browser.newPage({ viewport: { width: 520, height: 900 } });
  return {
    app,
    base,
    page,
    shot: (name: string) => page.screenshot({ path: `${SHOTS}/${name}.png` }),
    button: (text: string) => page.locator('.row button', { hasText: text }).last(),
    seen: (text: string, timeout = 15_000) => page.getByText(text).last().waitFor({ timeout }),
    say: async (text: string) => {
      await page.fill('#text', text);
      await page.press('#text', 'Enter');
    },
    menu: (text: string) => page.locator('#menu button', { hasText: text }).click(),
  };
}

/** From the menu to a ready avatar with the ten sample photos. */
async function readyAvatar(p: Awaited<ReturnType<typeof openPlayground>>, name: string) {
  await p.menu('➕ Создать аватар');
  await p.button('👤 Портретный').click();
  await p.button('👩 Женский').click();
  await p.say(name);
  await p.seen(`📸 Аватар «${name}»`);
  await p.page.click('#samples');
  await p.seen('📸 Загружено: 10/20');
  // Once the photos settle, the progress with "✅ Готово к обучению" is the last message, not ten photos up.
  const last = p.page.locator('#chat .msg').last();
  for (const deadline = Date.now() + 15_000; !(await last.textContent())?.includes('📸 Загружено: 10/20'); ) {
    if (Date.now() > deadline) throw new Error('the progress did not come down below the photos');
    await p.page.waitForTimeout(200);
  }
}

t.test('the playground in a browser: create, upload, train, draw, delete', async (t) => {
  // Long enough a training for its preview to come first; the welcome set with the ready message.
  const p = await openPlayground(t, { SIMULATED_TRAINING_SECONDS: '10', PREVIEW_PICTURES: '2', WELCOME_PICTURES: '4' });
  const { base, page, shot, button, seen } = p;

  await page.goto(base);
  await seen('👋 Привет, Гость!');
  await shot('01-start');
  // Typing while the type buttons wait: the question again, at the bottom, with its buttons.
  await p.menu('➕ Создать аватар');
  await p.say('портрет');
  await seen('👇 Ответьте кнопкой под вопросом.');
  await shot('01b-wizard-hint');

  await readyAvatar(p, 'Browser');
  await shot('02-photos');
  // 👥: a group photo is refused, someone else's photo is asked about.
  await page.click('#others');
  await seen('на нём 3 лица', 30_000);
  await seen('🤔 Похоже, на этом фото другой человек', 30_000);
  await shot('02b-faces');
  await button('🗑 Удалить фото').click();
  await page.getByText('🤔 Похоже, на этом фото другой человек').waitFor({ state: 'detached', timeout: 15_000 });

  await button('✅ Готово к обучению').click();
  await seen('🦋 Проверьте данные аватара');
  await seen('🧑 10 фото · одно лицо на каждом · один человек ✅');
  await shot('03-review');
  await button('🚀 Начать обучение').click();
  await seen('👀 Предпросмотр «Browser»', 20_000);
  await page.waitForFunction("[...document.querySelectorAll('.msg.bot img')].every((img) => img.complete)");
  t.equal(await page.locator('.photos').last().locator('img').count(), 2, 'the preview: two pictures, one album');
  await page.getByText('👀 Предпросмотр «Browser»').last().scrollIntoViewIfNeeded();
  await shot('03b-preview');
  // A card opened while the avatar trains is edited when the training ends: never a stale "⏳ Обучается".
  await p.menu('🎭 Мои аватары');
  const card = page.locator('.msg.bot', { hasText: '🎭 Browser' }).last();
  await card.getByText('📊 Статус: ⏳ Обучается').waitFor();
  await shot('03c-card-training');
  await seen('✅ Аватар «Browser» готов!', 20_000);
  await card.getByText('📊 Статус: ✅ Готов').waitFor({ timeout: 10_000 });
  t.equal(await card.locator('button', { hasText: '⏹ Отменить обучение' }).count(), 0, 'the open card lost its stop button');
  t.equal(await card.locator('button', { hasText: '🎨 Генерировать' }).count(), 1, 'and has the buttons of a trained avatar');
  await card.scrollIntoViewIfNeeded();
  await shot('03d-card-ready');
  await seen('🎁 Первые снимки с аватаром «Browser»', 20_000);
  await page.waitForFunction("[...document.querySelectorAll('.msg.bot img')].every((img) => img.complete)");
  t.equal(await page.locator('.photos').last().locator('img').count(), 4, 'the welcome set: four pictures, one album');
  await page.getByText('🎁 Первые снимки с аватаром «Browser»').last().scrollIntoViewIfNeeded();
  await shot('04-ready');
  t.pass('trained: the simulator’s signed webhook reached the app');

  await button('🎨 Генерировать').click();
  await button('🔲 Квадрат (1:1)').click();
  await page.fill('#text', 'я в красном платье на пляже');
  await page.press('#text', 'Enter');
  await seen('🎨 Готово! Аватар «Browser»');
  await seen('🎯 сходство');
  const picture = page.locator('.msg.bot img').last();
  await picture.waitFor();
  // Evaluated in the page (a string: this project compiles without DOM types).
  await page.waitForFunction("[...document.querySelectorAll('.msg.bot img')].every((img) => img.complete)");
  t.ok(await picture.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth > 0), 'the picture is shown');
  await shot('05-picture');
  await button('📝 Промпт').click();
  await seen('🇬🇧 Промпт для модели:');
  await seen('photo of the woman in a red dress on a beach', 5000);
  await shot('05b-prompt');

  // A photo shoot bought from the menu arrives as an album, with 👍/👎 and a summary.
  await p.menu('📸 Фотосессии');
  await button('💼 Деловой портрет').click();
  await button('📸 Начать съёмку').click();
  await seen('✅ Фотосессия «Деловой портрет» готова: 10 снимков.', 30_000);
  await page.waitForFunction("[...document.querySelectorAll('.msg.bot img')].every((img) => img.complete)");
  t.equal(await page.locator('.photos').last().locator('img').count(), 10, 'the shoot: ten pictures, one album');
  await page.getByText('Оцените снимки 1–10').last().scrollIntoViewIfNeeded();
  await shot('05c-shoot');

  await page.locator('#menu button', { hasText: '🎭 Мои аватары' }).click();
  // The card opened during training shows "🎭 Browser ⭐" too: this one is the new last message.
  await page.locator('#chat .msg').last().getByText('🎭 Browser ⭐').waitFor();
  await page.waitForFunction("[...document.querySelectorAll('.msg.bot img')].every((img) => img.complete)");
  await shot('06-gallery');
  await button('🗑️ Удалить').click();
  await seen('⚠️ Внимание! Это действие нельзя отменить.');
  await shot('07-confirm-delete');
  await button('❌ Да, удалить').click();
  await seen('🎭 У вас пока нет аватаров');
  await shot('08-deleted');
  t.pass('deleted through the confirmation');
});

t.test('the playground sells Stars: short balance, the invoice card, "Оплатить ⭐N", the training goes on', async (t) => {
  const p = await openPlayground(t, { PRICE_TRAINING: '50', STAR_PACKS: '100,300' });
  const { page, button, seen, shot } = p;
  await page.goto(p.base);
  await seen('👋 Привет, Гость!');
  await readyAvatar(p, 'Paid');
  await button('✅ Готово к обучению').click();
  await seen('⭐ Стоимость: 50 ⭐, на балансе 0 ⭐ — не хватает 50 ⭐');
  await shot('08b-review-price');
  await button('🚀 Начать обучение').click();
  await seen('⭐ Не хватает звёзд: обучение стоит 50 ⭐, на балансе 0 ⭐.');
  await button('⭐ 100').click();
  const pay = page.locator('.invoice .pay').last();
  await pay.waitFor();
  t.equal(await pay.textContent(), 'Оплатить ⭐100', 'the invoice is a card with a pay button in the chat’s language');
  await shot('09-invoice');
  await pay.click();
  await seen('✅ Баланс пополнен на 100 ⭐. Сейчас на балансе 100 ⭐.');
  t.equal(await page.locator('.invoice .pay').last().textContent(), '✅ 100 ⭐', 'the card shows it paid');
  await shot('10-paid');
  await button('🚀 Начать обучение «Paid»').click();
  await seen('✅ Аватар «Paid» готов!', 20_000);
  await p.say('/balance');
  await seen('⭐ Баланс: 50 ⭐');
  t.match(await page.locator('.msg.bot').last().textContent(), /−50 ⭐ {2}обучение «Paid»\n.*\+100 ⭐ {2}пополнение/);
  await shot('11-balance');
});

t.test('the page: the chat follows pictures, alerts wait for OK, a lost server shows, English on a tap', async (t) => {
  const p = await openPlayground(t, { SIMULATED_TRAINING_SECONDS: '8' });
  const { page, button, seen, shot } = p;
  await page.goto(p.base);
  await seen('👋 Привет, Гость!');
  await readyAvatar(p, 'Alerts');
  await page.waitForFunction("[...document.querySelectorAll('.msg img')].every((img) => img.complete)");
  const gap = await page.evaluate(
    "(() => { const c = document.getElementById('chat'); return c.scrollHeight - c.scrollTop - c.clientHeight; })()",
  );
  t.ok(Number(gap) < 5, `the newest message is in view once the photos have loaded (${gap} px below)`);

  // A stop confirmed after the training ended: the bot answers with an alert.
  await button('✅ Готово к обучению').click();
  await button('🚀 Начать обучение').click();
  await seen('⏳ Обучение началось!');
  await p.menu('🎭 Мои аватары');
  await button('⏹ Отменить обучение').click();
  await seen('⏹ Отменить обучение аватара «Alerts»?');
  await seen('✅ Аватар «Alerts» готов!', 20_000);
  await button('⏹ Да, отменить').click();
  const alert = page.locator('#alert');
  await alert.getByText('Обучение уже закончилось — отменять нечего.').waitFor();
  await page.waitForTimeout(4000);
  t.ok(await alert.isVisible(), 'an alert stays until it is dismissed');
  await shot('12-alert');
  await alert.getByRole('button', { name: 'OK' }).click();
  t.notOk(await alert.isVisible());

  // Ctrl-C: the page says the server is gone, and reconnects by itself once it is back.
  const { app } = p;
  await app.app.close();
  await page.getByText('Сервер недоступен — переподключаюсь…').waitFor();
  await shot('13-offline');
  await buildSimulatedApp(t, {
    playground: true,
    env: { DATABASE_URL: app.database.url, DATA_DIR: app.config.dataDir, PORT: String(app.port), PUBLIC_URL: app.config.publicUrl },
  });
  await page.getByText('Сервер недоступен — переподключаюсь…').waitFor({ state: 'hidden', timeout: 15_000 });
  t.pass('the banner goes once the page is connected again');

  await page.locator('#lang').click();
  await seen('👋 Hi, Guest!');
  t.equal(
    await page.locator('#subtitle').textContent(),
    'playground — the real bot, a local Bot API, a simulated FAL (prompts translated by a phrase table, not an LLM)',
  );
  t.equal(await page.locator('#menu button').first().textContent(), '➕ Create avatar');
  await shot('14-english');
});
