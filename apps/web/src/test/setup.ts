import { afterEach } from "vitest";
import { cleanup } from "@testing-library/react";
import { resetStore } from "../store";

afterEach(() => {
  cleanup();
  resetStore();
  localStorage.clear();
});
