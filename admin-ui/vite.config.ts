import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// `npm run dev -w admin-ui` against a local server (BATON_DEV_SERVER, default :8080): the API
// and the /console socket are proxied, so cookies stay same-origin as in production.
const target = process.env.BATON_DEV_SERVER ?? 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // antd alone is ~1 MB minified; it is cached separately from the console's own code.
    chunkSizeWarningLimit: 1500,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            { name: 'antd', test: /node_modules[\\/](antd|@ant-design|rc-|@rc-component|dayjs)/ },
            { name: 'vendor', test: /node_modules[\\/]/ },
          ],
        },
      },
    },
  },
  server: {
    proxy: {
      '/api': target,
      '/socket.io': { target, ws: true },
    },
  },
});
