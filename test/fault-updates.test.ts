import { eq } from 'drizzle-orm';
import t from 'tap';
import { avatarPhotos, avatars, users } from '../src/db/schema.js';
import { jpeg } from './support/fixtures/images.js';
import { BOB, buildTestApp, postUpdate } from './support/helper.js';
import { seedAvatar, userOf } from './support/seed.js';

/** A small seeded PRNG (mulberry32): the same 1,000 updates on every run. */
function prng(seed: number) {
  let a = seed;
  const next = () => {
    a = (a + 0x6d2b79f5) | 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(items: readonly T[]) => items[Math.floor(next() * items.length)] as T,
  };
}

const ACTIONS = [
  'avatar_delete_confirm',
  'avatar_delete_cancel',
  'avatar_delete',
  'avatar_train',
  'avatar_resume',
  'avatar_create_cancel',
  'avatar_photos_ready',
  'avatar_review_back',
  'avatar_main',
  'avatar_rename',
  'avatar_stop_confirm',
  'avatar_generate',
  'gallery_card',
  'avatar_history',
];

t.test('1,000 generated bad or odd updates: no 5xx, no crash, nobody else’s data touched', async (t) => {
  const env = await buildTestApp(t);
  const bob = await userOf(env, BOB);
  const victim = await seedAvatar(env, bob.id, 'Victim', 'completed', new Date(Date.UTC(2026, 0, 1)));
  const snapshot = async () => ({
    avatar: await env.deps.db.select().from(avatars).where(eq(avatars.id, victim.id)),
    photos: await env.deps.db.select().from(avatarPhotos).where(eq(avatarPhotos.avatarId, victim.id)),
    user: await env.deps.db.select().from(users).where(eq(users.id, bob.id)),
  });
  const before = await snapshot();
  env.telegram.addFile('real-photo', await jpeg(1024, 1024, 'real'));
  env.telegram.addFile('not-an-image', Buffer.from('hello'));

  const r = prng(20261127);
  let updateId = 50_000;
  const attackers = [
    { id: 601, first_name: 'Mallory' },
    { id: 602, first_name: 'Eve', language_code: 'en' },
    { id: 603, first_name: '🙂' },
  ];
  const text = () =>
    r.pick([
      '/start',
      '/help',
      '/unknown',
      '/start extra args',
      '➕ Создать аватар',
      '🎭 Мои аватары',
      '🎨 Генерация',
      'ℹ️ Помощь',
      '➕ Create avatar',
      '',
      ' ',
      'x',
      '🎨🎨🎨',
      'A'.repeat(60),
      'normal name',
      'x'.repeat(5000),
      'Я'.repeat(200_000),
      '\u0000\u202e',
      '<b>html</b>',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a user typing template syntax is the point
      '${}',
      'null',
    ]);
  const callbackData = () =>
    r.pick([
      `${r.pick(ACTIONS)}:${victim.id}`,
      `${r.pick(ACTIONS)}:${crypto.randomUUID()}`,
      `${r.pick(ACTIONS)}:not-a-uuid`,
      `avatar_photos:${victim.id}:0`,
      `avatar_photo_del:${victim.id}:deadbeef`,
      `gallery_photos:${victim.id}:999`,
      `gen_format:${victim.id}:square`,
      `gen_again:${crypto.randomUUID()}`,
      'avatar_type:portrait',
      'avatar_gender:female',
      'avatar_new',
      'gallery_open',
      'gallery_close',
      '',
      'x'.repeat(64),
      '__proto__',
      'constructor:x',
    ]);

  let redeliveries = 0;
  const make = (): unknown => {
    const from = r.pick(attackers);
    const chat = { id: from.id, type: 'private', first_name: from.first_name };
    const base = { message_id: r.int(1000), date: 1_790_000_000, chat, from: { is_bot: false, ...from } };
    const redelivery = r.next() < 0.05;
    if (redelivery) redeliveries += 1;
    const id = redelivery ? updateId - 1 : updateId++;
    switch (r.int(14)) {
      case 0:
        return { update_id: id, message: { ...base, text: text() } };
      case 1:
        return { update_id: id, message: { ...base, text: text(), from: undefined } };
      case 2:
        return { update_id: id, edited_message: { ...base, text: text(), edit_date: 1 } };
      case 3:
        return {
          update_id: id,
          channel_post: { message_id: 1, date: 1, chat: { id: -100123, type: 'channel', title: 'c' }, text: text() },
        };
      case 4:
        return { update_id: id, message: { ...base, chat: { id: -42, type: 'group', title: 'g' }, text: text() } };
      case 5:
        return {
          update_id: id,
          callback_query: { id: `cb${id}`, from: base.from, chat_instance: 'ci', data: callbackData(), message: { ...base, text: 'x' } },
        };
      case 6:
        return {
          update_id: id,
          callback_query: { id: `cb${id}`, from: base.from, chat_instance: 'ci', data: callbackData(), inline_message_id: 'inline' },
        };
      case 7:
        return { update_id: id, callback_query: { id: `cb${id}`, from: base.from, chat_instance: 'ci', message: { ...base, text: 'x' } } };
      case 8:
        return {
          update_id: id,
          message: {
            ...base,
            photo: r.pick([
              [],
              [{ file_id: 'real-photo', file_unique_id: 'u', width: 1, height: 1 }],
              [{ file_id: 'missing', file_unique_id: 'u', width: 9, height: 9 }],
            ]),
          },
        };
      case 9:
        return {
          update_id: id,
          message: {
            ...base,
            document: r.pick([
              { file_id: 'not-an-image', file_unique_id: 'u' },
              { file_unique_id: 'u' },
              { file_id: 'real-photo', file_unique_id: 'u', file_size: 99e9 },
            ]),
          },
        };
      case 10:
        return {
          update_id: id,
          message: {
            ...base,
            sticker: { file_id: 's', file_unique_id: 's', type: 'regular', width: 1, height: 1, is_animated: false, is_video: false },
          },
        };
      case 11:
        return { update_id: id, my_chat_member: { chat, from: base.from, date: 1, old_chat_member: {}, new_chat_member: {} } };
      case 12:
        return { update_id: id, [r.pick(['inline_query', 'poll', 'unknown_kind', 'message_reaction'])]: { id: 'x', from: base.from } };
      default:
        return r.pick([
          { update_id: id },
          { update_id: id, message: null },
          { update_id: id, message: 'text' },
          { update_id: id, message: { text: 'no chat' } },
        ]);
    }
  };

  const statuses = new Map<number, number>();
  for (let batch = 0; batch < 100; batch++) {
    const answers = await Promise.all(Array.from({ length: 10 }, () => postUpdate(env.app, make())));
    for (const a of answers) statuses.set(a.statusCode, (statuses.get(a.statusCode) ?? 0) + 1);
  }
  const total = [...statuses.values()].reduce((a, b) => a + b, 0);
  t.equal(total, 1000);
  t.same(
    [...statuses.keys()].filter((s) => s >= 500 && s !== 503),
    [],
    `answers by status: ${JSON.stringify(Object.fromEntries(statuses))}`,
  );
  t.ok(
    (statuses.get(503) ?? 0) <= redeliveries,
    `503 only for a redelivery that came while its update was still being handled (${redeliveries} redeliveries)`,
  );
  t.ok((statuses.get(200) ?? 0) > 800, 'most are acknowledged; shapes Telegram never sends are 400');
  await env.deps.tasks.drain(10_000);
  t.same(await snapshot(), before, 'Bob’s avatar, photos and main avatar are untouched');
  t.equal((await env.app.inject('/healthz')).statusCode, 200, 'still alive');
  t.notOk(
    env.logs.lines.some((l) => l.includes('"level":60')),
    'nothing fatal was logged',
  );
  const failures = env.logs.lines.filter((l) => l.includes('bot handler failed'));
  t.same(
    failures.map((l) => (JSON.parse(l) as { err: { stack: string } }).err.stack.split('\n').slice(0, 3).join(' | ')).slice(0, 5),
    [],
    'no handler failed',
  );
});
