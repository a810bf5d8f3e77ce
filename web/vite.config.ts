/**
 * The admin page's build (Vite + @vitejs/plugin-vue). `npm run build:web` (run by
 * scripts/setup.sh whenever web/ or domain/ changed) writes dist/web/, which the API serves
 * (client/web/routes.ts). The page imports the shared domain code (names, schemas, money,
 * calendar) from ../domain directly: one dictionary, one set of schemas for page and server.
 */
import vue from '@vitejs/plugin-vue';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/',
  plugins: [vue()],
  // vue-i18n's feature flags: the Composition API only, no devtools in production.
  define: { __VUE_I18N_FULL_INSTALL__: true, __VUE_I18N_LEGACY_API__: false, __INTLIFY_PROD_DEVTOOLS__: false },
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 2_000,
    sourcemap: false,
    rollupOptions: {
      output: {
        manualChunks(id: string) {
          if (id.includes('node_modules/echarts') || id.includes('node_modules/zrender')) return 'charts';
          if (id.includes('node_modules/element-plus') || id.includes('node_modules/@element-plus')) return 'element';
          if (id.includes('node_modules/')) return 'vendor';
          return undefined;
        },
      },
    },
  },
  server: { fs: { allow: [fileURLToPath(new URL('..', import.meta.url))] } },
});
