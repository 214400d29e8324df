/**
 * Edge adapter: reloads when a configuration file changes on disk. It watches the directories holding the
 * files rather than the files themselves, so editors' atomic renames and Kubernetes ConfigMap symlink swaps
 * (which replace the inode a file watch would follow) are seen. A reload re-creates aggregation groups and
 * resets their timers, so it runs only when the content of a configuration file really changed: every reload,
 * whatever triggered it, goes through the watcher, which compares later changes with what the running
 * configuration was read from.
 */
import { createHash } from 'node:crypto';
import { type FSWatcher, watch } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import type { KlaxonSettings } from '../config/klaxon.js';
import { expandGlob } from '../config/rules/load.js';

export interface ConfigWatchOptions {
  settings: KlaxonSettings;
  /** Template globs of the running alertmanager config (absolute, as the parser resolves them). */
  templates: () => readonly string[];
  /** Resolves to null on success, else the error (already logged and reported by the reload itself). */
  reload: () => Promise<string | null>;
  logger: Logger;
}

export interface ConfigWatcher {
  /**
   * A reload triggered elsewhere (SIGHUP, `POST /-/reload`): runs `reload` after any check in progress; when it
   * succeeds, the files it read count as loaded, so the watcher does not reload them once more.
   */
  reload(): Promise<string | null>;
  /** Stops watching and waits for a reload it started to finish. */
  close(): Promise<void>;
}

const META = /[*?[\\]/;
/** A save is several events (truncate, write, rename); one check after they settle. */
const DEBOUNCE_MS = 300;

export async function watchConfigFiles(options: ConfigWatchOptions): Promise<ConfigWatcher> {
  const { settings, logger } = options;
  const watchers = new Map<string, FSWatcher>();
  let templateGlobs = [...options.templates()];
  let lastFingerprint = await fingerprint(settings, templateGlobs);
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let rerun = false;
  let closed = false;
  // Reloads and checks run one at a time, so the fingerprint is remembered in the order configurations are applied.
  let exclusive: Promise<unknown> = Promise.resolve();
  const oneAtATime = <T>(task: () => Promise<T>): Promise<T> => {
    const result = exclusive.then(task);
    exclusive = result.catch(() => undefined);
    return result;
  };

  const onEvent = () => {
    if (closed) return;
    clearTimeout(timer);
    timer = setTimeout(schedule, DEBOUNCE_MS);
  };

  // One check at a time; events during a check run one more afterwards.
  const schedule = () => {
    if (running) {
      rerun = true;
      return;
    }
    running = oneAtATime(check)
      .catch((err: unknown) => logger.error({ err: String(err) }, 'configuration watch failed'))
      .finally(() => {
        running = undefined;
        if (rerun && !closed) {
          rerun = false;
          schedule();
        }
      });
  };

  const check = async () => {
    const current = await fingerprint(settings, templateGlobs);
    if (current === lastFingerprint) logger.debug('configuration directory changed; files unchanged, no reload');
    else if (!closed) {
      // Remembered whatever the outcome: a broken file is reported once, and fixing it reloads.
      lastFingerprint = current;
      logger.info('configuration changed on disk; reloading');
      await reloadFrom(current);
    }
    // Also without a reload: a new directory matching `rules/*/x.yml` must be watched before files land in it.
    if (!closed) await syncDirectories();
  };

  /** Reloads; on success `read` (the fingerprint taken just before) describes the running configuration. */
  const reloadFrom = async (read: string): Promise<string | null> => {
    const error = await options.reload();
    if (error !== null) return error;
    lastFingerprint = read;
    const next = [...options.templates()];
    if (next.join('\0') !== templateGlobs.join('\0')) {
      // New template globs: the files they match join the fingerprint (and their directories the watch).
      templateGlobs = next;
      lastFingerprint = await fingerprint(settings, templateGlobs);
    }
    return null;
  };

  const reloadByHand = async (): Promise<string | null> => {
    // Taken before the reload reads the files: an edit racing the reload then differs from it and is reloaded
    // once more, where a fingerprint taken afterwards could pass off content never loaded as running.
    const error = await reloadFrom(await fingerprint(settings, templateGlobs));
    if (!closed) await syncDirectories();
    return error;
  };

  const missing = new Set<string>();
  const syncDirectories = async (announce = false) => {
    const before = [...watchers.keys()].join('\0');
    const wanted = await directoriesOf(settings, templateGlobs);
    for (const [dir, watcher] of watchers) {
      if (wanted.has(dir)) continue;
      watcher.close();
      watchers.delete(dir);
    }
    for (const dir of wanted) {
      if (watchers.has(dir) || closed) continue;
      const isDir = await stat(dir).then(
        (s) => s.isDirectory(),
        () => false,
      );
      if (!isDir) {
        if (!missing.has(dir)) logger.warn({ dir }, 'configuration directory does not exist; not watching it');
        missing.add(dir);
        continue;
      }
      missing.delete(dir);
      try {
        const watcher = watch(dir, { persistent: false }, onEvent);
        watcher.on('error', (err) => {
          logger.warn({ dir, err: err.message }, 'watching a configuration directory failed; no longer watching it');
          watcher.close();
          watchers.delete(dir);
        });
        watchers.set(dir, watcher);
      } catch (err) {
        logger.warn({ dir, err: (err as Error).message }, 'cannot watch a configuration directory');
      }
    }
    if (announce || [...watchers.keys()].join('\0') !== before) {
      logger.info({ dirs: [...watchers.keys()] }, 'watching configuration directories for changes');
    }
  };

  await syncDirectories(true);
  return {
    reload: () => oneAtATime(reloadByHand),
    async close() {
      closed = true;
      clearTimeout(timer);
      for (const watcher of watchers.values()) watcher.close();
      watchers.clear();
      await running;
    },
  };
}

/** The directories whose entries can change what a reload reads. */
async function directoriesOf(settings: KlaxonSettings, templateGlobs: readonly string[]): Promise<Set<string>> {
  const dirs = new Set([path.dirname(settings.alertmanagerConfig)]);
  for (const glob of [...settings.ruleFiles, ...templateGlobs]) {
    const parent = path.dirname(glob);
    if (!META.test(parent)) {
      dirs.add(parent);
      continue;
    }
    // `a/*/rules.yml`: the static part sees new subdirectories, the matched ones their files.
    dirs.add(staticPrefix(parent));
    for (const dir of await expandGlob(parent).catch(() => [])) dirs.add(dir);
  }
  return dirs;
}

function staticPrefix(pattern: string): string {
  const segments = pattern.split(path.sep);
  const firstMeta = segments.findIndex((s) => META.test(s));
  return segments.slice(0, firstMeta).join(path.sep) || path.sep;
}

/** sha256 over every file a reload reads, sorted by path; unreadable files count by their error. */
async function fingerprint(settings: KlaxonSettings, templateGlobs: readonly string[]): Promise<string> {
  const files = new Set([settings.alertmanagerConfig]);
  const globErrors: string[] = [];
  for (const glob of [...settings.ruleFiles, ...templateGlobs]) {
    try {
      for (const file of await expandGlob(glob)) files.add(file);
    } catch (err) {
      globErrors.push(`${glob}: ${(err as Error).message}`);
    }
  }
  const hash = createHash('sha256');
  for (const error of globErrors) hash.update(`${error}\0`);
  for (const file of [...files].sort()) {
    const content = await readFile(file).catch((err: NodeJS.ErrnoException) => `unreadable: ${err.code}`);
    hash.update(`${file}\0${content.length}\0`).update(content);
  }
  return hash.digest('hex');
}
