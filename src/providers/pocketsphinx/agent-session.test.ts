import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { initializeLogger, llm, voice } from '@livekit/agents';
import { type AudioFrame, dispose } from '@livekit/rtc-node';
import { pcmToAudioFrames } from '../../audio/frames.ts';
import { concatPcm16, silencePcm16 } from '../../audio/pcm.ts';
import { resamplePcm16 } from '../../audio/resample.ts';
import { FliteTTS } from '../flite/index.ts';
import { sharedFliteSynthesizer } from '../flite/synthesizer.ts';
import { RulesLLM } from '../rules/index.ts';
import { loadVad } from '../vad/index.ts';
import { PocketsphinxSTT, pocketsphinxAvailable } from './index.ts';

const availability = pocketsphinxAvailable();

/** Caller audio pushed by the test. */
class PushAudioInput extends voice.AudioInput {
  #controller!: ReadableStreamDefaultController<AudioFrame>;

  constructor() {
    super();
    const source = new ReadableStream<AudioFrame>({ start: (c) => void (this.#controller = c) });
    this.multiStream.addInputStream(source as Parameters<typeof this.multiStream.addInputStream>[0]);
  }

  push(frame: AudioFrame): void {
    this.#controller.enqueue(frame);
  }
}

/** Agent audio sink that "plays" instantly and records when the first frame of a reply came. */
class RecordingAudioOutput extends voice.AudioOutput {
  firstFrameTimes: number[] = [];
  #segmentSeconds = 0;
  #inSegment = false;

  constructor() {
    super(24000);
  }

  override async captureFrame(frame: AudioFrame): Promise<void> {
    await super.captureFrame(frame);
    if (!this.#inSegment) this.firstFrameTimes.push(performance.now());
    this.#inSegment = true;
    this.#segmentSeconds += frame.samplesPerChannel / frame.sampleRate;
  }

  override flush(): void {
    super.flush();
    const playbackPosition = this.#segmentSeconds;
    this.#segmentSeconds = 0;
    this.#inSegment = false;
    setTimeout(() => this.onPlaybackFinished({ playbackPosition, interrupted: false }), 10);
  }

  override clearBuffer(): void {}
}

describe(
  'offline providers in an AgentSession',
  { skip: availability.ok ? false : availability.reason },
  () => {
    // The session's resamplers use rtc-node's native FFI; its runtime keeps the process alive otherwise.
    after(() => dispose());

    it('streams STT with a VAD, answers with rules and speaks with flite', async () => {
      initializeLogger({ pretty: false, level: 'warn' });
      const phrases = ['what time do you open tomorrow', 'i would like to book a table for two'];
      const rules = new RulesLLM({
        intents: [
          { name: 'hours', examples: ['what time do you open'], reply: 'We open at nine. We close at six!' },
          { name: 'booking', patterns: ['table for (?<party>\\w+)'], reply: 'Booked a table for {party}.' },
        ],
        fallbackReply: 'Sorry?',
      });
      const stt = new PocketsphinxSTT({ languageModel: { kind: 'domain', phrases } });
      const tts = new FliteTTS({ voice: 'slt' });
      await Promise.all([stt.prewarm(), tts.prewarm()]);
      const session = new voice.AgentSession({
        vad: await loadVad('fvad'),
        stt,
        llm: rules,
        tts,
        turnHandling: { turnDetection: 'vad', endpointing: { minDelay: 300 } },
      });
      const input = new PushAudioInput();
      const output = new RecordingAudioOutput();
      session.input.audio = input;
      session.output.audio = output;
      const finals: string[] = [];
      const items: { role: string; text: string }[] = [];
      session.on(voice.AgentSessionEventTypes.UserInputTranscribed, (ev) => {
        if (ev.isFinal) finals.push(ev.transcript);
      });
      session.on(voice.AgentSessionEventTypes.ConversationItemAdded, (ev) => {
        if (ev.item instanceof llm.ChatMessage)
          items.push({ role: ev.item.role, text: ev.item.textContent ?? '' });
      });
      await session.start({ agent: new voice.Agent({ instructions: 'You are the bakery.' }) });

      const synthesizer = sharedFliteSynthesizer();
      const utterances = await Promise.all(
        phrases.map(async (p) => (await synthesizer.synthesize(p, 'kal16')).samples),
      );
      const speechEnds: number[] = [];
      for (const utterance of utterances) {
        const pcm = concatPcm16([silencePcm16(500, 16000), utterance]);
        for (const frame of pcmToAudioFrames(resamplePcm16(pcm, 16000, 48000), 48000, 20)) {
          input.push(frame);
          await new Promise((resolve) => setTimeout(resolve, 20)); // real time
        }
        speechEnds.push(performance.now());
        for (const frame of pcmToAudioFrames(new Int16Array(48000 * 2.5), 48000, 20)) {
          input.push(frame);
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      }
      await session.close();
      await Promise.all([stt.close(), tts.close(), synthesizer.close()]);

      assert.deepEqual(finals, phrases);
      assert.deepEqual(items, [
        { role: 'user', text: phrases[0] },
        { role: 'assistant', text: 'We open at nine. We close at six!' },
        { role: 'user', text: phrases[1] },
        { role: 'assistant', text: 'Booked a table for two.' },
      ]);
      const latencies = speechEnds.map((end) => output.firstFrameTimes.find((t) => t > end)! - end);
      console.log(
        `end of caller speech -> first reply frame: ${latencies.map((l) => l.toFixed(0)).join(', ')} ms`,
      );
    });
  },
);
