import {
  AvailabilityRequest,
  JobAssignment,
  JobTermination,
  JobType,
  RegisterWorkerResponse,
  ServerMessage,
  WorkerMessage,
  WorkerPong,
  WorkerStatus,
} from '@livekit/protocol';
import type { AvailabilityResponse, Job, ParticipantPermission } from '@livekit/protocol';
import type { WebSocket } from 'ws';
import { newId } from '../ids.ts';
import type { MediaServerLogger } from '../logger.ts';
import { errorMessage } from '../logger.ts';
import { serverInfo } from '../server-info.ts';

/** How long a worker has to answer an availability request; generous, as job processes start slowly on loaded machines. */
const availabilityTimeoutMs = 10_000;

/** Callbacks from a worker connection to the dispatcher. */
export interface WorkerEvents {
  registered(worker: WorkerConnection): void;
  available(worker: WorkerConnection): void;
  closed(worker: WorkerConnection): void;
}

/**
 * One agent worker connected on `/agent` (protocol in `livekit_agent.proto`): it registers,
 * reports load, and answers availability requests; we assign and terminate jobs.
 */
export class WorkerConnection {
  readonly id = newId('AW');
  registered = false;
  agentName = '';
  jobType = JobType.JT_ROOM;
  status = WorkerStatus.WS_AVAILABLE;
  permissions: ParticipantPermission | undefined;
  private readonly pending = new Map<string, (response: AvailabilityResponse | undefined) => void>();

  constructor(
    private readonly ws: WebSocket,
    /** API key of the worker's token; job tokens are signed with its secret. */
    readonly apiKey: string,
    private readonly events: WorkerEvents,
    private readonly logger: MediaServerLogger,
  ) {
    ws.on('message', (data, isBinary) => {
      try {
        if (!isBinary) throw new Error('text frame');
        const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
        this.handle(WorkerMessage.fromBinary(bytes));
      } catch (err) {
        this.logger.warn({ worker: this.id, err: errorMessage(err) }, 'malformed worker message; closing');
        ws.close(1003);
      }
    });
    ws.on('error', (err) =>
      this.logger.warn({ worker: this.id, err: errorMessage(err) }, 'worker socket error'),
    );
    ws.on('close', () => {
      for (const resolve of this.pending.values()) resolve(undefined);
      this.pending.clear();
      this.events.closed(this);
    });
  }

  /** True when the worker can take a new job. */
  get isAvailable(): boolean {
    return (
      this.registered && this.status === WorkerStatus.WS_AVAILABLE && this.ws.readyState === this.ws.OPEN
    );
  }

  /** Offers `job`; resolves with the worker's answer, or undefined on timeout or disconnect. */
  requestAvailability(job: Job): Promise<AvailabilityResponse | undefined> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(job.id);
        resolve(undefined);
      }, availabilityTimeoutMs);
      this.pending.set(job.id, (response) => {
        clearTimeout(timer);
        resolve(response);
      });
      this.send({ case: 'availability', value: new AvailabilityRequest({ job }) });
    });
  }

  /** Assigns an accepted job; the worker's job process joins with `token`. */
  assign(job: Job, token: string): void {
    this.send({ case: 'assignment', value: new JobAssignment({ job, token }) });
  }

  /** Tells the worker to end a job (its process leaves the room and exits). */
  terminate(jobId: string): void {
    this.send({ case: 'termination', value: new JobTermination({ jobId }) });
  }

  /** Closes the connection. */
  close(): void {
    this.ws.close(1001);
  }

  private send(message: ServerMessage['message']): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.send(new ServerMessage({ message }).toBinary());
  }

  private handle(message: WorkerMessage): void {
    const m = message.message;
    switch (m.case) {
      case 'register':
        if (this.registered) return;
        this.registered = true;
        this.agentName = m.value.agentName;
        this.jobType = m.value.type;
        this.permissions = m.value.allowedPermissions;
        this.send({
          case: 'register',
          value: new RegisterWorkerResponse({
            workerId: this.id,
            serverInfo: serverInfo(),
          }),
        });
        this.logger.info(
          {
            worker: this.id,
            agentName: this.agentName,
            jobType: JobType[this.jobType],
            version: m.value.version,
          },
          'agent worker registered',
        );
        this.events.registered(this);
        return;
      case 'availability': {
        const resolve = this.pending.get(m.value.jobId);
        this.pending.delete(m.value.jobId);
        resolve?.(m.value);
        return;
      }
      case 'updateWorker':
        if (m.value.status !== undefined) this.status = m.value.status;
        // Workers report every few seconds; each report retries dispatches nobody has taken yet
        // (e.g. after an availability request timed out).
        if (this.isAvailable) this.events.available(this);
        return;
      case 'updateJob':
        this.logger.debug({ worker: this.id, job: m.value.jobId, status: m.value.status }, 'job status');
        return;
      case 'ping':
        this.send({
          case: 'pong',
          value: new WorkerPong({ lastTimestamp: m.value.timestamp, timestamp: BigInt(Date.now()) }),
        });
        return;
      default:
        this.logger.debug({ worker: this.id, message: m.case }, 'ignored worker message');
    }
  }
}
