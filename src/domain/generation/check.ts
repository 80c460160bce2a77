import { and, eq, lt, sql } from 'drizzle-orm';
import { generations } from '../../db/schema.js';
import { type CheckPass, checkIsolated, claimBatch, countEnded } from '../check-pass.js';
import { askFal } from '../fal-jobs.js';
import { completeGeneration, failGeneration } from './completion.js';
import { type GenerationOutcome, normalizeGenerationOutput } from './result.js';

const GENERATION_TIMEOUT_MS = 30 * 60_000;

type Claimed = {
  id: string;
  fal_request_id: string;
  fal_status_url: string | null;
  fal_response_url: string | null;
  check_failures: number;
  created_at: Date | string;
};

/**
 * The same fallback for generations as for trainings: submissions a crash
 * interrupted are failed; running ones are claimed with a lease and asked
 * about by their stored URLs while the budget lasts.
 */
export async function checkGenerations(pass: CheckPass): Promise<void> {
  const { db, summary } = pass;
  const stuck = await db
    .select({ id: generations.id })
    .from(generations)
    .where(and(eq(generations.status, 'pending'), lt(generations.createdAt, new Date(Date.now() - pass.config.training.submitStuckMs))));
  for (const { id } of stuck) {
    if (await failGeneration(db, id, 'submission interrupted', 'provider_error')) summary.generationsFailed += 1;
  }
  while (pass.withinBudget()) {
    const claimed = await claimBatch<Claimed>(
      db,
      generations,
      sql`status = 'running'`,
      sql`id, fal_request_id, fal_status_url, fal_response_url, created_at, check_failures`,
    );
    if (claimed.length === 0) return;
    await Promise.all(claimed.map((row) => checkGeneration(pass, row)));
  }
}

async function checkGeneration(pass: CheckPass, row: Claimed): Promise<void> {
  const finish = async (outcome: GenerationOutcome) => {
    const done = await completeGeneration(pass.db, row.fal_request_id, outcome);
    if (done) countEnded(pass.summary, { applied: true, kind: 'generation', status: done.status === 'completed' ? 'completed' : 'failed' });
  };
  await checkIsolated(
    pass,
    { id: row.id, table: generations, failures: row.check_failures },
    async (failed) => {
      if (Date.now() - new Date(row.created_at).getTime() > GENERATION_TIMEOUT_MS) {
        return finish({ kind: 'failed', code: 'timed_out', reason: 'timed out', raw: null });
      }
      if (!row.fal_status_url || !row.fal_response_url) return failed('the generation has no status or response URL');
      const verdict = await askFal(pass.falHttp, row.fal_status_url, row.fal_response_url);
      if (verdict.state === 'done') await finish(normalizeGenerationOutput(verdict.output));
      else if (verdict.state === 'failed')
        await finish({ kind: 'failed', code: 'provider_error', reason: verdict.reason, raw: verdict.body });
      else if (verdict.state === 'unknown' || verdict.state === 'gone') await failed(verdict.detail);
    },
    (reason) => finish({ kind: 'failed', code: 'provider_error', reason, raw: null }),
  );
}
