import { Markup } from 'telegraf';
import type { InlineKeyboardMarkup } from 'telegraf/types';
import type { Config } from '../config.js';
import type { Avatar } from '../domain/avatars.js';
import { presetOf } from '../domain/training-submission.js';
import { callbackData as cb } from './callback-data.js';
import { type Lang, texts } from './texts.js';

/** A message of the wizard: its text and its inline keyboard. */
export type View = { text: string; markup: { reply_markup: InlineKeyboardMarkup } };

const view = (text: string, rows: ReturnType<typeof Markup.button.callback>[][]): View => ({
  text,
  markup: Markup.inlineKeyboard(rows),
});

export function chooseTypeView(lang: Lang): View {
  const t = texts[lang];
  return view(t.chooseType, [
    [Markup.button.callback(t.typePortrait, cb({ action: 'avatar_type', type: 'portrait' }))],
    [Markup.button.callback(t.typeStyle, cb({ action: 'avatar_type', type: 'style' }))],
  ]);
}

export function chooseGenderView(lang: Lang): View {
  const t = texts[lang];
  return view(t.chooseGender, [
    [
      Markup.button.callback(t.genderMale, cb({ action: 'avatar_gender', gender: 'male' })),
      Markup.button.callback(t.genderFemale, cb({ action: 'avatar_gender', gender: 'female' })),
    ],
  ]);
}

export function unfinishedView(lang: Lang, avatar: Avatar, photos: number): View {
  const t = texts[lang];
  return view(t.unfinished(avatar.name, photos), [
    [Markup.button.callback(t.resume(avatar.name), cb({ action: 'avatar_resume', avatarId: avatar.id }))],
    [Markup.button.callback(t.newAvatar, cb({ action: 'avatar_new' }))],
  ]);
}

export function progressView(lang: Lang, avatarId: string, uploaded: number, limits: Config['training']): View {
  const t = texts[lang];
  const rows = [];
  if (uploaded > 0) rows.push([Markup.button.callback(t.photosButton(uploaded), cb({ action: 'avatar_photos', avatarId, index: 0 }))]);
  if (uploaded >= limits.minPhotos) rows.push([Markup.button.callback(t.readyButton, cb({ action: 'avatar_photos_ready', avatarId }))]);
  rows.push([Markup.button.callback(t.cancelCreation, cb({ action: 'avatar_create_cancel', avatarId }))]);
  return view(t.progress({ uploaded, min: limits.minPhotos, max: limits.maxPhotos }), rows);
}

export function reviewView(lang: Lang, avatar: Avatar, photos: number, fallbackPreset: Config['training']['preset']): View {
  const t = texts[lang];
  const preset = presetOf(avatar, fallbackPreset);
  return view(
    t.review({
      name: avatar.name,
      type: avatar.trainingType,
      gender: avatar.gender,
      photos,
      preset: preset.name,
      steps: preset.steps,
      minutes: preset.expectedMinutes,
    }),
    [
      [Markup.button.callback(t.startTraining, cb({ action: 'avatar_train', avatarId: avatar.id }))],
      [Markup.button.callback(t.backToPhotos, cb({ action: 'avatar_review_back', avatarId: avatar.id }))],
    ],
  );
}

export function photoBrowserView(lang: Lang, avatarId: string, index: number, total: number, sha256: string): View {
  const t = texts[lang];
  const at = (i: number) => cb({ action: 'avatar_photos', avatarId, index: (i + total) % total });
  return view(t.photoCaption(index + 1, total), [
    [
      Markup.button.callback('⬅️', at(index - 1)),
      Markup.button.callback(`${index + 1}/${total}`, at(index)),
      Markup.button.callback('➡️', at(index + 1)),
    ],
    [Markup.button.callback(t.deletePhoto, cb({ action: 'avatar_photo_del', avatarId, photo: sha256.slice(0, 8) }))],
    [Markup.button.callback(t.backToUpload, cb({ action: 'avatar_photos_back', avatarId }))],
  ]);
}

export function retryView(lang: Lang, avatar: Avatar, temporary: boolean): View {
  const t = texts[lang];
  return view(t.submitFailed(avatar.name, temporary), [
    [Markup.button.callback(t.retry, cb({ action: 'avatar_train', avatarId: avatar.id }))],
  ]);
}
