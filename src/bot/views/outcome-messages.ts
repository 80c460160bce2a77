import type { GenerationFailure } from '../../domain/generation/result.js';
import type { TrainingFailureNotice } from '../../domain/notifications.js';
import { type Lang, texts } from '../texts/index.js';
import { button, type View, view } from './view.js';

/** The messages the outbox sends when a training or a generation ends. */

/** The line a failure message gets when its price came back to the balance. */
export const refundLine = (lang: Lang, refunded: number | undefined) => (refunded ? texts[lang].stars.refunded(refunded) : '');

export function trainingReadyView(lang: Lang, avatar: { id: string; name: string }): View {
  const t = texts[lang];
  return view(t.trainingReady(avatar.name), [
    [button(t.generateButton, { action: 'avatar_generate', avatarId: avatar.id })],
    [button(t.menu.myAvatars, { action: 'gallery_open' })],
  ]);
}

export function trainingFailedView(lang: Lang, avatar: { id: string; name: string }, code: TrainingFailureNotice, refunded?: number): View {
  const t = texts[lang];
  return view(t.trainingFailed(avatar.name, code) + refundLine(lang, refunded), [
    [button(t.retryTraining, { action: 'avatar_train', avatarId: avatar.id })],
  ]);
}

export function trainingCancelledView(lang: Lang, avatar: { id: string; name: string }, refunded?: number): View {
  const t = texts[lang];
  return view(t.trainingCancelled(avatar.name) + refundLine(lang, refunded), [
    [button(t.retryTraining, { action: 'avatar_train', avatarId: avatar.id })],
  ]);
}

export function generationFailedView(lang: Lang, generationId: string, code: GenerationFailure, refunded?: number): View {
  const t = texts[lang];
  return view(t.gen.failed(code) + refundLine(lang, refunded), [[button(t.gen.again, { action: 'gen_again', generationId })]]);
}

/** The caption and buttons under a finished picture (or after an album). */
export function generationDoneView(lang: Lang, generationId: string, avatarName: string): View {
  const t = texts[lang];
  return view(t.gen.done(avatarName), [
    [button(t.gen.again, { action: 'gen_again', generationId }), button(t.gen.prompt, { action: 'gen_prompt', generationId })],
    [button(t.menu.myAvatars, { action: 'gallery_open' })],
  ]);
}
