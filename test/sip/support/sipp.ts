import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SCENARIOS = fileURLToPath(new URL('../scenarios/', import.meta.url));

/** A port free for both UDP and TCP on loopback (sipp binds both for its local port). */
export async function freePort(): Promise<number> {
  for (;;) {
    const udp = createSocket('udp4');
    const port = await new Promise<number>((r) => udp.bind(0, '127.0.0.1', () => r(udp.address().port)));
    const ok = await new Promise<boolean>((r) => {
      const tcp = createServer();
      tcp.once('error', () => r(false));
      tcp.listen(port, '127.0.0.1', () => tcp.close(() => r(true)));
    });
    udp.close();
    if (ok) return port;
  }
}

export interface SippOptions {
  /** File name under test/sip/scenarios. */
  scenario: string;
  /** `{{name}}` placeholders replaced in the scenario. */
  vars?: Record<string, string>;
  gatewayPort: number;
  /** The dialled number (Request-URI user). */
  service: string;
  caller?: string;
  transport?: 'u1' | 't1' | 'tn';
  rtpPort: number;
  codecs?: string;
  /** Pause length for `<pause/>` (talk time). */
  durationMs?: number;
  calls?: number;
  /** Concurrent call limit and rate (calls per second). */
  limit?: number;
  rate?: number;
  auth?: { username: string; password: string };
  timeoutMs?: number;
}

export interface SippResult {
  code: number | null;
  stdout: string;
  stderr: string;
  errors: string;
  /** Successful and failed call counts from sipp's final statistics. */
  successful: number;
  failed: number;
  /** Per call, INVITE → 200 OK in ms (scenarios marking the 200 with rtd). */
  setupMs: number[];
}

/** Runs sipp as a UAC to completion (bounded by `timeoutMs`); never leaves it running. */
export async function runSipp(o: SippOptions): Promise<SippResult> {
  const dir = mkdtempSync(join(tmpdir(), 'parley-sipp-'));
  try {
    let xml = readFileSync(join(SCENARIOS, o.scenario), 'utf8');
    for (const [k, v] of Object.entries(o.vars ?? {})) xml = xml.replaceAll(`{{${k}}}`, v);
    const scenario = join(dir, o.scenario);
    writeFileSync(scenario, xml);
    const calls = o.calls ?? 1;
    const args = [
      `127.0.0.1:${o.gatewayPort}`,
      '-sf',
      scenario,
      '-s',
      o.service,
      '-i',
      '127.0.0.1',
      '-p',
      String(await freePort()),
      '-mp',
      String(await freePort()),
      '-t',
      o.transport ?? 'u1',
      '-m',
      String(calls),
      '-l',
      String(o.limit ?? calls),
      '-r',
      String(o.rate ?? calls),
      '-d',
      String(o.durationMs ?? 1000),
      '-key',
      'rtp_ip',
      '127.0.0.1',
      '-key',
      'rtp_port',
      String(o.rtpPort),
      '-key',
      'caller',
      o.caller ?? '+15557654321',
      '-key',
      'codecs',
      o.codecs ?? '0 8',
      '-timeout',
      `${Math.ceil((o.timeoutMs ?? 60_000) / 1000)}s`,
      '-timeout_error',
      '-nostdin',
      '-trace_err',
      '-error_file',
      join(dir, 'errors.log'),
      '-trace_stat',
      '-stf',
      join(dir, 'stats.csv'),
      '-trace_rtt',
      '-rtt_freq',
      '1',
    ];
    if (o.auth) args.push('-au', o.auth.username, '-ap', o.auth.password);
    const child = spawn('sipp', args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: dir });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const killer = setTimeout(() => child.kill('SIGKILL'), (o.timeoutMs ?? 60_000) + 10_000);
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    clearTimeout(killer);
    const read = (f: string) => {
      try {
        return readFileSync(join(dir, f), 'utf8');
      } catch {
        return '';
      }
    };
    const stats = read('stats.csv').trim().split('\n');
    const headerRow = stats[0]?.split(';') ?? [];
    const last = stats[stats.length - 1]?.split(';') ?? [];
    const col = (name: string) => Number(last[headerRow.indexOf(name)] ?? NaN);
    return {
      code,
      stdout,
      stderr,
      errors: read('errors.log'),
      successful: col('SuccessfulCall(C)'),
      failed: col('FailedCall(C)'),
      setupMs: readdirSync(dir)
        .filter((f) => f.endsWith('_rtt.csv'))
        .flatMap((f) => read(f).trim().split('\n').slice(1))
        .map((line) => Number(line.split(';')[1]))
        .filter((n) => Number.isFinite(n)),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
