/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// `npm run dev` proxies the API to a platform-server on :8080; `npm run build` writes dist/, which Maven packages
// under static/ for platform-server to serve at /.
export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
    rollupOptions: {
      output: {
        // Libraries change less often than the console: separate files stay cached across console releases.
        manualChunks: {
          react: ['react', 'react-dom', 'react-router-dom'],
          antd: ['antd'],
          charts: ['recharts'],
        },
      },
    },
  },
  server: {
    proxy: {
      '/api': 'http://127.0.0.1:8080',
    },
  },
  test: {
    environment: 'jsdom',
    globals: true,
    setupFiles: ['./src/test/setup.ts'],
    include: ['src/**/*.test.{ts,tsx}'],
    // Generous: Ant Design in jsdom is slow on a busy shared build machine.
    testTimeout: 120000,
    // Vitest leaves a core free by default, which on a 2-core build machine means one worker: the component tests are
    // CPU-bound and nothing else runs beside them in the build, so use every core (1:36 instead of 2:46 here).
    maxWorkers: '100%',
  },
});
