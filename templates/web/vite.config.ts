import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The Python server (uvicorn). `npm run dev` and `npm run preview` forward its paths there,
// so the page and the API share one origin in development: no CORS set-up.
const apiServer = process.env.CHATKIT_API_SERVER ?? "http://127.0.0.1:8000";
const proxy = Object.fromEntries(["/chatkit", "/attachments", "/health", "/ready"].map((path) => [path, apiServer]));

export default defineConfig({
  plugins: [react()],
  server: { proxy },
  preview: { proxy },
});
