/** The SIP gateway's entry point: builds it from the parsed configuration. */
import type { Logger } from 'pino';
import type { Config } from '../config/index.ts';
import type { Database } from '../db/client.ts';
import type { LiveKitTarget } from '../livekit/credentials.ts';
import { probeLocalRuntime } from '../providers/local-runtime.ts';
import { startSipGateway, type SipGateway } from './gateway.ts';

export type { SipGateway } from './gateway.ts';

/**
 * Starts the gateway on `SIP_HOST:SIP_PORT` (UDP and TCP; port 0 picks a free one) with sessions
 * minted for `livekit`.
 */
export function startSipFromConfig(opts: {
  config: Config;
  database: Database;
  livekit: LiveKitTarget;
  logger: Logger;
}): Promise<SipGateway> {
  const { config } = opts;
  return startSipGateway({
    db: opts.database.db,
    sessions: {
      livekit: opts.livekit,
      tokenTtlSeconds: config.SESSION_TOKEN_TTL_SECONDS,
      runtime: probeLocalRuntime(),
    },
    logger: opts.logger,
    host: config.SIP_HOST,
    port: config.SIP_PORT,
    publicHost: config.publicHost,
    trustedCidrs: config.SIP_TRUSTED_CIDRS,
    maxCalls: config.SIP_MAX_CALLS,
    rtpPortMin: config.SIP_RTP_PORT_MIN,
    rtpPortMax: config.SIP_RTP_PORT_MAX,
    rtpTimeoutMs: config.SIP_RTP_TIMEOUT_SECONDS * 1000,
    defaultCountryCode: config.SIP_DEFAULT_COUNTRY_CODE,
  });
}

/** The banner line `parley start` and `parley sip` print (tests parse the port from it). */
export function sipBannerLine(config: Config, port: number): string {
  return `  SIP         udp+tcp ${config.publicHost}:${port}`;
}
