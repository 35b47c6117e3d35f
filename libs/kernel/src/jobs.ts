/**
 * Time-driven jobs a service registers (trial sweep, daily evaluation, trust-unblock expiry…),
 * so that whoever moves its clock (the embedded system's demo clock) can run them all at once
 * instead of waiting for their timers. Each job runs to completion; one failing does not stop
 * the others.
 */
export interface ScheduledJobs {
  register(name: string, run: () => Promise<unknown>): void;
}

export interface JobOutcome {
  readonly name: string;
  readonly ok: boolean;
  /** The error's message when it failed. */
  readonly error?: string;
}

export class JobRegistry implements ScheduledJobs {
  readonly #jobs = new Map<string, () => Promise<unknown>>();

  register(name: string, run: () => Promise<unknown>): void {
    if (this.#jobs.has(name)) throw new Error(`a scheduled job named ${name} is already registered`);
    this.#jobs.set(name, run);
  }

  names(): string[] {
    return [...this.#jobs.keys()];
  }

  /** Run every job once, one after the other, in registration order. */
  async runAll(): Promise<JobOutcome[]> {
    const outcomes: JobOutcome[] = [];
    for (const [name, run] of this.#jobs) {
      try {
        await run();
        outcomes.push({ name, ok: true });
      } catch (error) {
        outcomes.push({ name, ok: false, error: error instanceof Error ? error.message : String(error) });
      }
    }
    return outcomes;
  }
}
