import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The web app lives in src/web; the build goes to dist/web, which the console's server serves.
export default defineConfig({
  root: new URL('./src/web', import.meta.url).pathname,
  plugins: [react()],
  build: { outDir: new URL('./dist/web', import.meta.url).pathname, emptyOutDir: true, sourcemap: false },
});
