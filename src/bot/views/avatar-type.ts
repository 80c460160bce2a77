import type { Texts } from '../texts/index.js';
import { button, type View, view } from './view.js';

/** The first step of "➕ Создать аватар": a person or a style. */
export function chooseTypeView(t: Texts): View {
  return view(t.chooseType, [
    [button(t.typePortrait, { action: 'avatar_type', type: 'portrait' })],
    [button(t.typeStyle, { action: 'avatar_type', type: 'style' })],
  ]);
}

/** Portraits only: who is in the photos, so prompts can name the subject. */
export function chooseGenderView(t: Texts): View {
  return view(t.chooseGender, [
    [
      button(t.genderMale, { action: 'avatar_gender', gender: 'male' }),
      button(t.genderFemale, { action: 'avatar_gender', gender: 'female' }),
    ],
  ]);
}
