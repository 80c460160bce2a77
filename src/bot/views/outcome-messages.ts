import type { Receipt } from '../../domain/billing/ledger.js';
import type { Likeness } from '../../domain/faces.js';
import type { GenerationFailure } from '../../domain/generation/result.js';
import type { TrainingFailureNotice } from '../../domain/notifications.js';
import type { Texts } from '../texts/index.js';
import { button, type View, view } from './view.js';

/** The messages the outbox sends when a training or a generation ends. */

/** The line a failure message gets when its price came back to the balance. */
export const refundLine = (t: Texts, refunded: number | undefined) => (refunded ? t.stars.refunded(refunded) : '');

export function trainingReadyView(t: Texts, avatar: { id: string; name: string }): View {
  return view(t.trainingReady(avatar.name), [
    [button(t.generateButton, { action: 'avatar_generate', avatarId: avatar.id })],
    [button(t.menu.myAvatars, { action: 'gallery_open' })],
  ]);
}

export function trainingFailedView(t: Texts, avatar: { id: string; name: string }, code: TrainingFailureNotice, refunded?: number): View {
  return view(t.trainingFailed(avatar.name, code) + refundLine(t, refunded), [
    [button(t.retryTraining, { action: 'avatar_train', avatarId: avatar.id })],
  ]);
}

export function trainingCancelledView(t: Texts, avatar: { id: string; name: string }, refunded?: number): View {
  return view(t.trainingCancelled(avatar.name) + refundLine(t, refunded), [
    [button(t.retryTraining, { action: 'avatar_train', avatarId: avatar.id })],
  ]);
}

export function generationFailedView(t: Texts, generationId: string, code: GenerationFailure, refunded?: number): View {
  return view(t.gen.failed(code) + refundLine(t, refunded), [[button(t.gen.again, { action: 'gen_again', generationId })]]);
}

/** The caption and buttons under a finished picture (or after an album): its likeness, what it took and what is left. */
export function generationDoneView(
  t: Texts,
  generation: { id: string; avatarId: string },
  avatarName: string,
  facts: { likeness?: Likeness | null; receipt?: Receipt | null; title?: string } = {},
): View {
  const generationId = generation.id;
  const { likeness, receipt, title = t.gen.done(avatarName) } = facts;
  return view(title + (likeness ? `\n${t.likeness(likeness)}` : '') + (receipt ? `\n${t.stars.receipt(receipt)}` : ''), [
    [button(t.gen.again, { action: 'gen_again', generationId }), button(t.gen.variation, { action: 'gen_vary', generationId })],
    [
      button(t.gen.prompt, { action: 'gen_prompt', generationId }),
      button(t.gen.ideas, { action: 'avatar_ideas', avatarId: generation.avatarId }),
    ],
    [button(t.menu.myAvatars, { action: 'gallery_open' })],
  ]);
}
