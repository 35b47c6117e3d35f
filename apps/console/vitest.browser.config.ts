import { defineConfig } from 'vitest/config';
import shared from '../../vitest.shared.ts';

/** The browser test alone (Chromium at /usr/bin/chromium, the whole system): `npx vitest run --config vitest.browser.config.ts`. */
export default defineConfig({ ...shared, test: { ...shared.test, include: ['tools/test/**/*.spec.ts'] } });
