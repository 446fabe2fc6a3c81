/**
 * A stand-in pipeline that fails its first N calls for a run, then behaves like the stand-in
 * (test/integration/support/stand-in-pipeline.ts): N is the run's `seed`, and calls are counted
 * in files under FQ_FLAKY_DIR (one per seed), so the count survives across attempts, threads and
 * processes. Seed 1000 instead allocates until the thread hits its heap limit. For tests of the
 * job queue's retries only.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Panel, PipelineOptions, PipelineResult } from '../../../api/forecasting/types.js';
import { runForecastPipeline as standIn } from '../../integration/support/stand-in-pipeline.js';

export async function runForecastPipeline(panel: Panel, options: PipelineOptions): Promise<PipelineResult> {
  if (options.seed === 1000) {
    const hog: Array<{ x: number; y: string }> = [];
    for (let i = 0; ; i++) hog.push({ x: i, y: `row ${i}` });
  }
  const dir = process.env['FQ_FLAKY_DIR'];
  if (!dir) throw new Error('FQ_FLAKY_DIR is not set');
  const file = join(dir, String(options.seed));
  const calls = existsSync(file) ? Number(readFileSync(file, 'utf8')) : 0;
  writeFileSync(file, String(calls + 1));
  if (calls < options.seed) throw new Error(`flaky failure ${calls + 1} of ${options.seed}`);
  return standIn(panel, options);
}
