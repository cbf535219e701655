import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { loadExample } from "../test/fixtures";
import { standInAgent } from "../test/stand-in-agent";
import { useStore } from "../store";
import { DiagnosticsView } from "./diagnostics-view";

describe("the agent's live checks in the validation list", () => {
  it("lists what the agent adds, marked as this host's, and not what core found already", async () => {
    loadExample();
    useStore.getState().setUser({ name: "ada", role: "operator" });
    const local = useStore.getState().diagnostics[0]!;
    const agent = standInAgent({
      "POST /api/plan": {
        status: 422,
        body: {
          error: {
            code: "LAYOUT-INVALID",
            message: "The layout is not valid.",
            diagnostics: [
              {
                code: local.code,
                severity: local.severity,
                path: local.path,
                message: local.message,
              },
              {
                code: "KERNEL-MISSING",
                severity: "error",
                path: "instances[1].kernel",
                instance: "os2",
                message: "os2's kernel /boot/vmlinuz does not exist on this host.",
              },
            ],
          },
        },
      },
    });
    render(<DiagnosticsView />);
    const item = await screen.findByTestId("diagnostics.host-0", {}, { timeout: 3000 });
    expect(item.getAttribute("data-code")).toBe("KERNEL-MISSING");
    expect(item.textContent).toContain("this host");
    expect(screen.queryByTestId("diagnostics.host-1")).toBeNull();
    expect(screen.getByTestId("diagnostics.host-errors").textContent).toBe("1 from this host");
    expect(screen.queryByTestId("diagnostics.clean")).toBeNull();
    expect(agent.calls[0]!.path).toBe("/api/plan");
  });
});
