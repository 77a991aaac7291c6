/** Tries `attempt` again (up to 10 times in all) while `retryable` says its error was a lock conflict. */
export async function retrying<T>(attempt: () => Promise<T>, retryable: (code: string | undefined) => boolean): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      if (n >= 10 || !retryable((error as { code?: string }).code)) throw error;
    }
  }
}
