/**
 * Every inline button's callback data, built and parsed in one place. Telegram
 * allows 64 bytes; an avatar id (uuid) is 36 of them. The names that came from
 * the original product (`avatar_delete_confirm:<id>`, …) keep their spelling.
 */

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

type Actions = {
  avatar_new: {};
  avatar_resume: { avatarId: string };
  avatar_type: { type: 'portrait' | 'style' };
  avatar_gender: { gender: 'male' | 'female' };
  avatar_photos_ready: { avatarId: string };
  avatar_photos: { avatarId: string; index: number };
  avatar_photo_del: { avatarId: string; photo: string };
  avatar_photos_back: { avatarId: string };
  avatar_review_back: { avatarId: string };
  avatar_create_cancel: { avatarId: string };
  avatar_train: { avatarId: string };
  avatar_generate: { avatarId: string };
  gallery_open: {};
};

export type CallbackAction = { [K in keyof Actions]: { action: K } & Actions[K] }[keyof Actions];

type Codec<K extends keyof Actions> = {
  pattern: RegExp;
  parse: (m: RegExpExecArray) => Actions[K];
  /** The part after `name:`; absent for actions without parameters. */
  format?: (a: Actions[K]) => string;
};

const codecs: { [K in keyof Actions]: Codec<K> } = {
  avatar_new: { pattern: /^avatar_new$/, parse: () => ({}) },
  avatar_resume: { pattern: new RegExp(`^avatar_resume:(${UUID})$`), parse: (m) => ({ avatarId: m[1]! }), format: (a) => a.avatarId },
  avatar_type: { pattern: /^avatar_type:(portrait|style)$/, parse: (m) => ({ type: m[1] as 'portrait' | 'style' }), format: (a) => a.type },
  avatar_gender: { pattern: /^avatar_gender:(male|female)$/, parse: (m) => ({ gender: m[1] as 'male' | 'female' }), format: (a) => a.gender },
  avatar_photos_ready: { pattern: new RegExp(`^avatar_photos_ready:(${UUID})$`), parse: (m) => ({ avatarId: m[1]! }), format: (a) => a.avatarId },
  avatar_photos: {
    pattern: new RegExp(`^avatar_photos:(${UUID}):(\\d{1,3})$`),
    parse: (m) => ({ avatarId: m[1]!, index: Number(m[2]) }),
    format: (a) => `${a.avatarId}:${a.index}`,
  },
  avatar_photo_del: {
    pattern: new RegExp(`^avatar_photo_del:(${UUID}):([0-9a-f]{8})$`),
    parse: (m) => ({ avatarId: m[1]!, photo: m[2]! }),
    format: (a) => `${a.avatarId}:${a.photo}`,
  },
  avatar_photos_back: { pattern: new RegExp(`^avatar_photos_back:(${UUID})$`), parse: (m) => ({ avatarId: m[1]! }), format: (a) => a.avatarId },
  avatar_review_back: { pattern: new RegExp(`^avatar_review_back:(${UUID})$`), parse: (m) => ({ avatarId: m[1]! }), format: (a) => a.avatarId },
  avatar_create_cancel: { pattern: new RegExp(`^avatar_create_cancel:(${UUID})$`), parse: (m) => ({ avatarId: m[1]! }), format: (a) => a.avatarId },
  avatar_train: { pattern: new RegExp(`^avatar_train:(${UUID})$`), parse: (m) => ({ avatarId: m[1]! }), format: (a) => a.avatarId },
  avatar_generate: { pattern: new RegExp(`^avatar_generate:(${UUID})$`), parse: (m) => ({ avatarId: m[1]! }), format: (a) => a.avatarId },
  gallery_open: { pattern: /^gallery_open$/, parse: () => ({}) },
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
