// MetricsRecorder: buffers one row per call and writes them in batches, so no database write sits on a call's latency path.
import type { Store } from '../store/db.js';
import type { MetricsKind } from '../store/repos/metrics.js';
import { createMetricsWriter, type MetricRow } from '../store/repos/metrics-writer.js';

export interface MetricSample {
  kind: MetricsKind;
  id: string;
  /** Seconds, as the read models report them. */
  responseTime: number;
  success: boolean;
  error?: string | undefined;
  at?: Date;
}

export interface MetricsRecorder {
  record(sample: MetricSample): void;
  /** Writes everything buffered so far (tests and shutdown call it; a timer does otherwise). */
  flush(): Promise<void>;
  close(): Promise<void>;
}

export interface MetricsRecorderOptions {
  store: Store;
  flushIntervalMs?: number;
  /** A flush starts early once this many samples wait. */
  batchSize?: number;
  /** Past this many waiting samples (the database is down), new ones are dropped and counted. */
  maxBuffered?: number;
  onError?: (error: unknown, dropped: number) => void;
  /** Sees every sample as it is recorded (the Prometheus series), before buffering. */
  observe?: (sample: MetricSample) => void;
}

const MAX_ERROR_TEXT = 1000;

/** A sample as buffered: its time fixed when it was recorded, not when the batch is written. */
interface Pending {
  sample: MetricSample;
  /** Epoch ms; formatted (like the error text trimmed) only when the batch is written, off the call path. */
  atMs: number;
}

export function createMetricsRecorder(opts: MetricsRecorderOptions): MetricsRecorder {
  const writer = createMetricsWriter(opts.store);
  const batchSize = opts.batchSize ?? 500;
  const maxBuffered = opts.maxBuffered ?? 50_000;
  let buffer: Pending[] = [];
  let flushing: Promise<void> | undefined;
  let dropped = 0;
  const timer = setInterval(() => void flush(), opts.flushIntervalMs ?? 1000);
  timer.unref();

  async function writeAll(pending: Pending[]): Promise<void> {
    const byKind = new Map<MetricsKind, MetricRow[]>();
    for (const { sample, atMs } of pending) {
      const error = sample.error === undefined ? null : sample.error.slice(0, MAX_ERROR_TEXT);
      const row: MetricRow = [
        sample.id,
        new Date(atMs).toISOString(),
        sample.responseTime,
        sample.success ? 1 : 0,
        error,
      ];
      const list = byKind.get(sample.kind);
      if (list === undefined) byKind.set(sample.kind, [row]);
      else list.push(row);
    }
    for (const [kind, list] of byKind) {
      for (let i = 0; i < list.length; i += batchSize) await writer.write(kind, list.slice(i, i + batchSize));
    }
  }

  function flush(): Promise<void> {
    if (flushing !== undefined) return flushing.then(() => (buffer.length > 0 ? flush() : undefined));
    if (buffer.length === 0) return Promise.resolve();
    const taken = buffer;
    buffer = [];
    flushing = writeAll(taken)
      .catch((error: unknown) => {
        dropped += taken.length;
        opts.onError?.(error, dropped);
      })
      .finally(() => {
        flushing = undefined;
      });
    return flushing;
  }

  return {
    record(sample) {
      opts.observe?.(sample);
      if (buffer.length >= maxBuffered) {
        dropped++;
        return;
      }
      buffer.push({ sample, atMs: sample.at?.getTime() ?? Date.now() });
      if (buffer.length >= batchSize) void flush();
    },
    flush,
    async close() {
      clearInterval(timer);
      await flush();
    },
  };
}
