import {
  AgentDispatch,
  AgentDispatchState,
  Job,
  JobState,
  JobStatus,
  JobType,
  ParticipantInfo_Kind,
} from '@livekit/protocol';
import type { RoomAgentDispatch } from '@livekit/protocol';
import { newId } from '../ids.ts';
import type { MediaServerLogger } from '../logger.ts';
import { errorMessage } from '../logger.ts';
import type { Room } from '../room/room.ts';
import type { RoomLifecycleListener } from '../room/room-registry.ts';
import type { TokenService } from '../tokens.ts';
import type { WorkerConnection, WorkerEvents } from './worker-connection.ts';

/** A request for an agent to join a room, and the jobs it produced. */
interface Dispatch {
  info: AgentDispatch;
  room: Room;
  /** Automatic dispatch (unnamed workers, no explicit agents configured); not listed by ListDispatch. */
  automatic: boolean;
  /** A job is being offered or runs; a dispatch gets one job. */
  assigned: boolean;
  /** Worker owning each job, by job id. */
  jobWorkers: Map<string, WorkerConnection>;
}

/**
 * Matches agent dispatches to registered workers, following LiveKit's rules: explicit dispatches
 * come from the token's room configuration, CreateRoom, or CreateDispatch; a room without any gets
 * an automatic dispatch that only workers registered without an agent name receive. Jobs are
 * terminated when their dispatch is deleted or their room closes.
 */
export class AgentDispatcher implements RoomLifecycleListener, WorkerEvents {
  private readonly workers = new Map<string, WorkerConnection>();
  private readonly dispatches = new Map<string, Dispatch>();

  constructor(
    private readonly tokens: TokenService,
    private readonly logger: MediaServerLogger,
  ) {}

  roomCreated(room: Room, agents: RoomAgentDispatch[], automatic: boolean): void {
    if (agents.length === 0 && automatic) this.add(room, '', '', true);
    for (const agent of agents) this.add(room, agent.agentName, agent.metadata, false);
  }

  roomClosed(room: Room): void {
    for (const dispatch of [...this.dispatches.values()]) {
      if (dispatch.room === room) this.remove(dispatch);
    }
  }

  registered(worker: WorkerConnection): void {
    this.workers.set(worker.id, worker);
    this.assignPending();
  }

  available(): void {
    this.assignPending();
  }

  closed(worker: WorkerConnection): void {
    this.workers.delete(worker.id);
    this.logger.info({ worker: worker.id }, 'agent worker disconnected');
  }

  /** CreateDispatch: dispatches `agentName` to an existing room. */
  create(room: Room, agentName: string, metadata: string): AgentDispatch {
    return this.add(room, agentName, metadata, false).info;
  }

  /** DeleteDispatch: terminates its jobs. Returns the deleted dispatch, if it existed in `roomName`. */
  delete(dispatchId: string, roomName: string): AgentDispatch | undefined {
    const dispatch = this.dispatches.get(dispatchId);
    if (!dispatch || dispatch.room.name !== roomName) return undefined;
    this.remove(dispatch);
    return dispatch.info;
  }

  /** ListDispatch: explicit dispatches of a room (optionally one id). */
  list(roomName: string, dispatchId = ''): AgentDispatch[] {
    return [...this.dispatches.values()]
      .filter((d) => !d.automatic && d.room.name === roomName && (!dispatchId || d.info.id === dispatchId))
      .map((d) => d.info);
  }

  /** Disconnects every worker (server shutdown). */
  closeAll(): void {
    for (const worker of this.workers.values()) worker.close();
  }

  private add(room: Room, agentName: string, metadata: string, automatic: boolean): Dispatch {
    const info = new AgentDispatch({
      id: newId('AD'),
      agentName,
      room: room.name,
      metadata,
      state: new AgentDispatchState({ jobs: [], createdAt: BigInt(Date.now()) * 1_000_000n }),
    });
    const dispatch: Dispatch = { info, room, automatic, assigned: false, jobWorkers: new Map() };
    this.dispatches.set(info.id, dispatch);
    this.logger.info({ room: room.name, dispatch: info.id, agentName, automatic }, 'agent dispatch created');
    void this.assign(dispatch);
    return dispatch;
  }

  private remove(dispatch: Dispatch): void {
    this.dispatches.delete(dispatch.info.id);
    dispatch.info.state ??= new AgentDispatchState();
    dispatch.info.state.deletedAt = BigInt(Date.now()) * 1_000_000n;
    for (const [jobId, worker] of dispatch.jobWorkers) {
      this.logger.info({ job: jobId, worker: worker.id, room: dispatch.room.name }, 'terminating agent job');
      worker.terminate(jobId);
    }
    dispatch.jobWorkers.clear();
  }

  private assignPending(): void {
    for (const dispatch of this.dispatches.values()) if (!dispatch.assigned) void this.assign(dispatch);
  }

  /** Offers the dispatch's job to matching available workers until one accepts. */
  private async assign(dispatch: Dispatch): Promise<void> {
    if (dispatch.assigned) return;
    dispatch.assigned = true;
    const tried = new Set<string>();
    try {
      for (;;) {
        const worker = [...this.workers.values()].find(
          (w) =>
            !tried.has(w.id) &&
            w.isAvailable &&
            w.jobType === JobType.JT_ROOM &&
            w.agentName === dispatch.info.agentName,
        );
        if (!worker || !this.dispatches.has(dispatch.info.id)) break;
        tried.add(worker.id);
        if (await this.offer(dispatch, worker)) return;
      }
    } catch (err) {
      this.logger.error({ dispatch: dispatch.info.id, err: errorMessage(err) }, 'agent dispatch failed');
    }
    // Nobody took it: wait for the next registration or availability change.
    dispatch.assigned = false;
  }

  private async offer(dispatch: Dispatch, worker: WorkerConnection): Promise<boolean> {
    const job = new Job({
      id: newId('AJ'),
      dispatchId: dispatch.info.id,
      type: JobType.JT_ROOM,
      room: dispatch.room.info(),
      agentName: dispatch.info.agentName,
      metadata: dispatch.info.metadata,
      state: new JobState({ status: JobStatus.JS_PENDING }),
    });
    const response = await worker.requestAvailability(job);
    if (!response?.available || dispatch.room.closed || !this.dispatches.has(dispatch.info.id)) {
      this.logger.info({ job: job.id, worker: worker.id, answered: !!response }, 'agent job not accepted');
      return false;
    }
    const identity = response.participantIdentity || `agent-${job.id}`;
    const permissions = worker.permissions;
    const token = await this.tokens.mint(worker.apiKey, {
      identity,
      name: response.participantName,
      metadata: response.participantMetadata,
      attributes: { ...response.participantAttributes },
      kind: ParticipantInfo_Kind.AGENT,
      video: {
        roomJoin: true,
        room: dispatch.room.name,
        agent: true,
        canPublish: permissions?.canPublish ?? true,
        canSubscribe: permissions?.canSubscribe ?? true,
        canPublishData: permissions?.canPublishData ?? true,
        canUpdateOwnMetadata: permissions?.canUpdateMetadata ?? true,
        hidden: permissions?.hidden ?? false,
      },
    });
    job.state = new JobState({
      status: JobStatus.JS_RUNNING,
      participantIdentity: identity,
      workerId: worker.id,
      startedAt: BigInt(Date.now()) * 1_000_000n,
    });
    dispatch.jobWorkers.set(job.id, worker);
    dispatch.info.state?.jobs.push(job);
    worker.assign(job, token);
    this.logger.info(
      { job: job.id, worker: worker.id, room: dispatch.room.name, identity },
      'agent job assigned',
    );
    return true;
  }
}
