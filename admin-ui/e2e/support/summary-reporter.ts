import { existsSync, readFileSync, rmSync } from 'node:fs';
import type { FullResult, Reporter, TestCase, TestResult } from '@playwright/test/reporter';

interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}

/**
 * Closes the run with the plain line CI reads, `Tests: N passed, N failed[, N skipped]`. Under
 * `npm test` (BATON_TEST_COUNTS names the file the Vitest run left) the line covers the Vitest
 * suite and these browser tests together, so it stays the suite's single closing line.
 */
export default class SummaryReporter implements Reporter {
  private readonly e2e: Counts = { passed: 0, failed: 0, skipped: 0 };

  onTestEnd(test: TestCase, result: TestResult): void {
    // Only a test's last attempt counts (retries are off, but stay correct if turned on).
    if (result.retry < test.retries && result.status !== 'passed' && result.status !== 'skipped') return;
    if (result.status === 'passed') this.e2e.passed++;
    else if (result.status === 'skipped') this.e2e.skipped++;
    else this.e2e.failed++;
  }

  onEnd(result: FullResult): void {
    const total = { ...this.e2e };
    // An interrupted or broken run (e.g. a beforeAll that failed) must not read as green.
    if (result.status !== 'passed' && total.failed === 0) total.failed = 1;
    const file = process.env.BATON_TEST_COUNTS;
    if (file && existsSync(file)) {
      const unit = JSON.parse(readFileSync(file, 'utf8')) as Counts;
      rmSync(file);
      total.passed += unit.passed;
      total.failed += unit.failed;
      total.skipped += unit.skipped;
      console.log(`\nConsole e2e: ${this.e2e.passed} passed, ${this.e2e.failed} failed${this.e2e.skipped ? `, ${this.e2e.skipped} skipped` : ''}`);
    }
    console.log(`\nTests: ${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ''}`);
  }
}
