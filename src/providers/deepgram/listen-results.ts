/** Deepgram's live `Results` messages as `@livekit/agents` speech data. */
import { createTimedString, normalizeLanguage, type stt } from '@livekit/agents';

interface DeepgramWord {
  word?: string;
  punctuated_word?: string;
  start?: number;
  end?: number;
  confidence?: number;
  language?: string;
}

interface DeepgramAlternative {
  transcript?: string;
  confidence?: number;
  words?: DeepgramWord[];
  languages?: string[];
}

/** The fields of a `Results` message Parley reads. */
export interface DeepgramResults {
  type: 'Results';
  is_final?: boolean;
  speech_final?: boolean;
  from_finalize?: boolean;
  start?: number;
  duration?: number;
  channel?: { alternatives?: DeepgramAlternative[] };
  metadata?: { request_id?: string };
}

/**
 * The alternatives of a `Results` message, times shifted by `offsetSeconds` (Deepgram counts from
 * the start of each connection; the stream counts from its own start across reconnections). Word
 * texts are the punctuated forms when punctuation or smart formatting was asked for, as the
 * transcript is.
 */
export function resultsToSpeechData(
  message: DeepgramResults,
  language: string,
  offsetSeconds: number,
  punctuated: boolean,
): stt.SpeechData[] {
  return (message.channel?.alternatives ?? []).map((alt) => {
    const words = alt.words ?? [];
    const segmentStart = (message.start ?? 0) + offsetSeconds;
    const detected = language === 'multi' ? (alt.languages?.[0] ?? language) : language;
    return {
      language: normalizeLanguage(detected),
      text: alt.transcript ?? '',
      startTime: words.length ? (words[0]!.start ?? 0) + offsetSeconds : segmentStart,
      endTime: words.length
        ? (words.at(-1)!.end ?? 0) + offsetSeconds
        : segmentStart + (message.duration ?? 0),
      confidence: alt.confidence ?? 0,
      words: words.map((w) =>
        createTimedString({
          text: (punctuated ? w.punctuated_word : undefined) || (w.word ?? ''),
          startTime: (w.start ?? 0) + offsetSeconds,
          endTime: (w.end ?? 0) + offsetSeconds,
          confidence: w.confidence ?? 0,
          startTimeOffset: offsetSeconds,
        }),
      ),
    };
  });
}
