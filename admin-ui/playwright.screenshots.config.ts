import { defineConfig } from '@playwright/test';
import base from './playwright.config';

/** `npm run screenshots`: refreshes docs/images/console-*.png from a real server with demo data. */
export default defineConfig({ ...base, testDir: './screenshots', timeout: 120_000 });
