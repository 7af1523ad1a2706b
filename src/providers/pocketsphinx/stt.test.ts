import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { initializeLogger, stt } from '@livekit/agents';
import { AudioFrame, dispose } from '@livekit/rtc-node';
import {
  startEventLoopProbe,
  timingUnreliableReason,
} from '../../../test/fixtures/speech/event-loop-probe.ts';
import { DOMAIN_EXTRA_PHRASES, ROUND_TRIP_PHRASES } from '../../../test/fixtures/speech/phrases.ts';
import { wordErrors } from '../../../test/fixtures/speech/wer.ts';
import { pcmToAudioFrames } from '../../audio/frames.ts';
import { concatPcm16, silencePcm16 } from '../../audio/pcm.ts';
import { resamplePcm16 } from '../../audio/resample.ts';
import { sharedFliteSynthesizer } from '../flite/synthesizer.ts';
import type { FliteVoice } from '../flite/voices.ts';
import { PocketsphinxSTT, normalizeTranscript, pocketsphinxAvailable } from './index.ts';

const availability = pocketsphinxAvailable();
const skip = availability.ok ? false : `pocketsphinx is not installed: ${availability.reason}`;
const DOMAIN_PHRASES = [...ROUND_TRIP_PHRASES, ...DOMAIN_EXTRA_PHRASES];

/** flite audio of every round-trip phrase, per voice, at 16 kHz. */
const speech = new Map<FliteVoice, Int16Array[]>();

async function synthesizeAll(): Promise<void> {
  const synthesizer = sharedFliteSynthesizer();
  for (const voice of ['kal16', 'slt'] as const) {
    speech.set(
      voice,
      await Promise.all(
        ROUND_TRIP_PHRASES.map(async (p) => (await synthesizer.synthesize(p, voice)).samples),
      ),
    );
  }
}

function frame(samples: Int16Array, sampleRate = 16000): AudioFrame {
  return new AudioFrame(samples.slice(), sampleRate, 1, samples.length);
}

describe('PocketsphinxSTT', { skip }, () => {
  before(async () => {
    initializeLogger({ pretty: false, level: 'warn' });
    await synthesizeAll();
  });

  after(async () => {
    await sharedFliteSynthesizer().close();
    // Resamplers went through rtc-node's native FFI; its runtime keeps the process alive otherwise.
    await dispose();
  });

  it('recognizes flite speech exactly with a domain LM (recognize path)', async (t) => {
    const recognizer = new PocketsphinxSTT({
      languageModel: { kind: 'domain', phrases: DOMAIN_PHRASES },
      decoderScope: 'utterance',
    });
    const ready = await recognizer.prewarm();
    assert.deepEqual(ready.missingWords, []);
    let audioSeconds = 0;
    let computeMs = 0;
    const probe = startEventLoopProbe();
    for (const [voice, utterances] of speech) {
      for (const [i, samples] of utterances.entries()) {
        const event = await recognizer.recognize(frame(samples));
        computeMs += Number(event.alternatives?.[0].metadata?.decodeMs);
        audioSeconds += samples.length / 16000;
        assert.equal(event.type, stt.SpeechEventType.FINAL_TRANSCRIPT);
        assert.equal(event.alternatives?.[0].text, ROUND_TRIP_PHRASES[i], `voice ${voice}`);
      }
    }
    const maxBlockMs = probe.stop();
    await recognizer.close();
    const busy = timingUnreliableReason();
    if (busy) t.diagnostic(`event-loop bound not asserted: ${busy}`);
    else assert.ok(maxBlockMs < 50, `event loop blocked for ${maxBlockMs.toFixed(0)} ms`);
    console.log(
      `pocketsphinx domain LM: load ${ready.loadMs.toFixed(0)} ms, decode RTF ${(computeMs / 1000 / audioSeconds).toFixed(3)}, max block ${maxBlockMs.toFixed(1)} ms`,
    );
  });

  it('reports and drops phrase words missing from the dictionary', async () => {
    const recognizer = new PocketsphinxSTT({
      languageModel: { kind: 'domain', phrases: ['book a table with qwzxv'] },
    });
    const ready = await recognizer.prewarm();
    await recognizer.close();
    assert.deepEqual(ready.missingWords, ['qwzxv']);
    assert.equal(ready.vocabularySize, 4);
  });

  it('recognizes flite speech with the generic LM within a loose WER bound', async () => {
    const recognizer = new PocketsphinxSTT();
    const ready = await recognizer.prewarm();
    await recognizer.recognize(frame(speech.get('kal16')![0]!)); // warm-up: loads the batch decoder
    let errors = 0;
    let words = 0;
    let audioSeconds = 0;
    let computeMs = 0;
    const hypotheses: string[] = [];
    for (const utterances of speech.values()) {
      for (const [i, samples] of utterances.entries()) {
        const event = await recognizer.recognize(frame(samples));
        computeMs += Number(event.alternatives?.[0].metadata?.decodeMs);
        audioSeconds += samples.length / 16000;
        const hypothesis = normalizeTranscript(event.alternatives?.[0].text ?? '');
        hypotheses.push(hypothesis);
        const result = wordErrors(ROUND_TRIP_PHRASES[i]!, hypothesis);
        errors += result.errors;
        words += result.words;
      }
    }
    await recognizer.close();
    const wer = errors / words;
    console.log(
      `pocketsphinx generic LM: load ${ready.loadMs.toFixed(0)} ms, WER ${(wer * 100).toFixed(1)} %, decode RTF ${(computeMs / 1000 / audioSeconds).toFixed(3)}; ${JSON.stringify(hypotheses)}`,
    );
    assert.ok(wer < 0.35, `WER ${wer}`);
  });

  for (const inputRate of [48000, 24000]) {
    it(`streams interim and final transcripts from ${inputRate / 1000} kHz frames`, async () => {
      const recognizer = new PocketsphinxSTT({
        languageModel: { kind: 'domain', phrases: DOMAIN_PHRASES },
        interimIntervalMs: 200,
      });
      await recognizer.prewarm();
      const utterances = speech.get('kal16')!;
      const pcm16k = concatPcm16([
        silencePcm16(500, 16000),
        utterances[0]!,
        silencePcm16(1200, 16000),
        utterances[1]!,
        silencePcm16(300, 16000),
      ]);
      const input = resamplePcm16(pcm16k, 16000, inputRate);
      const stream = recognizer.stream();
      const events: stt.SpeechEvent[] = [];
      const collecting = (async () => {
        for await (const event of stream) events.push(event);
      })();
      for (const f of pcmToAudioFrames(input, inputRate, 10)) stream.pushFrame(f);
      stream.endInput();
      await collecting;
      await recognizer.close();

      const finals = events.filter((e) => e.type === stt.SpeechEventType.FINAL_TRANSCRIPT);
      assert.deepEqual(
        finals.map((e) => e.alternatives?.[0].text),
        [ROUND_TRIP_PHRASES[0], ROUND_TRIP_PHRASES[1]],
      );
      const interims = events.filter((e) => e.type === stt.SpeechEventType.INTERIM_TRANSCRIPT);
      assert.ok(interims.length >= 2, `${interims.length} interim transcripts`);
      const order = events.map((e) => e.type).filter((t) => t !== stt.SpeechEventType.INTERIM_TRANSCRIPT);
      const {
        START_OF_SPEECH: S,
        FINAL_TRANSCRIPT: F,
        RECOGNITION_USAGE: U,
        END_OF_SPEECH: E,
      } = stt.SpeechEventType;
      assert.deepEqual(order, [S, F, U, E, S, F, U, E]);
      const first = finals[0]!.alternatives![0];
      // pocketsphinx's detector may count a stream's initial noise floor (here the resampler's
      // dither) as speech, so the first start time can be as early as 0.
      assert.ok(first.startTime >= 0 && first.startTime < 0.6, `start ${first.startTime}`);
      const second = finals[1]!.alternatives![0];
      const secondOnset = (500 + utterances[0]!.length / 16 + 1200) / 1000;
      assert.ok(
        Math.abs(second.startTime - secondOnset) < 0.6,
        `second start ${second.startTime} vs ${secondOnset}`,
      );
      assert.ok(first.endTime > 2 && first.endTime < 3.5, `end ${first.endTime}`);
    });
  }

  it('finalizes an utterance on flush', async () => {
    const recognizer = new PocketsphinxSTT({ languageModel: { kind: 'domain', phrases: DOMAIN_PHRASES } });
    const stream = recognizer.stream();
    const events: stt.SpeechEvent[] = [];
    const collecting = (async () => {
      for await (const event of stream) events.push(event);
    })();
    // Speech without trailing silence: only the flush can end it.
    for (const f of pcmToAudioFrames(
      concatPcm16([silencePcm16(300, 16000), speech.get('slt')![2]!]),
      16000,
      20,
    )) {
      stream.pushFrame(f);
    }
    stream.flush();
    const deadline = Date.now() + 10_000;
    while (!events.some((e) => e.type === stt.SpeechEventType.FINAL_TRANSCRIPT) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    stream.close();
    await collecting;
    await recognizer.close();
    const final = events.find((e) => e.type === stt.SpeechEventType.FINAL_TRANSCRIPT);
    assert.equal(final?.alternatives?.[0].text, ROUND_TRIP_PHRASES[2]);
  });
});
