import t from 'tap';
import { type CallbackAction, callbackData, parseCallbackData } from '../src/bot/callback-data.js';

const id = '3f2c1d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f';

t.test('every action survives a round trip and fits Telegram’s 64 bytes', async (t) => {
  const actions: CallbackAction[] = [
    { action: 'avatar_new' },
    { action: 'avatar_resume', avatarId: id },
    { action: 'avatar_type', type: 'portrait' },
    { action: 'avatar_type', type: 'style' },
    { action: 'avatar_gender', gender: 'female' },
    { action: 'avatar_photos_ready', avatarId: id },
    { action: 'avatar_photos', avatarId: id, index: 19 },
    { action: 'avatar_photo_del', avatarId: id, photo: 'deadbeef' },
    { action: 'avatar_photos_back', avatarId: id },
    { action: 'avatar_review_back', avatarId: id },
    { action: 'avatar_create_cancel', avatarId: id },
    { action: 'avatar_train', avatarId: id },
    { action: 'avatar_generate', avatarId: id },
    { action: 'gallery_open' },
    { action: 'gallery_close' },
    { action: 'gallery_card', avatarId: id },
    { action: 'gallery_photos', avatarId: id, index: 3 },
    { action: 'avatar_main', avatarId: id },
    { action: 'avatar_history', avatarId: id, page: 0 },
    { action: 'avatar_history', avatarId: id, page: 12 },
    { action: 'gen_show', generationId: id },
    { action: 'avatar_rename', avatarId: id },
    { action: 'avatar_stop', avatarId: id },
    { action: 'avatar_stop_confirm', avatarId: id },
    { action: 'avatar_delete', avatarId: id },
    { action: 'avatar_delete_confirm', avatarId: id },
    { action: 'avatar_delete_cancel', avatarId: id },
  ];
  for (const action of actions) {
    const data = callbackData(action);
    t.ok(Buffer.byteLength(data) <= 64, data);
    t.same(parseCallbackData(data), action, data);
  }
  t.equal(callbackData({ action: 'avatar_photos', avatarId: id, index: 2 }), `avatar_photos:${id}:2`);
  t.equal(callbackData({ action: 'avatar_delete_confirm', avatarId: id }), `avatar_delete_confirm:${id}`, 'the seed’s names');
  t.equal(callbackData({ action: 'avatar_delete_cancel', avatarId: id }), `avatar_delete_cancel:${id}`);
});

t.test('anything we did not build parses to null', async (t) => {
  for (const data of [
    '',
    'avatar_train',
    'avatar_train:',
    `avatar_train:${id}:extra`,
    `avatar_train:${id.toUpperCase()}`,
    'avatar_type:cyborg',
    `avatar_photos:${id}:-1`,
    `avatar_photos:${id}:1000`,
    `avatar_photo_del:${id}:xyz`,
    'constructor',
    '__proto__:x',
    'toString',
    `avatar_erase:${id}`,
    `avatar_delete_confirm:${id}:x`,
  ]) {
    t.equal(parseCallbackData(data), null, JSON.stringify(data));
  }
});
