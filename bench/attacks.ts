/**
 * The attack bench of issue 17: hostile inputs against a real server (NODE_ENV=production, default
 * limits, SQLite) and against `forecastql import`, counting inputs tried, inputs refused cleanly
 * (a coded error, the server still answering) and data changed by a refused input (a SHA-256 of
 * every table before and after, test/db/snapshot.ts; must stay 0), and measuring the peak RSS
 * (VmHWM from /proc) of the process that took the input for the three memory cases of the issue:
 * a 10,000-column import then an `auto` run, a 44 MB / 1.8 M-row GraphQL import, a gzip bomb.
 * Each memory case gets a fresh process, so its peak is its own.
 *
 * Run: `nice -n 10 npx tsx bench/attacks.ts` (Linux: reads /proc/<pid>/status); BENCH_CASES picks
 * some of inputs,wide,long,many,bomb.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { SignJWT } from 'jose';
import { createApiKeysRepository } from '../api/db/api-keys.repository.js';
import { createKnex, type Knex } from '../api/db/knex.js';
import { migrateLatest } from '../api/db/migrate.js';
import { snapshot } from '../test/db/snapshot.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const SECRET = 'attack-bench-secret-0123456789abcdef0123';
const dir = mkdtempSync(join(tmpdir(), 'fq-attacks-'));

interface Server {
  readonly url: string;
  readonly child: ChildProcess;
}

/** Peak resident memory (VmHWM) of a live process, in MB. */
function peakMb(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : Number.NaN;
}

async function startServer(db: string): Promise<Server> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/robustness/support/serve.ts', '--db', db], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      LOG_LEVEL: 'error',
      FORECASTQL_SECRET: SECRET,
      FORECASTQL_BACKEND: 'cpu',
      TSX_TSCONFIG_PATH: 'api/tsconfig.json',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        resolve((JSON.parse(line) as { url: string }).url);
      } catch {
        // not the start-up line
      }
    });
  });
  return { url, child };
}

async function stop(server: Server): Promise<void> {
  const exited = new Promise((r) => server.child.once('exit', r));
  server.child.kill('SIGTERM');
  await exited;
}

interface Reply {
  status: number;
  data?: Record<string, unknown> | null;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

async function post(url: string, auth: string, query: string, variables: Record<string, unknown> = {}): Promise<Reply> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: auth },
    body: JSON.stringify({ query, variables }),
  });
  const text = await res.text();
  try {
    return { status: res.status, ...(JSON.parse(text) as object) };
  } catch {
    return { status: res.status, errors: [{ message: text.slice(0, 200) }] };
  }
}

async function freshDb(name: string): Promise<{ file: string; knex: Knex; auth: string; tenantId: number }> {
  const file = join(dir, `${name}.sqlite`);
  const knex = createKnex({ client: 'sqlite', filename: file });
  await migrateLatest(knex);
  const tenant = (await knex('tenants').where({ slug: 'default' }).first('id')) as { id: number };
  const { secret } = await createApiKeysRepository(knex).create(Number(tenant.id), 'attacks');
  return { file, knex, auth: `Bearer ${secret}`, tenantId: Number(tenant.id) };
}

const IMPORT = 'mutation($id: ID!, $csv: String!) { importObservations(datasetId: $id, csv: $csv) { rowsImported } }';

async function createDataset(url: string, auth: string, name: string): Promise<string> {
  const r = await post(
    url,
    auth,
    'mutation($n: String!) { createDataset(input: { name: $n, frequency: DAY }) { id } }',
    {
      n: name,
    },
  );
  return (r.data as { createDataset: { id: string } }).createDataset.id;
}

function wideCsv(rows: number, columns: number): string {
  const header = ['series_id', 'date', 'value', ...Array.from({ length: columns }, (_, i) => `c${i}`)].join(',');
  const lines = [header];
  for (let r = 0; r < rows; r++) {
    const date = new Date(Date.UTC(2024, 0, 1 + r)).toISOString().slice(0, 10);
    lines.push(
      ['A', date, String(r % 7), ...Array.from({ length: columns }, (_, c) => String((r + c) % 10))].join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** `series × days` rows of `S<n>,YYYY-MM-DD,v`. */
function longCsv(series: number, days: number): string {
  const dates = Array.from({ length: days }, (_, d) => new Date(Date.UTC(2020, 0, 1 + d)).toISOString().slice(0, 10));
  const parts: string[] = ['series_id,date,value\n'];
  for (let s = 0; s < series; s++) {
    let chunk = '';
    for (let d = 0; d < days; d++) chunk += `S${s},${dates[d]},${(s + d) % 9}\n`;
    parts.push(chunk);
  }
  return parts.join('');
}

interface Row {
  readonly name: string;
  readonly refused: boolean;
  readonly answer: string;
  readonly changed: boolean;
  readonly peakMb?: number;
  readonly seconds?: number;
}
const rows: Row[] = [];

async function fingerprint(knex: Knex): Promise<string> {
  const all = await snapshot(knex);
  delete all['api_keys'];
  return JSON.stringify(all);
}

/** Sends one hostile operation; refused cleanly = an error with a code other than INTERNAL_SERVER_ERROR. */
async function attack(
  server: Server,
  knex: Knex,
  name: string,
  send: () => Promise<Reply>,
  expectRefusal = true,
): Promise<void> {
  const before = await fingerprint(knex);
  const r = await send();
  const code = r.errors?.[0]?.extensions?.code ?? (r.status >= 400 ? `HTTP ${r.status}` : undefined);
  const refused = code !== undefined && code !== 'INTERNAL_SERVER_ERROR';
  const health = await fetch(`${server.url}/healthz`).then((h) => h.status);
  const changed = expectRefusal && (await fingerprint(knex)) !== before;
  rows.push({
    name,
    refused: refused && health === 200,
    answer: `${code ?? 'ok'}${r.errors?.[0] ? `: ${r.errors[0].message.slice(0, 90)}` : ''}`,
    changed,
  });
}

async function hostileInputs(): Promise<void> {
  const db = await freshDb('inputs');
  const server = await startServer(db.file);
  try {
    const id = await createDataset(server.url, db.auth, 'shop');
    const csv = ['series_id,date,value,store'];
    for (let d = 1; d <= 28; d++) csv.push(`A,2024-02-${String(d).padStart(2, '0')},${d % 5},north`);
    await post(server.url, db.auth, IMPORT, { id, csv: `${csv.join('\n')}\n` });
    const minted = await post(server.url, db.auth, `mutation { createEmbedToken(datasetIds: ["${id}"]) { id token } }`);
    const embed = `Bearer ${(minted.data as { createEmbedToken: { token: string } }).createEmbedToken.token}`;
    const a = (name: string, query: string, variables: Record<string, unknown> = {}, who = db.auth) =>
      attack(server, db.knex, name, () => post(server.url, who, query, variables));
    const createName = 'mutation($n: String!) { createDataset(input: { name: $n, frequency: DAY }) { id } }';
    await a('NUL in a dataset name', createName, { n: 'a\u0000b' });
    await a('ANSI escape in a dataset name', createName, { n: '\u001b[31mred' });
    await a(
      'NUL in datasets(search) (embed token)',
      'query($s: String) { datasets(search: $s) { totalCount } }',
      { s: '\u0000' },
      embed,
    );
    await a(
      'NUL in series(search)',
      'query($d: ID!, $s: String) { series(datasetId: $d, search: $s) { totalCount } }',
      { d: id, s: 'A\u0000' },
      embed,
    );
    await a(
      'NUL in forecast(where)',
      'query($d: ID!, $v: String!) { forecast(datasetId: $d, where: [{ name: "store", value: $v }]) { seriesCount } }',
      { d: id, v: '\u0000' },
      embed,
    );
    await a(
      'NUL in forecast(seriesId)',
      'query($d: ID!, $s: String) { forecast(datasetId: $d, seriesId: $s) { seriesCount } }',
      { d: id, s: 'A\u0000' },
      embed,
    );
    await a('NUL in a CSV series id', IMPORT, { id, csv: 'series_id,date,value\nA\u0000,2024-03-01,1\n' });
    await a('NUL in a CSV attribute', IMPORT, { id, csv: 'series_id,date,value,store\nB,2024-03-01,1,x\u0000\n' });
    await a('control character in a CSV column name', IMPORT, {
      id,
      csv: 'series_id,date,value,s\u0007\nB,2024-03-01,1,1\n',
    });
    await a('year 0001', IMPORT, { id, csv: 'series_id,date,value\nB,0001-01-01,1\nB,0001-01-02,2\n' });
    await a(
      'year 0024 in forecast(from)',
      `{ forecast(datasetId: "${id}", from: "0024-01-01") { seriesCount } }`,
      {},
      embed,
    );
    await a('year 2250', IMPORT, { id, csv: 'series_id,date,value\nB,2250-01-01,1\n' });
    await a('10 MB line', IMPORT, { id, csv: `series_id,date,value,store\nB,2024-03-01,1,${'x'.repeat(10 << 20)}\n` });
    await a('300 columns', IMPORT, { id, csv: wideCsv(3, 297) });
    await a('200-character column name', IMPORT, {
      id,
      csv: `series_id,date,value,${'c'.repeat(200)}\nB,2024-03-01,1,1\n`,
    });
    const tenant = db.tenantId;
    const sign = (iat: number, exp: number) =>
      new SignJWT({ tenant, datasetIds: [Number(id)] })
        .setProtectedHeader({ alg: 'HS256', typ: 'fq-embed+jwt' })
        .setIssuer('forecastql')
        .setAudience('forecastql:embed')
        .setIssuedAt(iat)
        .setExpirationTime(exp)
        .setJti(`forged-${iat}-${exp}`)
        .sign(new TextEncoder().encode(SECRET));
    const now = Math.floor(Date.now() / 1000);
    await a(
      'signed token, exp 10 years out',
      '{ datasets { totalCount } }',
      {},
      `Bearer ${await sign(now, now + 3650 * 86_400)}`,
    );
    await a(
      'signed token, iat in the future',
      '{ datasets { totalCount } }',
      {},
      `Bearer ${await sign(now + 3600, now + 7200)}`,
    );
    const tokenId = (minted.data as { createEmbedToken: { id: string } }).createEmbedToken.id;
    await post(server.url, db.auth, 'mutation($id: ID!) { revokeEmbedToken(id: $id) }', { id: tokenId });
    await a('revoked embed token', '{ datasets { totalCount } }', {}, embed);
    const { secret } = await createApiKeysRepository(db.knex).create(tenant, 'soon revoked');
    const viaKey = await post(
      server.url,
      `Bearer ${secret}`,
      `mutation { createEmbedToken(datasetIds: ["${id}"]) { token } }`,
    );
    const keyRow = (await db.knex('api_keys').where({ name: 'soon revoked' }).first('id')) as { id: number };
    await createApiKeysRepository(db.knex).revoke(tenant, Number(keyRow.id));
    await a(
      'token of a revoked key',
      '{ datasets { totalCount } }',
      {},
      `Bearer ${(viaKey.data as { createEmbedToken: { token: string } }).createEmbedToken.token}`,
    );
    for (const scheme of ['bearer', 'BEARER', 'Bearer ', 'Bearer\t']) {
      // Not refusals: the same key under another spelling authenticates and shares its budget.
      await attack(
        server,
        db.knex,
        `scheme spelled "${scheme.replace('\t', '\\t')}"`,
        () => post(server.url, `${scheme} ${db.auth.slice(7)}`, '{ datasets { totalCount } }'),
        false,
      );
    }
    await a(
      '1,000 aliases (6,000 tokens)',
      `{ ${Array.from({ length: 1000 }, (_, i) => `a${i}: datasets { totalCount }`).join(' ')} }`,
    );
    await a('typo query in production', '{ datasetz { id } }');
    await a('introspection in production', '{ __schema { types { name } } }');
  } finally {
    await stop(server);
    await db.knex.destroy();
  }
}

/** A fresh server takes one memory case (a dataset made first); its peak RSS is read before it stops. */
async function memoryCase(
  name: string,
  run: (server: Server, auth: string, datasetId: string) => Promise<Reply>,
): Promise<void> {
  const db = await freshDb(name.replace(/\W+/g, '-'));
  const server = await startServer(db.file);
  try {
    const idle = peakMb(server.child.pid!);
    const datasetId = await createDataset(server.url, db.auth, 'target');
    const before = await fingerprint(db.knex);
    const started = Date.now();
    const r = await run(server, db.auth, datasetId);
    const seconds = (Date.now() - started) / 1000;
    const code = r.errors?.[0]?.extensions?.code;
    const health = await fetch(`${server.url}/healthz`).then((h) => h.status);
    const refused = code !== undefined && code !== 'INTERNAL_SERVER_ERROR' && health === 200;
    rows.push({
      name,
      refused,
      answer: `${code ?? 'accepted'}${r.errors?.[0] ? `: ${r.errors[0].message.slice(0, 90)}` : ` ${JSON.stringify(r.data).slice(0, 80)}`} (idle peak ${idle} MB)`,
      changed: refused && (await fingerprint(db.knex)) !== before,
      peakMb: peakMb(server.child.pid!),
      seconds,
    });
  } finally {
    await stop(server);
    await db.knex.destroy();
  }
}

/** `forecastql import FILE` in its own process; its peak RSS is polled until it exits. */
async function cliCase(name: string, file: string): Promise<void> {
  const db = await freshDb(name.replace(/\W+/g, '-'));
  const before = await fingerprint(db.knex);
  const started = Date.now();
  const args = ['import', file, '--dataset', 'bomb', '--db', db.file];
  const entry = `await import('reflect-metadata'); const { main } = await import(${JSON.stringify(join(root, 'api/cli.ts'))}); await main(['node', 'forecastql', ...${JSON.stringify(args)}]);`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', entry], {
    cwd: root,
    env: { ...process.env, TSX_TSCONFIG_PATH: join(root, 'api/tsconfig.json'), LOG_LEVEL: 'error' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  let peak = 0;
  const poll = setInterval(() => {
    try {
      const now = peakMb(child.pid!);
      if (Number.isFinite(now)) peak = Math.max(peak, now);
    } catch {
      // exited
    }
  }, 50);
  const status = await new Promise<number | null>((r) => child.once('exit', r));
  clearInterval(poll);
  const refused = status === 1 && /BAD_USER_INPUT/.test(stderr);
  rows.push({
    name,
    refused,
    answer: `exit ${status}: ${stderr.trim().split('\n').at(-1)?.slice(0, 120) ?? ''}`,
    changed: (await fingerprint(db.knex)) !== before,
    peakMb: peak,
    seconds: (Date.now() - started) / 1000,
  });
  await db.knex.destroy();
}

const CASES = new Set((process.env['BENCH_CASES'] ?? 'inputs,wide,long,many,bomb').split(','));
const load = loadavg()[0]!.toFixed(1);
if (CASES.has('inputs')) await hostileInputs();
if (CASES.has('wide'))
  await memoryCase('10,000-column import (30 rows, 660 KB), then an auto run', async (server, auth, id) => {
    const imported = await post(server.url, auth, IMPORT, { id, csv: wideCsv(30, 10_000) });
    if (imported.errors) return imported;
    return post(server.url, auth, `mutation { startTrainingRun(input: { datasetId: "${id}", horizon: 7 }) { id } }`);
  });
if (CASES.has('long'))
  await memoryCase('44 MB / 1.8 M-row GraphQL import (1,000 series × 1,800 days)', async (server, auth, id) => {
    return post(server.url, auth, IMPORT, { id, csv: longCsv(1000, 1800) });
  });
if (CASES.has('many'))
  await memoryCase('44 MB / 1.8 M-row GraphQL import (1.8 M series × 1 day)', async (server, auth, id) => {
    return post(server.url, auth, IMPORT, { id, csv: longCsv(1_800_000, 1) });
  });
if (CASES.has('bomb')) {
  const zeros = join(dir, 'zeros.csv.gz');
  writeFileSync(
    zeros,
    gzipSync(Buffer.concat([Buffer.from('series_id,date,value\n'), Buffer.alloc(512 << 20, 0x30)]), { level: 9 }),
  );
  await cliCase('gzip bomb: a 512 MB line in ~0.5 MB of gzip, `forecastql import`', zeros);
  const rowsBomb = join(dir, 'rows.csv.gz');
  writeFileSync(
    rowsBomb,
    gzipSync(Buffer.concat([Buffer.from('series_id,date,value\n'), Buffer.alloc(512 << 20, 'A,2024-01-01,1\n')]), {
      level: 9,
    }),
  );
  await cliCase('gzip bomb: 512 MB of one repeated valid row, `forecastql import`', rowsBomb);
}
rmSync(dir, { recursive: true, force: true });

const refusals = rows.filter((r) => !r.name.startsWith('scheme spelled'));
process.stdout.write(
  `\nAttack bench, ${new Date().toISOString().slice(0, 16)} UTC, load ${load} → ${loadavg()[0]!.toFixed(1)}: ${rows.length} inputs tried, ${refusals.filter((r) => r.refused).length} of ${refusals.length} hostile ones refused cleanly, data changed by a refused input: ${rows.filter((r) => r.changed).length}\n\n`,
);
process.stdout.write(
  '| input | refused cleanly | answer | data changed | peak RSS | time |\n|---|---|---|---|---|---|\n',
);
for (const r of rows) {
  process.stdout.write(
    `| ${r.name} | ${r.refused ? 'yes' : 'no'} | ${r.answer.replaceAll('|', '\\|').replaceAll('\n', ' ')} | ${r.changed ? '**yes**' : '0'} | ${r.peakMb === undefined ? '' : `${r.peakMb} MB`} | ${r.seconds === undefined ? '' : `${r.seconds.toFixed(1)} s`} |\n`,
  );
}
