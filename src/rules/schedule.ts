import { xxhash64 } from './xxhash64.js';

const encoder = new TextEncoder();

/**
 * Phase of a group's slot grid in ms (§2.1): xxhash64 of `file 0xFF <file> 0xFF name 0xFF <name> 0xFF`
 * (Prometheus' `labels.Hash` of {file, name}) modulo the interval in nanoseconds, truncated to ms.
 */
export function groupOffsetMs(file: string, name: string, intervalMs: number): number {
  const parts = [encoder.encode('file'), encoder.encode(file), encoder.encode('name'), encoder.encode(name)];
  const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length + 1, 0));
  let at = 0;
  for (const p of parts) {
    bytes.set(p, at);
    at += p.length;
    bytes[at++] = 0xff;
  }
  const ns = xxhash64(bytes) % (BigInt(intervalMs) * 1_000_000n);
  return Number(ns / 1_000_000n);
}

/** The latest grid point at or before `t`: `(t−offset) − ((t−offset) mod interval) + offset`. */
export function slotAt(t: number, intervalMs: number, offsetMs: number): number {
  const adj = t - offsetMs;
  const mod = ((adj % intervalMs) + intervalMs) % intervalMs;
  return adj - mod + offsetMs;
}

/** First evaluation of a (re)started group: the slot after the current one, never immediately (§2.1). */
export function firstSlotAfterStart(now: number, intervalMs: number, offsetMs: number): number {
  return slotAt(now, intervalMs, offsetMs) + intervalMs;
}

/**
 * Iterations skipped between the last evaluated slot and the slot `ts` about to run (§2.1:
 * `floor((now − lastTs)/interval) − 1`, never negative). 0 when nothing ran before.
 */
export function missedIterations(lastTs: number, ts: number, intervalMs: number): number {
  if (lastTs <= 0) return 0;
  return Math.max(0, Math.floor((ts - lastTs) / intervalMs) - 1);
}
