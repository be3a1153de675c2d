/**
 * Runs every clean-up step even when an earlier one fails (so a nats-server is never left
 * behind because a hub or a console failed to stop), then throws the first failure.
 */
export async function disposeAll(...steps: Array<(() => unknown) | undefined>): Promise<void> {
  let first: unknown;
  for (const step of steps) {
    try {
      await step?.();
    } catch (err) {
      first ??= err;
    }
  }
  if (first !== undefined) throw first;
}
