import { fireEvent, render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { Machine, PciDevice } from "@tessera/core";
import { exampleMachine } from "../test/fixtures";
import { useStore } from "../store";
import { DevicesView } from "./devices-view";

/** The example machine with `n` more NVMe functions over 64 buses. */
function manyDevices(n: number): Machine {
  const m = exampleMachine();
  const nvme = m.devices.find((d) => d.id === "0000:01:00.0") as PciDevice;
  const extra: PciDevice[] = [];
  for (let i = 0; i < n; i++) {
    const bus = (0x10 + (i % 64)).toString(16).padStart(2, "0");
    const dev = Math.floor(i / 64)
      .toString(16)
      .padStart(2, "0");
    extra.push({ ...nvme, id: `0000:${bus}:${dev}.0`, iommuGroup: 100 + i });
  }
  return { ...m, devices: [...m.devices, ...extra] };
}

describe("device table", () => {
  it("with 4096 devices keeps only the rows in view in the DOM (virtualized)", () => {
    useStore.getState().setMachine(manyDevices(4096), "f".repeat(16));
    render(<DevicesView />);
    fireEvent.click(screen.getByRole("button", { name: "Unfold all buses" }));
    const rows = screen.getByTestId("devices.pci").querySelectorAll("tbody tr[data-index]");
    expect(rows.length).toBeGreaterThan(10);
    expect(rows.length).toBeLessThan(60);
    // the first bus and its first device are there; the last device is not rendered yet
    expect(screen.getByTestId("devices.row-0000:00:02.0")).toBeTruthy();
    expect(screen.queryByTestId("devices.row-0000:4f:3f.0")).toBeNull();
  });

  it("says '1 device', not '1 devices'", () => {
    useStore.getState().setMachine(exampleMachine(), "f".repeat(16));
    render(<DevicesView />);
    expect(screen.getByTestId("devices.pci").textContent).toContain("Bus 0000:01 · 1 device");
    expect(screen.getByTestId("devices.pci").textContent).not.toContain("1 devices");
  });
});
