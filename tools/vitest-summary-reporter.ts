import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';

/**
 * Prints one plain closing line, `Tests: N passed, N failed[, N skipped]`, that CI reads.
 * A test file that failed to load counts as one failure. With BATON_TEST_COUNTS set (by
 * `npm test`), the counts are also written there, so the console's Playwright run that follows
 * can close the whole suite with one line for both.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const mod of modules) {
      const tests = [...mod.children.allTests()];
      if (mod.state() === 'failed' && tests.length === 0) failed++;
      for (const t of tests) {
        const state = t.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failed++;
        else skipped++;
      }
    }
    const countsFile = process.env.BATON_TEST_COUNTS;
    if (countsFile) {
      mkdirSync(dirname(countsFile), { recursive: true });
      writeFileSync(countsFile, JSON.stringify({ passed, failed, skipped }));
    }
    console.log(`\nTests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  }
}
