import { createHash, randomBytes } from 'node:crypto';
import { simulatedPicture } from '../sample-images.js';
import type { SimulatorFiles } from './files.js';

/** What a finished job answers: its HTTP status and body, as FAL's result endpoint gives them. */
export type Outcome = { status: number; body: unknown };

export const isTrainer = (modelId: string) => /train/.test(modelId);

/** A LoRA trainer's result: a (random) weights file and its config. */
async function trainingResult(files: SimulatorFiles, jobId: string, input: Record<string, unknown>): Promise<Outcome> {
  const lora = await files.write(`lora-${jobId}.safetensors`, randomBytes(1024));
  const config = await files.write(`config-${jobId}.json`, JSON.stringify({ simulated: true, input }));
  return {
    status: 200,
    body: {
      diffusers_lora_file: { url: lora, content_type: null, file_name: null, file_size: 1024 },
      config_file: { url: config, content_type: 'application/json', file_name: 'config.json', file_size: null },
    },
  };
}

function sizeOf(input: Record<string, unknown>): [number, number] {
  const byName: Record<string, [number, number]> = {
    portrait_4_3: [768, 1024],
    square_hd: [1024, 1024],
    portrait_16_9: [576, 1024],
    landscape_16_9: [1024, 576],
  };
  const ratio: Record<string, [number, number]> = { '3:4': [768, 1024], '1:1': [1024, 1024], '9:16': [576, 1024], '16:9': [1024, 576] };
  return byName[String(input.image_size)] ?? ratio[String(input.aspect_ratio)] ?? [1024, 1024];
}

/** A picture in the format asked for, drawn from the prompt, with a seed past 2^53 as FAL's can be. */
async function imageResult(files: SimulatorFiles, jobId: string, input: Record<string, unknown>): Promise<Outcome> {
  const prompt = String(input.prompt ?? '');
  const [width, height] = sizeOf(input);
  const url = await files.write(`image-${jobId}.jpg`, await simulatedPicture(prompt, width, height));
  return {
    status: 200,
    body: {
      images: [{ url, width, height, content_type: 'image/jpeg' }],
      seed: createHash('sha256').update(prompt).digest().readBigUInt64BE(4).toString(),
      has_nsfw_concepts: [false],
      prompt,
    },
  };
}

/** The result of a job: a simulated failure (by chance, or a prompt containing "fail"), a training, or a picture. */
export async function resultOf(
  files: SimulatorFiles,
  job: { id: string; modelId: string; input: Record<string, unknown> },
  failureRate: number,
): Promise<Outcome> {
  if (Math.random() < failureRate || /fail/i.test(String(job.input.prompt ?? ''))) {
    return { status: 422, body: { detail: 'Simulated failure' } };
  }
  return isTrainer(job.modelId) ? trainingResult(files, job.id, job.input) : imageResult(files, job.id, job.input);
}
