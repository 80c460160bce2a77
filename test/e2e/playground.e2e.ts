import { mkdir } from 'node:fs/promises';
import { chromium, type Page } from 'playwright-core';
import t from 'tap';
import { buildSimulatedApp } from '../support/helper.js';

/**
 * The playground in a real headless browser (Debian's chromium, driven by
 * playwright-core): the whole product as a newcomer sees it after
 * `npm ci && npm start`. Screenshots of the main steps go to test-output/.
 */

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = 'test-output/playground';

t.test('the playground in a browser: create, upload, train, draw, delete', async (t) => {
  const { base } = await buildSimulatedApp(t, { playground: true, env: { SIMULATED_TRAINING_SECONDS: '2' } });
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
  const shot = (name: string) => page.screenshot({ path: `${SHOTS}/${name}.png` });
  const button = (text: string) => page.locator('.row button', { hasText: text }).last();
  const seen = (text: string, timeout = 15_000) => page.getByText(text).last().waitFor({ timeout });

  await page.goto(base);
  await seen('👋 Привет, Гость!');
  await shot('01-start');

  await page.locator('#menu button', { hasText: '➕ Создать аватар' }).click();
  await button('👤 Портретный').click();
  await button('👩 Женский').click();
  await page.fill('#text', 'Browser');
  await page.press('#text', 'Enter');
  await seen('📸 Аватар «Browser»');
  await page.click('#samples');
  await seen('📸 Загружено: 10/20');
  await shot('02-photos');

  await button('✅ Готово к обучению').click();
  await seen('🦋 Проверьте данные аватара');
  await shot('03-review');
  await button('🚀 Начать обучение').click();
  await seen('✅ Аватар «Browser» готов!', 20_000);
  await shot('04-ready');
  t.pass('trained: the simulator’s signed webhook reached the app');

  await button('🎨 Генерировать').click();
  await button('🔲 Квадрат (1:1)').click();
  await page.fill('#text', 'a lighthouse at dawn');
  await page.press('#text', 'Enter');
  await seen('🎨 Готово! Аватар «Browser»');
  const picture = page.locator('.msg.bot img').last();
  await picture.waitFor();
  // Evaluated in the page (a string: this project compiles without DOM types).
  await page.waitForFunction("[...document.querySelectorAll('.msg.bot img')].every((img) => img.complete)");
  t.ok(await picture.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth > 0), 'the picture is shown');
  await shot('05-picture');

  await page.locator('#menu button', { hasText: '🎭 Мои аватары' }).click();
  await seen('🎭 Browser ⭐');
  await shot('06-gallery');
  await button('🗑️ Удалить').click();
  await seen('⚠️ Внимание! Это действие нельзя отменить.');
  await shot('07-confirm-delete');
  await button('❌ Да, удалить').click();
  await seen('🎭 У вас пока нет аватаров');
  await shot('08-deleted');
  t.pass('deleted through the confirmation');
});
