import type { Config } from '../../config.js';
import type { Avatar } from '../../domain/avatars.js';
import type { FaceSummary } from '../../domain/faces.js';
import { expectedSeconds, presetOf } from '../../domain/training/presets.js';
import type { Texts } from '../texts/index.js';
import { refundLine } from './outcome-messages.js';
import { button, type View, view } from './view.js';

/** What will be trained, and what it costs against the balance, before money is spent. */
export function reviewView(
  t: Texts,
  avatar: Avatar,
  facts: { photos: number; faces: FaceSummary; balance: number },
  config: Pick<Config, 'fal' | 'training' | 'billing'>,
): View {
  const price = config.billing.priceTraining;
  const preset = presetOf(avatar, config.training.preset);
  return view(
    t.review({
      name: avatar.name,
      type: avatar.trainingType,
      gender: avatar.gender,
      photos: facts.photos,
      preset: preset.name,
      steps: preset.steps,
      time: expectedSeconds(config, avatar),
      cost: price > 0 ? { price, balance: facts.balance } : null,
      faces: facts.faces,
    }),
    [
      [button(t.startTraining, { action: 'avatar_train', avatarId: avatar.id })],
      [button(t.backToPhotos, { action: 'avatar_review_back', avatarId: avatar.id })],
    ],
  );
}

/** FAL refused the submit (or was unreachable): the photos are kept, one tap retries. */
export function submitFailedView(t: Texts, avatar: Avatar, temporary: boolean, refunded = 0): View {
  return view(t.submitFailed(avatar.name, temporary) + refundLine(t, refunded), [
    [button(t.retry, { action: 'avatar_train', avatarId: avatar.id })],
  ]);
}
