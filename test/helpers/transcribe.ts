import { resamplePcm16 } from '../../src/audio/resample.ts';
import { DEFAULT_POCKETSPHINX_MODEL_DIR } from '../../src/providers/pocketsphinx/index.ts';
import { PocketsphinxRecognizer } from '../../src/providers/pocketsphinx/recognizer.ts';

/**
 * What pocketsphinx hears in received audio, with a language model built from the phrases the test
 * expects (so a pass means the audio really carries those words, not that the model guessed).
 */
export async function transcribe(pcm: Int16Array, sampleRate: number, phrases: string[]): Promise<string> {
  const recognizer = new PocketsphinxRecognizer({
    modelDir: DEFAULT_POCKETSPHINX_MODEL_DIR,
    languageModel: { kind: 'domain', phrases: [...phrases, 'hello', 'thank you', 'sorry'] },
    endSilenceMs: 500,
    interimIntervalMs: 300,
    decoderScope: 'utterance',
  });
  try {
    await recognizer.ready();
    const { text } = await recognizer.recognize(resamplePcm16(pcm, sampleRate, 16_000));
    return text;
  } finally {
    await recognizer.close();
  }
}
