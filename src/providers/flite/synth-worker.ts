/**
 * Worker-thread entry for flite synthesis. Compiles the wasm once, then serves requests one at a
 * time; it yields between requests so `cancel` messages for queued work are seen (a synthesis that
 * has started runs to completion: WASI cannot be interrupted).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { FliteEngine, compileFliteModule } from './engine.ts';
import type { FliteRequest, FliteResponse, FliteWorkerData } from './protocol.ts';

const port = parentPort;
if (!port) throw new Error('synth-worker must run in a worker thread');
const { scratchDir } = workerData as FliteWorkerData;

const started = performance.now();
const engine = new FliteEngine(compileFliteModule(), scratchDir);
const post = (message: FliteResponse, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);
post({ type: 'ready', compileMs: performance.now() - started });

type SynthesizeRequest = Extract<FliteRequest, { type: 'synthesize' }>;
const pending: SynthesizeRequest[] = [];
let scheduled = false;

function runNext(): void {
  scheduled = false;
  const request = pending.shift();
  if (!request) return;
  const t0 = performance.now();
  try {
    const { samples, sampleRate } = engine.synthesize(request.text, request.voice, request.durationStretch);
    const synthMs = performance.now() - t0;
    post({ type: 'audio', id: request.id, samples, sampleRate, synthMs }, [samples.buffer as ArrayBuffer]);
  } catch (error) {
    post({ type: 'error', id: request.id, message: error instanceof Error ? error.message : String(error) });
  }
  schedule();
}

function schedule(): void {
  if (scheduled || pending.length === 0) return;
  scheduled = true;
  // setImmediate lets queued 'cancel' messages run before the next synthesis starts.
  setImmediate(runNext);
}

port.on('message', (message: FliteRequest) => {
  if (message.type === 'synthesize') {
    pending.push(message);
    schedule();
  } else if (message.type === 'shutdown') {
    // Closing the port lets the thread end once this handler returns.
    pending.length = 0;
    port.close();
  } else {
    const index = pending.findIndex((r) => r.id === message.id);
    if (index >= 0) pending.splice(index, 1);
  }
});
