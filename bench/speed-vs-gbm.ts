/**
 * Issue 13's speed goal, side by side in one invocation: for each public set, `forecastql backtest
 * --model auto` (bench/accuracy-backtest.ts, the command's own code) and the peers' gradient
 * boosting (`run_peers.py --models gbm`) with the same split, each timed as a whole process:
 *
 *   nice -n 10 npx tsx bench/speed-vs-gbm.ts [--datasets a,b] [--rounds N] [--first-round R]
 *     [--one-thread-too] [--out DIR]
 *
 * The split is the set's protocol (bench/protocols.ts = the peers' README "Benchmark protocols"),
 * and the peer gets the flags of the stored peer runs (`--use-exog` where gbm used covariates,
 * `--nonneg --jobs 2`). The two run back to back; with several rounds the order alternates (auto
 * first in odd rounds, gbm first in even ones). It prints one row per set and round (both wall
 * times, each process's CPU seconds (GNU time), gbm's own model seconds from its results.json, the
 * 1-min load before and after the pair) and the verdict: `auto`'s whole process no slower than
 * gbm's whole process. `--one-thread-too` also runs `auto` with its candidates on one thread
 * (`FORECASTQL_CANDIDATE_THREADS=1`, as before they ran on two), after the pair. The table goes to
 * `DIR/speed-vs-gbm.md` and the figures to `DIR/speed-vs-gbm.json`. Figures are printed, never
 * asserted.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, hostname, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { PROTOCOLS, protocolOf, type Protocol } from './protocols.js';

const root = resolve(import.meta.dirname, '..');
const SHARED = resolve(root, '../shared');
const PY = '/usr/bin/python3';
const PEERS = join(SHARED, 'peers', 'run_peers.py');

/**
 * Sets whose covariates the stored peer runs gave gbm (`--use-exog`, the peers' README protocol
 * table): every set but aus-retail-monthly, which has none. Checked against a stored run's
 * `config.use_exog` where one exists.
 */
const USE_EXOG: Readonly<Record<string, boolean>> = {
  'uci-online-retail-daily': true,
  'pasta-daily': true,
  'm5-tiny-daily': true,
  'walmart-weekly': true,
  'aus-retail-monthly': false,
};

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const datasets = arg('datasets')?.split(',') ?? PROTOCOLS.map((p) => p.name);
const rounds = Number(arg('rounds') ?? '1');
/** The first round's number (its parity sets the order: odd = auto first), to go on from an earlier invocation. */
const firstRound = Number(arg('first-round') ?? '1');
const oneThreadToo = process.argv.includes('--one-thread-too');
const outDir = resolve(arg('out') ?? '/tmp/forecastql-speed-vs-gbm');
mkdirSync(outDir, { recursive: true });

function useExog(name: string): boolean {
  const stored = join(SHARED, 'peers-results', name, 'results.json');
  const mine = USE_EXOG[name] ?? false;
  if (existsSync(stored)) {
    const m = /"use_exog":\s*(true|false)/.exec(readFileSync(stored, 'utf8'));
    if (m && (m[1] === 'true') !== mine) {
      process.stderr.write(`${name}: the stored peer run has use_exog ${m[1]}; using that\n`);
      return m[1] === 'true';
    }
  }
  return mine;
}

function splitFlags(p: Protocol): string[] {
  const f = ['--horizon', String(p.horizon), '--origins', String(p.origins)];
  if (p.sample) f.push('--sample', String(p.sample.n), '--sample-seed', String(p.sample.seed));
  return f;
}

interface Timed {
  readonly wall: number;
  /** User + system CPU seconds of the process and its threads (GNU time), when available. */
  readonly cpu?: number;
  readonly ok: boolean;
  readonly last: string;
}

const GNU_TIME = '/usr/bin/time';

/**
 * Runs a whole process and times it; under GNU time where the machine has it, for its CPU
 * seconds (on a loaded machine wall time mostly measures the others' work; CPU seconds much less).
 */
function timed(cmd: string, args: readonly string[], log: string, env: NodeJS.ProcessEnv = process.env): Timed {
  const cpuFile = `${log}.cpu`;
  const withTime = existsSync(GNU_TIME);
  const t0 = performance.now();
  const r = withTime
    ? spawnSync(GNU_TIME, ['-f', '%U %S', '-o', cpuFile, cmd, ...args], {
        cwd: root,
        encoding: 'utf8',
        maxBuffer: 256 << 20,
      })
    : spawnSync(cmd, args, { cwd: root, env, encoding: 'utf8', maxBuffer: 256 << 20 });
  const wall = (performance.now() - t0) / 1000;
  writeFileSync(log, `${r.stdout ?? ''}${r.stderr ?? ''}`);
  const last = (r.stderr || r.stdout || '').trim().split('\n').at(-1) ?? '';
  let cpu: number | undefined;
  if (withTime && existsSync(cpuFile)) {
    const m = /([\d.]+) ([\d.]+)\s*$/.exec(readFileSync(cpuFile, 'utf8'));
    if (m) cpu = Number(m[1]) + Number(m[2]);
  }
  return { wall, ...(cpu === undefined ? {} : { cpu }), ok: r.status === 0, last };
}

function runAuto(name: string, p: Protocol, dir: string, threads?: number): Timed {
  const tag = threads === undefined ? '' : `-${threads}thread`;
  return timed(
    process.execPath,
    [
      '--import',
      'tsx',
      join(root, 'bench/accuracy-backtest.ts'),
      '--data',
      join(SHARED, 'data', `${name}.csv.gz`),
      ...splitFlags(p),
      '--model',
      'auto',
      '--out',
      join(dir, `ours-auto${tag}.csv`),
      '--no-progress',
    ],
    join(dir, `ours-auto${tag}.log`),
    threads === undefined ? process.env : { ...process.env, FORECASTQL_CANDIDATE_THREADS: String(threads) },
  );
}

function runGbm(name: string, p: Protocol, dir: string): Timed & { model?: number; label?: string } {
  const out = join(dir, 'gbm');
  const r = timed(
    PY,
    [
      PEERS,
      join(SHARED, 'data', `${name}.csv.gz`),
      ...splitFlags(p),
      ...(useExog(name) ? ['--use-exog'] : []),
      '--nonneg',
      '--jobs',
      '2',
      '--models',
      'gbm',
      '--out',
      out,
    ],
    join(dir, 'gbm.log'),
  );
  const results = join(out, 'results.json');
  if (!r.ok || !existsSync(results)) return r;
  const text = readFileSync(results, 'utf8').replace(/(?<=[:,[]\s*)-?(NaN|Infinity)\b/g, 'null');
  const models = (JSON.parse(text) as { models?: Record<string, { wall_s?: number }> }).models ?? {};
  const [label, m] = Object.entries(models).find(([k]) => k.startsWith('gbm')) ?? [];
  return { ...r, ...(m?.wall_s === undefined ? {} : { model: m.wall_s }), ...(label ? { label } : {}) };
}

interface Row {
  readonly dataset: string;
  readonly round: number;
  readonly order: string;
  readonly auto: number | undefined;
  readonly autoCpu: number | undefined;
  readonly gbm: number | undefined;
  readonly gbmCpu: number | undefined;
  readonly autoOneThread: number | undefined;
  readonly gbmModel: number | undefined;
  readonly gbmLabel: string;
  readonly loadBefore: number;
  readonly loadAfter: number;
  readonly started: string;
}

const started = new Date().toISOString();
const rows: Row[] = [];
for (let round = firstRound; round < firstRound + rounds; round++) {
  for (const name of datasets) {
    const p = protocolOf(name);
    const dir = join(outDir, `${name}-r${round}`);
    mkdirSync(dir, { recursive: true });
    const autoFirst = round % 2 === 1;
    const loadBefore = loadavg()[0]!;
    const t = new Date().toISOString().slice(11, 19);
    let auto: Timed | undefined;
    let gbm: ReturnType<typeof runGbm> | undefined;
    for (const which of autoFirst ? ['auto', 'gbm'] : ['gbm', 'auto']) {
      process.stderr.write(`${name} round ${round}: ${which} …\n`);
      if (which === 'auto') auto = runAuto(name, p, dir);
      else gbm = runGbm(name, p, dir);
      const r = which === 'auto' ? auto! : gbm!;
      process.stderr.write(
        `${name} round ${round}: ${which} ${r.wall.toFixed(1)} s${r.ok ? '' : ` FAILED: ${r.last}`}\n`,
      );
    }
    let one: Timed | undefined;
    if (oneThreadToo) {
      process.stderr.write(`${name} round ${round}: auto on one thread …\n`);
      one = runAuto(name, p, dir, 1);
      process.stderr.write(`${name} round ${round}: auto on one thread ${one.wall.toFixed(1)} s\n`);
    }
    rows.push({
      dataset: name,
      round,
      order: autoFirst ? 'auto, gbm' : 'gbm, auto',
      auto: auto?.ok ? auto.wall : undefined,
      autoCpu: auto?.ok ? auto.cpu : undefined,
      gbm: gbm?.ok ? gbm.wall : undefined,
      gbmCpu: gbm?.ok ? gbm.cpu : undefined,
      autoOneThread: one?.ok ? one.wall : undefined,
      gbmModel: gbm?.model,
      gbmLabel: gbm?.label ?? 'gbm',
      loadBefore,
      loadAfter: loadavg()[0]!,
      started: t,
    });
  }
}

const f1 = (v: number | undefined): string => (v === undefined ? '—' : v.toFixed(1));
const lines = [
  `Run ${started} on ${hostname()} (${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}), Node ${process.version}; wall s = whole process (start-up, reading, every origin).`,
  '',
  '| dataset | round (order, UTC start) | `auto` s (CPU s) | gbm whole process s (its model s; CPU s) | `auto` / gbm | 1-min load before → after | `auto` ≤ gbm? |',
  '|---|---|---|---|---|---|---|',
  ...rows.map((r) => {
    const oneThread = oneThreadToo ? ` (one thread: ${f1(r.autoOneThread)})` : '';
    const ratio = r.auto !== undefined && r.gbm !== undefined ? r.auto / r.gbm : undefined;
    const verdict = ratio === undefined ? '—' : ratio <= 1 ? 'yes' : `**no**, ${((ratio - 1) * 100).toFixed(0)} % over`;
    return `| ${r.dataset} | ${r.round} (${r.order}, ${r.started}) | ${f1(r.auto)} (${f1(r.autoCpu)})${oneThread} | ${r.gbmLabel} ${f1(r.gbm)} (${f1(r.gbmModel)}; ${f1(r.gbmCpu)}) | ${ratio === undefined ? '—' : ratio.toFixed(2)} | ${r.loadBefore.toFixed(1)} → ${r.loadAfter.toFixed(1)} | ${verdict} |`;
  }),
];
const table = lines.join('\n');
process.stdout.write(`${table}\n`);
writeFileSync(join(outDir, 'speed-vs-gbm.md'), `${table}\n`);
writeFileSync(join(outDir, 'speed-vs-gbm.json'), JSON.stringify({ started, rows }, null, 1));
