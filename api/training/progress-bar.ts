/** A training run's progress on stderr (cli-progress): a live bar on a terminal, a line every 10 s otherwise. */
import { SingleBar } from 'cli-progress';
import { RunStatus, type TrainingRunRecord } from '../db/runs.repository.js';

function detail(run: TrainingRunRecord): string {
  const p = run.progress;
  return [p.message ?? '', p.loss !== null ? `loss ${p.loss.toFixed(4)}` : '', run.error ?? '']
    .filter(Boolean)
    .join(' | ');
}

/** Follows `updates` (from TrainingRunService.follow) to the end; returns the final state. */
export async function showRunProgress(
  updates: AsyncIterable<TrainingRunRecord>,
  label: string,
): Promise<TrainingRunRecord> {
  const bar = new SingleBar({
    format: `${label} |{bar}| {percentage}% | {status} {detail}`,
    stream: process.stderr,
    hideCursor: true,
    clearOnComplete: false,
    noTTYOutput: true,
    notTTYSchedule: 10_000,
  });
  bar.start(100, 0, { status: RunStatus.QUEUED, detail: '' });
  let last: TrainingRunRecord | undefined;
  try {
    for await (const run of updates) {
      last = run;
      const percent = run.status === RunStatus.SUCCEEDED ? 100 : Math.round(run.progress.fraction * 100);
      bar.update(percent, { status: run.status, detail: detail(run) });
    }
  } finally {
    bar.stop();
  }
  if (!last) throw new Error('the run stream ended before it said anything');
  return last;
}
