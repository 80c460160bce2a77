import type { TrainingPresetName } from '../../config.js';
import type { AvatarStatus } from '../../domain/avatar-lifecycle.js';
import type { UploadRefusal } from '../../domain/avatar-photos.js';
import type { Avatar } from '../../domain/avatars.js';
import type { EntryKind } from '../../domain/billing/ledger.js';
import type { FaceSummary, Likeness } from '../../domain/faces.js';
import type { GenerationFailure } from '../../domain/generation/result.js';
import type { TrainingFailureNotice } from '../../domain/notifications.js';
import type { IdeaId } from '../../domain/prompts/ideas.js';
import type { TrainingType } from '../../domain/training/presets.js';

export type Lang = 'ru' | 'en';

type Gender = 'male' | 'female';
type Name = (name: string) => string;

type ProgressView = { uploaded: number; min: number; max: number };

/** How many photos an avatar takes (MIN_PHOTOS, MAX_PHOTOS). */
export type PhotoRange = { min: number; max: number };
/** How long a training should take, in seconds: the preset's range, or the simulator's own time. */
type Seconds = [number, number];

/** What a paid action took and what the balance holds after it (domain/billing/ledger.ts). */
type Receipt = { taken: number; left: number };

type ReviewView = {
  name: string;
  type: TrainingType;
  gender: Gender | null;
  photos: number;
  preset: TrainingPresetName;
  steps: number;
  time: Seconds;
  /** The training's price and the balance now; null while training is free. */
  cost: { price: number; balance: number } | null;
  /** What the face check said of the set; null when it did not look (a style avatar, FACE_CHECK=off). */
  faces: FaceSummary;
};

type CardView = {
  name: string;
  type: TrainingType;
  status: AvatarStatus;
  /** A training the user stopped, until FAL ends it. */
  stopping: boolean;
  /** How far FAL is with a running training, as last checked. */
  progress: Avatar['falProgress'];
  isMain: boolean;
  createdAt: Date;
  photos: number;
  generations: number;
};

/** One movement of the Stars balance, as /balance lists it. */
type MovementView = { date: Date; amount: number; kind: EntryKind; note: string | null };

type BalanceView = { balance: number; priceTraining: number; priceGeneration: number; movements: MovementView[] };

/** What the price stopped: said when the balance is short, and offered again once it is topped up. */
export type Paid = 'training' | 'generation' | 'shoot';

/** Every text the bot shows, in one language: `ru.ts` and `en.ts` both satisfy it. */
export type Texts = {
  menu: { createAvatar: string; myAvatars: string; generate: string; shoots: string; help: string };
  greeting: (name: string, photos: PhotoRange) => string;
  help: (v: PhotoRange & { time: Seconds }) => string;
  chooseFromMenu: string;
  somethingWentWrong: string;
  staleButton: string;
  notYourAvatar: string;
  avatarGone: string;
  /** In a group or a channel: the bot works in private chats only (also a button alert: ≤ 200 characters). */
  privateOnly: string;

  unfinished: (name: string, photos: number) => string;
  /** /start in the middle of creating an avatar: the draft stays. */
  draftKept: (name: string, photos: number) => string;
  resume: Name;
  newAvatar: string;

  chooseType: string;
  typePortrait: string;
  typeStyle: string;
  chooseGender: string;
  genderMale: string;
  genderFemale: string;
  askName: string;
  nameTooShort: string;
  nameTooLong: string;
  nameNoLetters: string;
  nameIsText: string;
  /** Text or a photo while the type or gender buttons wait. */
  answerWithButtons: string;
  /** /start before the name: the wizard keeps what was chosen and asks again. */
  wizardGoesOn: (chosen: string[]) => string;

  uploadIntro: (name: string, photos: PhotoRange, type: TrainingType) => string;
  progress: (v: ProgressView) => string;
  photosButton: (count: number) => string;
  readyButton: string;
  cancelCreation: string;
  /** Asked before a draft and its photos are deleted. */
  cancelConfirm: (name: string, photos: number) => string;
  cancelYes: string;
  cancelNo: string;
  creationCancelled: Name;
  /** `count` photos of one burst refused for the same reason: one message. */
  photoRefused: (refusal: UploadRefusal, count?: number) => string;
  sendPhotoHint: string;
  notEnoughPhotos: (min: number) => string;
  photoCaption: (index: number, total: number) => string;
  deletePhoto: string;
  backToUpload: string;
  photoDeleted: string;
  /** A photo that looks like someone else than the rest of the set, and the user's two answers. */
  faceStranger: string;
  keepPhoto: string;
  dropPhoto: string;
  photoKept: string;
  /** "✅ Готово" while flags are open: the flagged photos are shown again below. */
  flagsOpen: (count: number) => string;
  /** A generated picture's likeness line: its score, or why it has none. */
  likeness: (likeness: Likeness) => string;
  noPhotos: string;

  review: (v: ReviewView) => string;
  startTraining: string;
  backToPhotos: string;
  preparing: Name;
  alreadyStarted: string;
  trainingStarted: (name: string, time: Seconds, receipt: Receipt | null) => string;
  submitFailed: (name: string, temporary: boolean) => string;
  retry: string;

  trainingReady: Name;
  trainingCancelled: Name;
  trainingFailed: (name: string, code: TrainingFailureNotice) => string;
  generateButton: string;
  retryTraining: string;

  gallery: {
    empty: (photos: PhotoRange) => string;
    create: string;
    card: (card: CardView) => string;
    generate: string;
    makeMain: string;
    resume: string;
    photos: string;
    history: string;
    rename: string;
    stopTraining: string;
    delete: string;
    back: string;
    mainSet: Name;
    askRename: Name;
    renamed: Name;
    historyEmpty: Name;
    historyTitle: Name;
    historyByLikenessTitle: Name;
    historyOlder: string;
    historyNewer: string;
    /** The caption of a picture sent again from the history. */
    reopened: (v: { name: string; date: string; prompt: string }) => string;
    historyByLikeness: string;
    historyByDate: string;
    stopConfirm: Name;
    stopYes: string;
    stopNo: string;
    stopping: Name;
    stopFailed: string;
    stopTooLate: string;
    /** The training ended before the stop was confirmed. */
    stopFinished: string;
    noPreviewPhotos: string;
  };
  /**
   * The seed's confirmation: what is lost forever, before anything is deleted; `paid`, the Stars of a
   * training in flight that come back if FAL stops it in time.
   */
  deleteConfirm: (name: string, status: AvatarStatus, paid: number) => string;
  deleteYes: string;
  deleteNo: string;
  /** `refunded`: the Stars of the stopped training given back. */
  deleted: (name: string, refunded: number) => string;

  /** Which per-user limit stopped the user, and when it frees up (`in`: "3 h 20 min"). */
  limits: {
    avatars: (max: number) => string;
    inFlight: (v: { max: number; running: string; in: string }) => string;
    daily: (v: { max: number; in: string }) => string;
    /** Said when a new avatar is started while the day's trainings are used up: before its photos, not after. */
    dailyAhead: (v: { max: number; in: string }) => string;
  };
  /** "3 h 20 min": how long until something frees up. */
  /** A moment, written one way everywhere (format.ts `dateTimeFormat`). */
  date: (date: Date) => string;
  duration: (ms: number) => string;

  stars: {
    notEnough: (v: { what: Paid; price: number; balance: number }) => string;
    pack: (stars: number) => string;
    invoiceTitle: (stars: number) => string;
    invoiceDescription: (v: { stars: number; priceTraining: number; priceGeneration: number }) => string;
    invoiceLabel: (stars: number) => string;
    credited: (v: { amount: number; balance: number }) => string;
    resumeTraining: Name;
    resumeGeneration: string;
    /** A line under a failure message: the price came back to the balance. */
    refunded: (stars: number) => string;
    /** A line under a paid result: what it took, what is left. */
    receipt: (r: Receipt) => string;
    balance: (v: BalanceView) => string;
    /** /balance while nothing costs anything. */
    free: string;
    /** A line in the gallery's header. */
    balanceLine: (balance: number) => string;
    paySupport: (v: { free: boolean; contact: string | undefined; payments: { chargeId: string; amount: number; date: Date }[] }) => string;
    terms: (v: { free: boolean; priceTraining: number; priceGeneration: number }) => string;
    /** pre_checkout_query refused: the invoice is old or not ours (Telegram shows it; ≤ 255 characters). */
    offerExpired: string;
    /** A payment that could not be matched to an offer: nothing credited, the operator refunds it. */
    paymentProblem: string;
    /** Telegram gave a payment back (refunded_payment): its Stars are off the balance. */
    refundedByTelegram: (v: { amount: number; balance: number }) => string;
  };

  support: {
    received: string;
    /** What the operator's chat (SUPPORT_CHAT_ID) gets. */
    forwarded: (who: string, text: string) => string;
  };

  /** Pictures made in sets: the preview, the welcome set, photo shoots (domain/sets/). */
  sets: {
    previewCaption: (name: string, secondsLeft: number | null) => string;
    welcomeCaption: Name;
    shootCaption: (title: string, from: number, to: number, total: number) => string;
    progress: (title: string, ended: number, total: number) => string;
    finished: (title: string, delivered: number, total: number) => string;
    votes: (from: number, to: number) => string;
    done: (title: string, delivered: number, failed: number, refunded: number) => string;
    voted: (vote: 1 | -1) => string;
    catalog: (name: string, price: number) => string;
    theme: (emoji: string, title: string, pictures: number, likeRate: number | null) => string;
    confirm: (emoji: string, title: string, pictures: number, name: string, price: number) => string;
    go: string;
    busy: string;
    noAvatar: string;
    off: string;
    more: string;
  };

  /** "✨ Идеи": ready ideas to draw with one tap. */
  ideas: {
    title: Name;
    more: string;
    names: Record<IdeaId, string>;
  };

  gen: {
    chooseFormat: Name;
    formats: { portrait: string; square: string; story: string; cinema: string };
    askPrompt: Name;
    promptInvalid: (length: number) => string;
    busy: string;
    started: string;
    noMain: string;
    notTrained: Name;
    noModel: Name;
    done: Name;
    again: string;
    variation: string;
    ideas: string;
    prompt: string;
    /** The user's words, and the English prompt drawn when the assistant wrote one. */
    promptShown: (prompt: string, english: string | null) => string;
    promptRefused: string;
    promptPrice: (name: string, prompt: string, price: number, balance: number) => string;
    drawFor: (price: number) => string;
    dontDraw: string;
    notDrawn: string;
    failed: (code: GenerationFailure) => string;
  };
};
