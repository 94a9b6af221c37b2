/**
 * Tells listeners that a workspace's change log grew. In-process only: webhook delivery reads the log itself, so a
 * missed signal costs latency (the dispatcher also polls), never a change.
 */
export class ChangeFeed {
  private readonly listeners = new Set<(workspace: string) => void>();

  /** Returns the function that unsubscribes. */
  subscribe(listener: (workspace: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  publish(workspace: string): void {
    for (const listener of this.listeners) listener(workspace);
  }
}
