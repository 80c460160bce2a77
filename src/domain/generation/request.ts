import type { Config } from '../../config.js';
import type { Avatar } from '../avatars.js';

/** Picture formats offered before the prompt, and what each model calls them. */
const FORMATS = {
  portrait: { imageSize: 'portrait_4_3', aspectRatio: '3:4' },
  square: { imageSize: 'square_hd', aspectRatio: '1:1' },
  story: { imageSize: 'portrait_16_9', aspectRatio: '9:16' },
  cinema: { imageSize: 'landscape_16_9', aspectRatio: '16:9' },
} as const;
export type FormatName = keyof typeof FORMATS;
const isFormat = (value: unknown): value is FormatName => typeof value === 'string' && Object.hasOwn(FORMATS, value);
/** A stored format, or the default for a value an older version may have stored. */
export const formatOr = (value: unknown): FormatName => (isFormat(value) ? value : 'portrait');

export const PROMPT_MAX = 1000;

export type Readiness = 'ready' | 'not_trained' | 'no_model';

/** Only a completed avatar with a LoRA file or a finetune id can draw. */
export function readinessOf(avatar: Avatar): Readiness {
  if (avatar.status !== 'completed') return 'not_trained';
  return avatar.diffusersLoraFileUrl || avatar.finetuneId ? 'ready' : 'no_model';
}

/**
 * The prompt as sent: the avatar's trigger is added once — not again when the
 * user typed it. A portrait names its subject with the trigger and the gender.
 */
export function promptWithTrigger(avatar: Pick<Avatar, 'triggerPhrase' | 'trainingType' | 'gender'>, prompt: string): string {
  const trigger = avatar.triggerPhrase;
  const text = prompt.trim();
  if (!trigger || text.toLowerCase().includes(trigger.toLowerCase())) return text;
  if (avatar.trainingType === 'style') return `${text}, in the style of ${trigger}`;
  const subject = avatar.gender === 'male' ? 'man' : avatar.gender === 'female' ? 'woman' : 'person';
  return `${trigger} ${subject}, ${text}`;
}

export type GenerationConfig = Pick<Config, 'fal' | 'generation' | 'publicUrl'>;

/**
 * The model and its input for one picture of this avatar: `fal-ai/flux-lora`
 * takes the LoRA as `loras: [{ path, scale }]`, the ultra finetuned model a
 * `finetune_id` with its strength.
 */
export function generationRequest(config: GenerationConfig, avatar: Avatar, fullPrompt: string, format: FormatName) {
  const f = FORMATS[format];
  if (avatar.finetuneId) {
    return {
      modelId: config.fal.models.finetuneGenerator,
      input: {
        prompt: fullPrompt,
        finetune_id: avatar.finetuneId,
        finetune_strength: config.generation.finetuneStrength,
        aspect_ratio: f.aspectRatio,
        num_images: 1,
        output_format: 'jpeg',
        safety_tolerance: '2',
      },
    };
  }
  return {
    modelId: config.fal.models.loraGenerator,
    input: {
      prompt: fullPrompt,
      loras: [{ path: avatar.diffusersLoraFileUrl, scale: config.generation.loraScale }],
      image_size: f.imageSize,
      num_inference_steps: 28,
      guidance_scale: 3.5,
      num_images: 1,
      enable_safety_checker: true,
      output_format: 'jpeg',
    },
  };
}

/**
 * A preview's model and input: a zero-shot identity model draws the face of
 * `referenceUrl` (the best training photo) into the prompt — `fal-ai/flux-pulid`
 * with `reference_image_url`, or `fal-ai/nano-banana/edit` with `image_urls`.
 */
export function previewRequest(modelId: string, referenceUrl: string, prompt: string, format: FormatName) {
  const f = FORMATS[format];
  if (modelId === 'fal-ai/nano-banana/edit') {
    return { modelId, input: { prompt, image_urls: [referenceUrl], num_images: 1, output_format: 'jpeg', aspect_ratio: f.aspectRatio } };
  }
  return {
    modelId,
    input: {
      prompt,
      reference_image_url: referenceUrl,
      id_weight: 1,
      image_size: f.imageSize,
      num_inference_steps: 20,
      guidance_scale: 4,
      enable_safety_checker: true,
    },
  };
}
