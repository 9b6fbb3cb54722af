import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The web app is built into dist/ and served by the companion (src/server).
// `vite` alone also serves it: lessons then play from recorded traces.
export default defineConfig({
  plugins: [react()],
  root: '.',
  publicDir: 'public',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    target: 'es2022',
  },
});
