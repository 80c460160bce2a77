import type { WizardState } from '../../domain/wizard-state.js';
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
function chooseGenderView(t: Texts): View {
  return view(t.chooseGender, [
    [
      button(t.genderMale, { action: 'avatar_gender', gender: 'male' }),
      button(t.genderFemale, { action: 'avatar_gender', gender: 'female' }),
    ],
  ]);
}

type BeforeDraft = Extract<WizardState, { step: 'choose_type' | 'choose_gender' | 'enter_name' }>;

export const isBeforeDraft = (state: WizardState | null | undefined): state is BeforeDraft =>
  state?.step === 'choose_type' || state?.step === 'choose_gender' || state?.step === 'enter_name';

/** The question a wizard step before the draft asks, with its buttons. */
export function questionView(t: Texts, state: BeforeDraft): View {
  if (state.step === 'choose_type') return chooseTypeView(t);
  if (state.step === 'choose_gender') return chooseGenderView(t);
  return view(t.askName, []);
}

/** What was chosen so far ("👤 Портретный · 👩 Женский"), said when the wizard asks again. */
export function chosenSoFar(t: Texts, state: BeforeDraft): string[] {
  if (state.step === 'choose_type') return [];
  const chosen = [state.type === 'portrait' ? t.typePortrait : t.typeStyle];
  if (state.step === 'enter_name' && state.gender) chosen.push(state.gender === 'male' ? t.genderMale : t.genderFemale);
  return chosen;
}

/** The question again, below the user's last message, saying first what went wrong or what was kept. */
export function askAgainView(t: Texts, state: BeforeDraft, preface: string): View {
  const v = questionView(t, state);
  return { ...v, text: `${preface}\n\n${v.text}` };
}

/** A question once answered: its first line and the answer, without buttons. */
export function answeredView(question: string, answer: string): View {
  return view(`${question.split('\n')[0]} ✅ ${answer}`, []);
}
