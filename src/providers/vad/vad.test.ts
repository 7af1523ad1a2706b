import assert from 'node:assert/strict';
import { after, before, describe, it, type TestContext } from 'node:test';
import { type VAD, type VADEvent, VADEventType, initializeLogger } from '@livekit/agents';
import { dispose } from '@livekit/rtc-node';
import { pcmToAudioFrames } from '../../audio/frames.ts';
import { concatPcm16, silencePcm16 } from '../../audio/pcm.ts';
import { resamplePcm16 } from '../../audio/resample.ts';
import { sharedFliteSynthesizer } from '../flite/synthesizer.ts';
import { VAD_SILENCE_LAG_MS } from '../../worker/voice-params.ts';
import { loadVad } from './index.ts';

/** Two utterances with silence around them, and where speech really is (ms). */
interface Scene {
  pcm: Int16Array;
  segments: { startMs: number; endMs: number }[];
}

async function buildScene(): Promise<Scene> {
  const synthesizer = sharedFliteSynthesizer();
  const parts: Int16Array[] = [silencePcm16(1000, 16000)];
  const segments: Scene['segments'] = [];
  let offset = 1000;
  for (const text of ['what time do you open tomorrow', 'please transfer me to a human agent']) {
    const { samples } = await synthesizer.synthesize(text, 'kal16');
    const first = samples.findIndex((s) => Math.abs(s) > 300);
    const last = samples.length - 1 - [...samples].reverse().findIndex((s) => Math.abs(s) > 300);
    segments.push({ startMs: offset + first / 16, endMs: offset + last / 16 });
    parts.push(samples, silencePcm16(1500, 16000));
    offset += samples.length / 16 + 1500;
  }
  // A faint noise floor, as any real line has.
  let seed = 7;
  const pcm = concatPcm16(parts).map((s) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return s + Math.round((seed / 0x7fffffff - 0.5) * 40);
  });
  return { pcm, segments };
}

/** Feeds the scene at `sampleRate` and collects start/end events (until `expectedEnds` ends). */
async function runVad(vad: VAD, scene: Scene, sampleRate: number, expectedEnds: number): Promise<VADEvent[]> {
  const stream = vad.stream();
  for (const frame of pcmToAudioFrames(resamplePcm16(scene.pcm, 16000, sampleRate), sampleRate, 10)) {
    stream.pushFrame(frame);
  }
  // The base VADStream.endInput() rejects asynchronously ("WritableStream is locked") in agents
  // 1.9, so silero's stream is left open and read until the expected events arrived.
  if (vad.label === 'local/fvad') stream.endInput();
  const events: VADEvent[] = [];
  let inferences = 0;
  const deadline = setTimeout(() => stream.close(), 20_000);
  for await (const event of stream) {
    if (event.type === VADEventType.INFERENCE_DONE) inferences++;
    else events.push(event);
    if (events.filter((e) => e.type === VADEventType.END_OF_SPEECH).length === expectedEnds) break;
  }
  clearTimeout(deadline);
  stream.close();
  assert.ok(inferences > 100, `${inferences} INFERENCE_DONE events`);
  return events;
}

/** Checks the detected onsets and offsets against the scene, within tolerances in ms. */
function checkSegments(events: VADEvent[], scene: Scene, label: string, onsetToleranceMs: number): void {
  const kinds = events.map((e) => (e.type === VADEventType.START_OF_SPEECH ? 'start' : 'end'));
  assert.deepEqual(kinds, ['start', 'end', 'start', 'end'], label);
  for (const [i, segment] of scene.segments.entries()) {
    const start = events[i * 2]!;
    const end = events[i * 2 + 1]!;
    const onsetMs = start.timestamp - start.speechDuration;
    const offsetMs = end.timestamp - end.silenceDuration;
    assert.ok(
      Math.abs(onsetMs - segment.startMs) < onsetToleranceMs,
      `${label}: onset ${onsetMs} vs ${segment.startMs}`,
    );
    assert.ok(Math.abs(offsetMs - segment.endMs) < 250, `${label}: offset ${offsetMs} vs ${segment.endMs}`);
    const endFrame = end.frames[0]!;
    const utteranceMs = (endFrame.samplesPerChannel / endFrame.sampleRate) * 1000;
    assert.ok(utteranceMs > segment.endMs - segment.startMs, `${label}: END_OF_SPEECH carries the utterance`);
  }
}

/** silero with `minSilenceDuration`, or undefined with the test skipped where onnxruntime cannot load. */
async function sileroOrSkip(
  t: TestContext,
  minSilenceDuration: number,
  acousticEnd = true,
): Promise<VAD | undefined> {
  try {
    return await loadVad('silero', { minSilenceDuration, acousticEnd });
  } catch (error) {
    t.skip(`onnxruntime cannot load here: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}

describe('VAD', () => {
  let scene: Scene;

  before(async () => {
    initializeLogger({ pretty: false, level: 'warn' });
    scene = await buildScene();
  });

  after(async () => {
    await sharedFliteSynthesizer().close();
    // Resamplers went through rtc-node's native FFI; its runtime keeps the process alive otherwise.
    await dispose();
  });

  for (const sampleRate of [48000, 24000, 16000]) {
    it(`fvad segments speech at ${sampleRate / 1000} kHz`, async () => {
      const vad = await loadVad('fvad', { minSilenceDuration: 500 });
      assert.equal(vad.minSilenceDuration, 500);
      const events = await runVad(vad, scene, sampleRate, 2);
      checkSegments(events, scene, `fvad ${sampleRate}`, 150);
    });
  }

  it('fvad honours minSpeechDuration', async () => {
    const vad = await loadVad('fvad', { minSpeechDuration: 5000 });
    const stream = vad.stream();
    for (const frame of pcmToAudioFrames(scene.pcm, 16000, 20)) stream.pushFrame(frame);
    stream.endInput();
    let starts = 0;
    for await (const event of stream) if (event.type === VADEventType.START_OF_SPEECH) starts++;
    stream.close();
    assert.equal(starts, 0, 'no utterance in the scene lasts 5 s');
  });

  it('fvad ends an utterance when the input ends during speech', async () => {
    const vad = await loadVad('fvad');
    const stream = vad.stream();
    const cut = scene.pcm.subarray(0, Math.round((scene.segments[0]!.startMs + 800) * 16));
    for (const frame of pcmToAudioFrames(cut, 16000, 20)) stream.pushFrame(frame);
    stream.endInput();
    const kinds: VADEventType[] = [];
    for await (const event of stream) if (event.type !== VADEventType.INFERENCE_DONE) kinds.push(event.type);
    stream.close();
    assert.deepEqual(kinds, [VADEventType.START_OF_SPEECH, VADEventType.END_OF_SPEECH]);
  });

  it('silero segments speech (offline model from the plugin)', async (t) => {
    const vad = await sileroOrSkip(t, 500);
    if (!vad) return;
    for (const sampleRate of [24000, 16000]) {
      // silero's smoothed probability rises late on the soft "wh" onset of "what": up to ~250 ms.
      checkSegments(await runVad(vad, scene, sampleRate, 2), scene, `silero ${sampleRate}`, 350);
    }
  });

  it("silero marks the start of a silence as late as the worker's VAD silence allows for", async (t) => {
    const vad = await sileroOrSkip(t, 300, false);
    if (!vad) return;
    const ends = (await runVad(vad, scene, 16000, 2)).filter((e) => e.type === VADEventType.END_OF_SPEECH);
    // Where silero's silence began, after the voice really stopped (ms).
    const lags = ends.map((end, i) => end.timestamp - end.silenceDuration - scene.segments[i]!.endMs);
    const mean = lags.reduce((a, b) => a + b, 0) / lags.length;
    assert.ok(
      lags.every((lag) => lag > 0) && Math.abs(mean - VAD_SILENCE_LAG_MS) <= 30,
      `silero's lags ${lags.map((l) => l.toFixed(0)).join(', ')} ms; the worker takes ${VAD_SILENCE_LAG_MS} ms off`,
    );
  });

  it("the worker's silero ends speech where the voice stopped, not where silero's silence began", async (t) => {
    const vad = await sileroOrSkip(t, 300);
    if (!vad) return;
    const ends = (await runVad(vad, scene, 16000, 2)).filter((e) => e.type === VADEventType.END_OF_SPEECH);
    const errors = ends.map((end, i) => end.timestamp - end.silenceDuration - scene.segments[i]!.endMs);
    assert.equal(ends.length, 2);
    assert.ok(
      errors.every((e) => Math.abs(e) <= 20),
      `end of speech vs the voice's end: ${errors.map((e) => e.toFixed(0)).join(', ')} ms`,
    );
  });
});
