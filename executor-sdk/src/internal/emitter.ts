/** Listener signatures by event name. */
export type EventMap<E> = { [K in keyof E]: (...args: never[]) => void };

/**
 * A small typed emitter. Unlike Node's EventEmitter, an 'error' with no listener does not
 * throw, and a throwing listener is reported instead of breaking the SDK code that emitted.
 */
export class TypedEmitter<E extends EventMap<E>> {
  private readonly listeners = new Map<keyof E, Set<E[keyof E]>>();

  constructor(private readonly onListenerError: (event: string, error: unknown) => void) {}

  on<K extends keyof E>(event: K, listener: E[K]): void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener);
  }

  off<K extends keyof E>(event: K, listener: E[K]): void {
    this.listeners.get(event)?.delete(listener);
  }

  emit<K extends keyof E>(event: K, ...args: Parameters<E[K]>): void {
    for (const listener of [...(this.listeners.get(event) ?? [])]) {
      try {
        (listener as (...a: Parameters<E[K]>) => void)(...args);
      } catch (error) {
        this.onListenerError(String(event), error);
      }
    }
  }
}
