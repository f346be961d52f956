/**
 * Counts the hostile inputs the security suite tries. A case is "refused correctly" when its expectation
 * held; a crash is a 5xx answer or the API process dying. The suite prints one summary line.
 */
export class SecurityTally {
  tried = 0;
  refusedCorrectly = 0;
  crashes = 0;
  readonly failures: string[] = [];

  async attempt(name: string, check: () => Promise<void>): Promise<void> {
    this.tried++;
    try {
      await check();
      this.refusedCorrectly++;
    } catch (error) {
      this.failures.push(`${name}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
      throw error;
    }
  }

  /** Records an HTTP answer: any 5xx is a crash, whatever the case expected. */
  observe(status: number): number {
    if (status >= 500) this.crashes++;
    return status;
  }

  summary(): string {
    return `security: tried=${this.tried} refused_correctly=${this.refusedCorrectly} crashes=${this.crashes}`;
  }
}
