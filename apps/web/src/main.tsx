import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./app";
import "./ui/styles.css";
import { useStore } from "./store";
import { applyTheme } from "./ui/theme";

performance.mark("tessera:boot");
// Before the first paint, so a dark-preferring operator never sees a light frame.
applyTheme(useStore.getState().theme);
createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
