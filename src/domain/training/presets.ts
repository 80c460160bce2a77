import { eq } from 'drizzle-orm';
import type { TrainingPresetName } from '../../config.js';
import type { Db } from '../../db/client.js';
import { avatars } from '../../db/schema.js';

export type TrainingType = 'portrait' | 'style';

export type TrainingPreset = {
  name: TrainingPresetName;
  steps: number;
  learningRate: number;
  createMasks: boolean;
  /** What the user is told to expect, in seconds. */
  expectedSeconds: [number, number];
};

const TRAINING_PRESETS: Record<TrainingPresetName, TrainingPreset> = {
  fast: { name: 'fast', steps: 1000, learningRate: 0.0002, createMasks: false, expectedSeconds: [300, 600] },
  balanced: { name: 'balanced', steps: 2500, learningRate: 0.00009, createMasks: true, expectedSeconds: [900, 1500] },
  quality: { name: 'quality', steps: 4000, learningRate: 0.00005, createMasks: true, expectedSeconds: [1800, 2700] },
};

/** The preset an avatar was (or will be) trained with: its own once submitted, else the configured one. */
export const presetOf = (avatar: { trainingPreset: string | null }, fallback: TrainingPresetName): TrainingPreset =>
  TRAINING_PRESETS[(avatar.trainingPreset as TrainingPresetName | null) ?? fallback] ?? TRAINING_PRESETS[fallback];

/** How long a training should take, in seconds: the trainer actually configured — the preset's estimate on FAL, the simulator's own time. */
export function expectedSeconds(
  config: { fal: { simulator?: { trainingSeconds: number } | undefined }; training: { preset: TrainingPresetName } },
  avatar: { trainingPreset: string | null },
): [number, number] {
  const simulated = config.fal.simulator;
  if (simulated) return [simulated.trainingSeconds, simulated.trainingSeconds];
  return presetOf(avatar, config.training.preset).expectedSeconds;
}

/**
 * The trainer's input for one avatar: the portrait trainer takes
 * `images_data_url` and `trigger_phrase`, the fast trainer `trigger_word` and
 * `is_style`. The webhook URL is not part of it: it is a submit option.
 */
export function trainingInput(params: {
  type: TrainingType;
  preset: TrainingPreset;
  imagesUrl: string;
  trigger: string;
}): Record<string, unknown> {
  const { type, preset, imagesUrl, trigger } = params;
  if (type === 'portrait') {
    return {
      images_data_url: imagesUrl,
      trigger_phrase: trigger,
      steps: preset.steps,
      learning_rate: preset.learningRate,
      multiresolution_training: true,
      subject_crop: true,
      create_masks: preset.createMasks,
    };
  }
  return {
    images_data_url: imagesUrl,
    trigger_word: trigger,
    is_style: true,
    // Masks isolate a subject; a style has none.
    create_masks: false,
    steps: preset.steps,
  };
}

/** Seconds until a training in progress should have ended, by the same estimate (at least 1); null when it is not training. */
export async function trainingSecondsLeft(db: Db, config: Parameters<typeof expectedSeconds>[0], avatarId: string): Promise<number | null> {
  const [avatar] = await db.select().from(avatars).where(eq(avatars.id, avatarId));
  if (avatar?.status !== 'training' || !avatar.trainingStartedAt) return null;
  const [, upper] = expectedSeconds(config, avatar);
  return Math.max(1, Math.ceil(upper - (Date.now() - avatar.trainingStartedAt.getTime()) / 1000));
}
