import type { FalClient } from '@fal-ai/client';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import type { FaceCheck } from '../domain/avatar-photos.js';
import type { Notifier } from '../domain/notifier.js';
import type { PromptAssistant } from '../domain/prompts/assistant.js';
import type { FalFiles } from '../fal/fal-files.js';
import type { FalHttp } from '../fal/fal-http.js';
import type { BackgroundTasks } from '../runtime/background-tasks.js';
import type { Storage } from '../storage/storage.js';
import type { ReplyGroups } from './reply-groups.js';

/** What the bot's features may use. */
export type BotDeps = {
  db: Db;
  storage: Storage;
  fal: FalClient;
  falHttp: FalHttp;
  falFiles: FalFiles;
  /** The prompt assistant (domain/prompts/); null when PROMPT_ASSISTANT=off. */
  prompts: PromptAssistant | null;
  /** The face check of portrait photos and the likeness of pictures; null when FACE_CHECK=off. */
  faces: FaceCheck;
  tasks: BackgroundTasks;
  notifier: Notifier;
  logger: Logger;
  /** One answer per burst of updates (bot/reply-groups.ts). */
  replies: ReplyGroups;
  config: Pick<Config, 'publicUrl' | 'fal' | 'training' | 'generation' | 'limits' | 'billing' | 'faces' | 'sets'>;
};
