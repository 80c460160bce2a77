/**
 * Every inline button's callback data, built and parsed in one place. Telegram
 * allows 64 bytes; an avatar id (uuid) is 36 of them. The names that came from
 * the original product (`avatar_delete_confirm:<id>`, …) keep their spelling.
 */

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

type NoParams = Record<never, never>;

type Actions = {
  avatar_new: NoParams;
  avatar_resume: { avatarId: string };
  avatar_type: { type: 'portrait' | 'style' };
  avatar_gender: { gender: 'male' | 'female' };
  avatar_photos_ready: { avatarId: string };
  avatar_photos: { avatarId: string; index: number };
  avatar_photo_del: { avatarId: string; photo: string };
  avatar_face_keep: { avatarId: string; photo: string };
  avatar_face_drop: { avatarId: string; photo: string };
  avatar_photos_back: { avatarId: string };
  avatar_review_back: { avatarId: string };
  avatar_create_cancel: { avatarId: string };
  avatar_cancel_yes: { avatarId: string };
  avatar_cancel_no: { avatarId: string };
  avatar_train: { avatarId: string };
  avatar_generate: { avatarId: string };
  gallery_open: NoParams;
  gallery_close: NoParams;
  gen_format: { avatarId: string; format: 'portrait' | 'square' | 'story' | 'cinema' };
  gen_again: { generationId: string };
  gen_prompt: { generationId: string };
  gen_vary: { generationId: string };
  gen_idea: { avatarId: string; idea: string };
  avatar_ideas: { avatarId: string };
  gen_confirm: { avatarId: string };
  gen_skip: { avatarId: string };
  gen_vote: { generationId: string; vote: 'up' | 'down' };
  gen_show: { generationId: string };
  shoot_list: { avatarId: string };
  shoot_pick: { avatarId: string; theme: string };
  shoot_go: { avatarId: string; theme: string };
  gallery_photos: { avatarId: string; index: number };
  gallery_card: { avatarId: string };
  avatar_main: { avatarId: string };
  /** `page`: 0 for the newest ten, 1 for the ten before them, … */
  avatar_history: { avatarId: string; page: number };
  avatar_history_best: { avatarId: string };
  avatar_rename: { avatarId: string };
  avatar_stop: { avatarId: string };
  avatar_stop_confirm: { avatarId: string };
  avatar_delete: { avatarId: string };
  avatar_delete_confirm: { avatarId: string };
  avatar_delete_cancel: { avatarId: string };
  stars_buy: { offerId: string; stars: number };
  stars_resume: { offerId: string };
};

export type CallbackAction = { [K in keyof Actions]: { action: K } & Actions[K] }[keyof Actions];

type Codec<K extends keyof Actions> = {
  pattern: RegExp;
  parse: (m: RegExpExecArray) => Actions[K];
  /** The part after `name:`; absent for actions without parameters. */
  format?: (a: Actions[K]) => string;
};

/** The codec of an action whose only parameter is an avatar id. */
function byAvatar<K extends keyof Actions>(name: K & { [N in K]: Actions[N] extends { avatarId: string } ? K : never }[K]): Codec<K> {
  return {
    pattern: new RegExp(`^${name}:(${UUID})$`),
    parse: (m) => ({ avatarId: m[1]! }) as Actions[K],
    format: (a) => (a as { avatarId: string }).avatarId,
  };
}

/** The codec of an action on one photo of an avatar: the avatar id and the first 8 hex digits of the photo's sha256. */
function byPhoto<K extends 'avatar_photo_del' | 'avatar_face_keep' | 'avatar_face_drop'>(name: K): Codec<K> {
  return {
    pattern: new RegExp(`^${name}:(${UUID}):([0-9a-f]{8})$`),
    parse: (m) => ({ avatarId: m[1]!, photo: m[2]! }) as Actions[K],
    format: (a) => `${a.avatarId}:${a.photo}`,
  };
}

/** The codec of an action on one shoot for an avatar: the avatar id and the theme's id (at most 16 characters: 64 bytes in all). */
function byTheme<K extends 'shoot_pick' | 'shoot_go'>(name: K): Codec<K> {
  return {
    pattern: new RegExp(`^${name}:(${UUID}):([a-z][a-z0-9-]{0,15})$`),
    parse: (m) => ({ avatarId: m[1]!, theme: m[2]! }) as Actions[K],
    format: (a) => `${a.avatarId}:${a.theme}`,
  };
}

const codecs: { [K in keyof Actions]: Codec<K> } = {
  avatar_new: { pattern: /^avatar_new$/, parse: () => ({}) },
  avatar_resume: byAvatar('avatar_resume'),
  avatar_type: { pattern: /^avatar_type:(portrait|style)$/, parse: (m) => ({ type: m[1] as 'portrait' | 'style' }), format: (a) => a.type },
  avatar_gender: {
    pattern: /^avatar_gender:(male|female)$/,
    parse: (m) => ({ gender: m[1] as 'male' | 'female' }),
    format: (a) => a.gender,
  },
  avatar_photos_ready: byAvatar('avatar_photos_ready'),
  avatar_photos: {
    pattern: new RegExp(`^avatar_photos:(${UUID}):(\\d{1,3})$`),
    parse: (m) => ({ avatarId: m[1]!, index: Number(m[2]) }),
    format: (a) => `${a.avatarId}:${a.index}`,
  },
  avatar_photo_del: byPhoto('avatar_photo_del'),
  avatar_face_keep: byPhoto('avatar_face_keep'),
  avatar_face_drop: byPhoto('avatar_face_drop'),
  avatar_photos_back: byAvatar('avatar_photos_back'),
  avatar_review_back: byAvatar('avatar_review_back'),
  avatar_create_cancel: byAvatar('avatar_create_cancel'),
  avatar_cancel_yes: byAvatar('avatar_cancel_yes'),
  avatar_cancel_no: byAvatar('avatar_cancel_no'),
  avatar_train: byAvatar('avatar_train'),
  avatar_generate: byAvatar('avatar_generate'),
  gallery_open: { pattern: /^gallery_open$/, parse: () => ({}) },
  gallery_close: { pattern: /^gallery_close$/, parse: () => ({}) },
  gen_format: {
    pattern: new RegExp(`^gen_format:(${UUID}):(portrait|square|story|cinema)$`),
    parse: (m) => ({ avatarId: m[1]!, format: m[2] as 'portrait' }),
    format: (a) => `${a.avatarId}:${a.format}`,
  },
  gen_again: { pattern: new RegExp(`^gen_again:(${UUID})$`), parse: (m) => ({ generationId: m[1]! }), format: (a) => a.generationId },
  gen_prompt: { pattern: new RegExp(`^gen_prompt:(${UUID})$`), parse: (m) => ({ generationId: m[1]! }), format: (a) => a.generationId },
  gen_vary: { pattern: new RegExp(`^gen_vary:(${UUID})$`), parse: (m) => ({ generationId: m[1]! }), format: (a) => a.generationId },
  gen_idea: {
    pattern: new RegExp(`^gen_idea:(${UUID}):([a-z]{1,16})$`),
    parse: (m) => ({ avatarId: m[1]!, idea: m[2]! }),
    format: (a) => `${a.avatarId}:${a.idea}`,
  },
  avatar_ideas: byAvatar('avatar_ideas'),
  gen_confirm: byAvatar('gen_confirm'),
  gen_skip: byAvatar('gen_skip'),
  gen_vote: {
    pattern: new RegExp(`^gen_vote:(${UUID}):(up|down)$`),
    parse: (m) => ({ generationId: m[1]!, vote: m[2] as 'up' | 'down' }),
    format: (a) => `${a.generationId}:${a.vote}`,
  },
  gen_show: { pattern: new RegExp(`^gen_show:(${UUID})$`), parse: (m) => ({ generationId: m[1]! }), format: (a) => a.generationId },
  shoot_list: byAvatar('shoot_list'),
  shoot_pick: byTheme('shoot_pick'),
  shoot_go: byTheme('shoot_go'),
  gallery_photos: {
    pattern: new RegExp(`^gallery_photos:(${UUID}):(\\d{1,3})$`),
    parse: (m) => ({ avatarId: m[1]!, index: Number(m[2]) }),
    format: (a) => `${a.avatarId}:${a.index}`,
  },
  gallery_card: byAvatar('gallery_card'),
  avatar_main: byAvatar('avatar_main'),
  avatar_history: {
    // The first page is spelt `avatar_history:<id>`, as before there were pages: old buttons keep working.
    pattern: new RegExp(`^avatar_history:(${UUID})(?::(\\d{1,4}))?$`),
    parse: (m) => ({ avatarId: m[1]!, page: Number(m[2] ?? 0) }),
    format: (a) => (a.page > 0 ? `${a.avatarId}:${a.page}` : a.avatarId),
  },
  avatar_history_best: byAvatar('avatar_history_best'),
  avatar_rename: byAvatar('avatar_rename'),
  avatar_stop: byAvatar('avatar_stop'),
  avatar_stop_confirm: byAvatar('avatar_stop_confirm'),
  avatar_delete: byAvatar('avatar_delete'),
  avatar_delete_confirm: byAvatar('avatar_delete_confirm'),
  avatar_delete_cancel: byAvatar('avatar_delete_cancel'),
  stars_buy: {
    pattern: new RegExp(`^stars_buy:(${UUID}):(\\d{1,5})$`),
    parse: (m) => ({ offerId: m[1]!, stars: Number(m[2]) }),
    format: (a) => `${a.offerId}:${a.stars}`,
  },
  stars_resume: { pattern: new RegExp(`^stars_resume:(${UUID})$`), parse: (m) => ({ offerId: m[1]! }), format: (a) => a.offerId },
};

/** The callback data of an action. */
export function callbackData(action: CallbackAction): string {
  const codec = codecs[action.action] as Codec<keyof Actions>;
  const data = codec.format ? `${action.action}:${codec.format(action as never)}` : action.action;
  if (Buffer.byteLength(data) > 64) throw new Error(`callback data over 64 bytes: ${data}`);
  return data;
}

/** The action named by callback data, or null for anything we did not build. */
export function parseCallbackData(data: string): CallbackAction | null {
  const name = data.split(':', 1)[0] as keyof Actions;
  if (!Object.hasOwn(codecs, name)) return null;
  const codec = codecs[name] as Codec<keyof Actions>;
  const match = codec.pattern.exec(data);
  return match ? ({ action: name, ...codec.parse(match) } as CallbackAction) : null;
}
