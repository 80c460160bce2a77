import type { avatarStatus } from '../db/schema.js';

/**
 * An avatar's statuses and every move between them (docs/architecture.md draws
 * the state machine). Queries move an avatar with a conditional update built
 * from a transition here — `WHERE status IN (from)` … `SET status = to` — so a
 * double tap or a race moves it at most once; views ask the predicates below
 * which buttons a status allows.
 */
export type AvatarStatus = (typeof avatarStatus.enumValues)[number];

type Transition = { readonly from: readonly AvatarStatus[]; readonly to: AvatarStatus };

export const TRANSITIONS = {
  /** The first photo is stored. */
  collectPhotos: { from: ['draft'], to: 'photos_uploading' },
  /** "✅ Готово к обучению" with enough photos. */
  markReady: { from: ['draft', 'photos_uploading'], to: 'ready' },
  /** Back from the review to the upload. */
  reopenUpload: { from: ['ready'], to: 'photos_uploading' },
  /** "🚀 Начать обучение" or "🔁 Повторить обучение": the money-spending step begins. */
  beginSubmission: { from: ['ready', 'failed', 'cancelled'], to: 'submitting' },
  /** FAL accepted the submit: the request id is attached. */
  attachSubmission: { from: ['submitting'], to: 'training' },
  /**
   * A webhook carrying the key of a submit whose answer was lost: FAL did queue
   * the job (and bills it), so it is attached, even after the avatar went back to ready.
   */
  attachLostSubmission: { from: ['submitting', 'ready'], to: 'training' },
  /** FAL refused the submit, or a crash interrupted it: the photos are kept for a retry. */
  abandonSubmission: { from: ['submitting'], to: 'ready' },
  /** FAL's result (webhook or status check) — at most once per training. */
  complete: { from: ['training'], to: 'completed' },
  fail: { from: ['training'], to: 'failed' },
  /** The user stopped the training (cancelRequestedAt) and FAL ended the job without a result. */
  cancel: { from: ['training'], to: 'cancelled' },
} as const satisfies Record<string, Transition>;

export type TransitionName = keyof typeof TRANSITIONS;

const has = (statuses: readonly AvatarStatus[], status: AvatarStatus) => statuses.includes(status);

/** Still being put together by its owner: photos are added, or the review waits for "start". */
export const UNFINISHED = ['draft', 'photos_uploading', 'ready'] as const satisfies readonly AvatarStatus[];

/** Photos may be added or deleted. */
export const COLLECTING_PHOTOS = TRANSITIONS.markReady.from;

export const isUnfinished = (avatar: { status: AvatarStatus }) => has(UNFINISHED, avatar.status);
export const isCollectingPhotos = (avatar: { status: AvatarStatus }) => has(COLLECTING_PHOTOS, avatar.status);
/** Whether `transition` may start from the avatar's status. */
export const can = (avatar: { status: AvatarStatus }, transition: TransitionName) => has(TRANSITIONS[transition].from, avatar.status);
/** Only a trained avatar may be the main one: "🎨 Генерация" draws with it. */
export const MAIN_STATUS = 'completed' satisfies AvatarStatus;
export const canBeMain = (avatar: { status: AvatarStatus }) => avatar.status === MAIN_STATUS;
/** Failed or cancelled: "🔁 Повторить обучение" (a ready avatar is resumed instead). */
export const canRetrain = (avatar: { status: AvatarStatus }) => can(avatar, 'beginSubmission') && !isUnfinished(avatar);

/** Generations: pending (recorded) → running (submitted) → completed | failed. */
export const GENERATION_IN_FLIGHT = ['pending', 'running'] as const;
