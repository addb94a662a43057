/** Type declarations of like-client.js. */

/** Where a content's shown state stands against the server. */
export type SyncState =
  /** never read from the server (it could not be reached): liked and count are null unless a click waits */
  | 'unknown'
  /** what is shown is what the server has */
  | 'saved'
  /** a click is on its way */
  | 'sending'
  /** a click could not be sent and waits for a retry; `reason` says why */
  | 'waiting'
  /** the server took the click and will show it shortly (HTTP 202: its cache is down, the change is kept) */
  | 'later'
  /** the server refused the click (4xx); `reason` has its message; the server's state is shown again */
  | 'refused';

export interface ContentState {
  /** liked by the user; null while unknown */
  liked: boolean | null;
  /** how many users like it; null while unknown */
  count: number | null;
  sync: SyncState;
  /** for 'waiting': 'offline' | 'server-unavailable' | 'rate-limited'; for 'refused': the server's message */
  reason: string | null;
  /** a click on it has not been answered yet (in this tab or another) */
  pending: boolean;
}

export interface ClientStatus {
  /** whether the last request reached the server; null before the first */
  reachable: boolean | null;
  /** clicks not answered yet */
  pending: number;
  /** requests on their way now */
  sending: number;
  /** clicks that failed at least once and wait for a retry */
  waiting: number;
  /** contents whose state could not be read */
  unknown: number;
  /** contents the server took with "will show later" (202) */
  later: number;
  /** the last refused click since the last toggle, if any */
  lastRefusal: { content: string; reason: string } | null;
}

export interface LikeClientOptions {
  /** the signed-in user, a positive 64-bit id as a decimal string (or a bigint); keys the stored queue */
  userId: string | bigint;
  /** where the API lives; '' (default) for this origin */
  baseUrl?: string;
  /** sent as the X-CSRF-Token header of every POST */
  csrfToken?: string | null;
  /** more headers for every request */
  headers?: Record<string, string>;
  /** where waiting clicks are kept; localStorage by default; null keeps them in memory only */
  storage?: Storage | null;
  /** the fetch to use; the global one by default */
  fetch?: typeof fetch;
  /** first retry delay, doubled per attempt with jitter; default 1000 */
  minBackoffMs?: number;
  /** longest retry delay; default 30000 */
  maxBackoffMs?: number;
  /** how often the watched contents are read again while the page is visible; default 30000, 0 turns it off */
  refreshMs?: number;
  /** where online, focus, storage and (on its document) visibilitychange events come from; globalThis by default */
  events?: EventTarget & { document?: Document };
}

export interface LikeClientEventMap {
  /** a content's shown state changed */
  state: CustomEvent<{ content: string; state: ContentState }>;
  /** the connection or the queue changed */
  status: CustomEvent<ClientStatus>;
}

export declare class LikeClient extends EventTarget {
  constructor(options: LikeClientOptions);
  readonly userId: string;
  state(content: string): ContentState;
  status(): ClientStatus;
  pending(): number;
  load(contents: string[]): Promise<boolean>;
  watch(contents: string[]): void;
  refresh(): Promise<boolean>;
  toggle(content: string): boolean;
  retryNow(): void;
  flush(now?: boolean): void;
  close(): void;
  addEventListener<K extends keyof LikeClientEventMap>(type: K,
    listener: (event: LikeClientEventMap[K]) => void, options?: boolean | AddEventListenerOptions): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject | null,
    options?: boolean | AddEventListenerOptions): void;
}

/** 999, 1.2K, 3.4M ... for the locale (the browser's by default). */
export declare function formatCount(count: number, locales?: string | string[]): string;

/** 1,234,567 for the locale (the browser's by default). */
export declare function formatExactCount(count: number, locales?: string | string[]): string;
