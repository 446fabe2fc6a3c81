/**
 * Accuracy against the peers on the real datasets in `../shared/data`, with the split of each
 * dataset's "Benchmark protocol" (`../shared/peers/README.md`):
 *
 *   nice -n 10 npx tsx bench/accuracy.ts [--datasets a,b] [--models auto,snaive,…] [--out DIR] [--reuse]
 *
 * For each dataset it runs our `forecastql backtest` command (bench/accuracy-backtest.ts, the
 * command's own code) once per model, timing the whole process, then scores every predictions
 * file with `/usr/bin/python3 ../shared/peers/score.py` beside the stored peer predictions
 * (`../shared/peers-results/<name>/`, or `/work/peer-runs/<name>/` for sets run later) with the
 * peers' wall seconds (`--timing`). It prints one table per dataset and writes them all to
 * `DIR/accuracy.md` (and score.py's JSON per dataset). Figures are printed, never asserted.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, hostname, loadavg } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { PROTOCOLS, protocolOf, type Protocol } from './protocols.js';

const root = resolve(import.meta.dirname, '..');
const SHARED = resolve(root, '../shared');
const PEER_DIRS = [join(SHARED, 'peers-results'), '/work/peer-runs'];
const PY = '/usr/bin/python3';

const DEFAULT_MODELS = ['auto', 'snaive', 'naive', 'ses', 'theta', 'croston', 'tsb', 'mlp', 'conv1d', 'lstm', 'gru'];

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const datasets = arg('datasets')?.split(',') ?? PROTOCOLS.map((p) => p.name);
const models = arg('models')?.split(',') ?? DEFAULT_MODELS;
const outDir = resolve(arg('out') ?? '/tmp/forecastql-accuracy');
const reuse = process.argv.includes('--reuse');
mkdirSync(outDir, { recursive: true });

/** A finished peer run (results.json), else a run still going: its predictions so far. */
function peerDir(name: string): string | undefined {
  const dirs = PEER_DIRS.map((d) => join(d, name));
  return (
    dirs.find((d) => existsSync(join(d, 'results.json'))) ??
    dirs.find((d) => existsSync(join(d, 'predictions')) && readdirSync(join(d, 'predictions')).length > 0)
  );
}

/** Wall seconds of a peer run still going, from the `MODEL: 12.3s, …` lines of its logs. */
function partialWalls(dir: string): Record<string, number> {
  const out: Record<string, number> = {};
  const parent = join(dir, '..');
  const logs = [
    join(dir, 'run.log'),
    ...readdirSync(parent)
      .filter((f) => f.endsWith('.log'))
      .map((f) => join(parent, f)),
  ];
  for (const log of logs) {
    if (!existsSync(log)) continue;
    const text = readFileSync(log, 'utf8');
    if (log !== join(dir, 'run.log') && !text.includes(basename(dir).replace(/-[a-z]$/, ''))) continue;
    for (const m of text.matchAll(/^([\w+]+): ([\d.]+)s, \d+ failed windows/gm)) out[m[1]!] ??= Number(m[2]);
  }
  return out;
}

function dataFlags(p: Protocol): string[] {
  const f = ['--horizon', String(p.horizon), '--origins', String(p.origins)];
  if (p.sample) f.push('--sample', String(p.sample.n), '--sample-seed', String(p.sample.seed));
  return f;
}

const sections: string[] = [];
const started = new Date().toISOString();
const loadAtStart = loadavg()[0]!.toFixed(1);
for (const name of datasets) {
  const p = protocolOf(name);
  const data = join(SHARED, 'data', `${name}.csv.gz`);
  const dir = join(outDir, name);
  mkdirSync(dir, { recursive: true });
  const timingFile = join(dir, 'timing.json');
  const timing: Record<string, number> = existsSync(timingFile)
    ? (JSON.parse(readFileSync(timingFile, 'utf8')) as Record<string, number>)
    : {};
  const ours: string[] = [];
  for (const model of models) {
    const out = join(dir, `ours-${model}.csv`);
    const label = `ours-${model}`;
    if (!(reuse && existsSync(out) && timing[label] !== undefined)) {
      process.stderr.write(`${name}: ${model} …\n`);
      const t0 = performance.now();
      const r = spawnSync(
        process.execPath,
        [
          '--import',
          'tsx',
          join(root, 'bench/accuracy-backtest.ts'),
          '--data',
          data,
          ...dataFlags(p),
          '--model',
          model,
          '--out',
          out,
          '--no-progress',
        ],
        { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 },
      );
      const wall = (performance.now() - t0) / 1000;
      writeFileSync(join(dir, `ours-${model}.log`), r.stderr);
      if (r.status !== 0) {
        process.stderr.write(`${name}: ${model} failed: ${r.stderr.trim().split('\n').at(-1)}\n`);
        continue;
      }
      timing[label] = Math.round(wall * 10) / 10;
      writeFileSync(timingFile, JSON.stringify(timing, null, 1));
      process.stderr.write(`${name}: ${model} ${wall.toFixed(1)} s — ${r.stderr.trim().split('\n').at(-1)}\n`);
    }
    ours.push(`${label}=${out}`);
  }
  const peers = peerDir(name);
  const peerPreds = peers
    ? readdirSync(join(peers, 'predictions'))
        .filter((f) => f.endsWith('.csv'))
        .map((f) => `${basename(f, '.csv')}=${join(peers, 'predictions', f)}`)
    : [];
  const finished = peers !== undefined && existsSync(join(peers, 'results.json'));
  if (peers && finished) {
    // Python's json writes NaN (a metric with nothing to score), which JSON.parse refuses.
    const text = readFileSync(join(peers, 'results.json'), 'utf8').replace(/(?<=[:,[]\s*)-?(NaN|Infinity)\b/g, 'null');
    const pj = JSON.parse(text) as {
      models: Record<string, { wall_s?: number }>;
    };
    for (const [k, v] of Object.entries(pj.models)) if (v.wall_s !== undefined) timing[k] = v.wall_s;
  } else if (peers) {
    Object.assign(timing, partialWalls(peers));
  }
  writeFileSync(join(dir, 'timing-all.json'), JSON.stringify(timing));
  const r = spawnSync(
    PY,
    [
      join(SHARED, 'peers/score.py'),
      data,
      ...dataFlags(p),
      '--pred',
      ...peerPreds,
      ...ours,
      '--timing',
      join(dir, 'timing-all.json'),
      '--json',
      join(dir, 'scores.json'),
    ],
    { encoding: 'utf8', maxBuffer: 64 << 20 },
  );
  if (r.status !== 0) throw new Error(`score.py failed on ${name}: ${r.stderr}`);
  const table = r.stdout.trim();
  const flags = dataFlags(p).join(' ');
  const source = !peers
    ? 'No peer results for this set yet.'
    : finished
      ? `Peers: \`${peers}\`.`
      : `Peers: \`${peers}\`, a run still going: only the models finished so far (${peerPreds.map((x) => x.split('=')[0]).join(', ')}).`;
  const section = `### ${name} (\`${flags}\`)\n\n${source}\n\n${table}\n`;
  sections.push(section);
  process.stdout.write(`\n${section}\n`);
  writeFileSync(join(outDir, 'accuracy.md'), `${header()}\n\n${sections.join('\n')}`);
}
function header(): string {
  return `Run ${started} on ${hostname()} (${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}), Node ${process.version}, shared with other jobs (1-min load ${loadAtStart} at the start, ${loadavg()[0]!.toFixed(1)} now); \`wall s\` of ours is the whole \`forecastql backtest\` process (start-up, reading, every origin).`;
}
process.stderr.write(`tables written to ${join(outDir, 'accuracy.md')}\n`);
