import type { transcriptEntries, turnMetrics, voiceSessions } from '../../db/schema.ts';

type SessionRow = typeof voiceSessions.$inferSelect;
type TranscriptRow = typeof transcriptEntries.$inferSelect;
type TurnRow = typeof turnMetrics.$inferSelect;

const iso = (d: Date | null) => d?.toISOString() ?? null;

/** Duration in whole seconds between start (or creation) and end; null while the call runs. */
function durationSeconds(s: SessionRow): number | null {
  if (!s.endedAt) return null;
  const start = s.startedAt ?? s.createdAt;
  return Math.max(0, Math.round((s.endedAt.getTime() - start.getTime()) / 1000));
}

/** The session fields shared by list and get. */
export function serializeSessionSummary(s: SessionRow) {
  return {
    id: s.id,
    agentId: s.agentId,
    status: s.status,
    platform: s.platform,
    direction: s.direction,
    roomName: s.roomName,
    participantIdentity: s.participantIdentity,
    metadata: s.metadata ?? {},
    createdAt: s.createdAt.toISOString(),
    expiresAt: s.expiresAt.toISOString(),
    startedAt: iso(s.startedAt),
    endedAt: iso(s.endedAt),
    endReason: s.endReason,
    durationSeconds: durationSeconds(s),
  };
}

const METRIC_NAMES = [
  'endOfSpeechToFinalTranscript',
  'llmTimeToFirstToken',
  'ttsTimeToFirstByte',
  'voiceToVoice',
] as const;

/** The q-th percentile (nearest rank) of the values, or null when there are none. */
export function percentile(values: number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** A session with its mode timeline, transcript in order and per-turn metrics with p50/p95. */
export function serializeSessionDetail(s: SessionRow, transcript: TranscriptRow[], turns: TurnRow[]) {
  const summary: Record<string, { p50: number | null; p95: number | null }> = {};
  for (const name of METRIC_NAMES) {
    const values = turns.map((t) => t[name]).filter((v): v is number => v !== null);
    summary[name] = { p50: percentile(values, 0.5), p95: percentile(values, 0.95) };
  }
  return {
    ...serializeSessionSummary(s),
    mode: s.modeTimeline,
    events: s.events,
    transcript: transcript.map((t) => ({
      role: t.role,
      text: t.text,
      startedAt: iso(t.startedAt),
      endedAt: iso(t.endedAt),
      interrupted: t.interrupted,
    })),
    metrics: {
      turns: turns.map((t) => ({
        turn: t.turn,
        mode: t.mode,
        endOfSpeechToFinalTranscript: t.endOfSpeechToFinalTranscript,
        llmTimeToFirstToken: t.llmTimeToFirstToken,
        ttsTimeToFirstByte: t.ttsTimeToFirstByte,
        voiceToVoice: t.voiceToVoice,
      })),
      summary,
    },
    usage: s.usage ?? null,
  };
}
