import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// In development the Vite server serves the console and forwards /api (HTTP and the
// WebSocket at /api/ws) to the agent. TESSERA_AGENT overrides the agent's address.
const agent = process.env.TESSERA_AGENT ?? "http://127.0.0.1:7443";

export default defineConfig({
  plugins: [react()],
  server: {
    host: "127.0.0.1",
    port: 5173,
    proxy: {
      "/api": { target: agent, changeOrigin: false, ws: true },
    },
  },
  build: {
    outDir: "dist",
    sourcemap: true,
    chunkSizeWarningLimit: 800,
  },
});
