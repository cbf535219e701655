import { act, fireEvent, render, screen, within } from "@testing-library/react";
import { beforeEach, describe, expect, it } from "vitest";
import { loadExample } from "../test/fixtures";
import { useStore } from "../store";
import { CoresView } from "./cores-view";
import { DevicesView } from "./devices-view";
import { DiagnosticsView } from "./diagnostics-view";
import { DndShell } from "./dnd-shell";
import { MemoryView } from "./memory-view";
import { SelectionBar } from "./selection-bar";
import { SlotsView } from "./slots-view";
import { BootPreview } from "./boot-preview";
import { standInAgent } from "../test/stand-in-agent";
import { LoginView } from "../session/login-view";

const s = () => useStore.getState();

function renderWorkspace() {
  return render(
    <DndShell>
      <SelectionBar />
      <CoresView />
      <MemoryView />
      <DevicesView />
      <SlotsView />
      <DiagnosticsView />
    </DndShell>,
  );
}

describe("machine views", () => {
  beforeEach(() => loadExample());

  it("shows every core with its LAPIC ID and Linux CPU number, coloured by owner", () => {
    renderWorkspace();
    const cell = screen.getByTestId("cores.cell-16");
    expect(cell.textContent).toBe("16cpu4");
    expect(cell.getAttribute("aria-label")).toMatch(
      /socket 1.*node 1.*SMT siblings 16, 17.*owned by os3/,
    );
    expect(cell.className).toContain("owned");
    expect(within(screen.getByTestId("cores.socket-0")).getAllByRole("option")).toHaveLength(8);
  });

  it("selects one core, a run with shift-click across the LAPIC gap, and toggles with ctrl", () => {
    renderWorkspace();
    const tap = (id: number, init: Record<string, unknown> = {}) => {
      fireEvent.pointerDown(screen.getByTestId(`cores.cell-${id}`), {
        clientX: 10,
        clientY: 10,
        button: 0,
        isPrimary: true,
        ...init,
      });
      fireEvent.pointerUp(screen.getByTestId(`cores.cell-${id}`), {
        clientX: 10,
        clientY: 10,
        ...init,
      });
    };
    tap(6);
    tap(17, { shiftKey: true });
    expect(Object.keys(s().selectedCpus).map(Number)).toEqual([6, 7, 16, 17]);
    tap(7, { ctrlKey: true });
    expect(Object.keys(s().selectedCpus).map(Number)).toEqual([6, 16, 17]);
    expect(screen.getByTestId("selection.summary").textContent).toBe(
      "3 cores selected (LAPIC 6, 16-17)",
    );
  });

  it("keyboard: arrows move, shift+arrows extend, Assign to… gives the run to a slot, validated first", () => {
    renderWorkspace();
    const first = screen.getByTestId("cores.cell-0");
    expect(first.tabIndex).toBe(0);
    first.focus();
    fireEvent.keyDown(first, { key: "End" });
    expect(document.activeElement).toBe(screen.getByTestId("cores.cell-23"));
    fireEvent.keyDown(document.activeElement!, { key: " " });
    fireEvent.keyDown(document.activeElement!, { key: "ArrowLeft", shiftKey: true });
    expect(Object.keys(s().selectedCpus).map(Number)).toEqual([22, 23]);
    fireEvent.change(screen.getByTestId("selection.assign-target"), { target: { value: "1" } });
    // taking 22-23 from os3 into os2 breaks os2's run: the bar says why before assigning
    expect(screen.getByTestId("selection.verdict").textContent).toMatch(/CPU-CONTIGUOUS/);
    fireEvent.change(screen.getByTestId("selection.assign-target"), { target: { value: "2" } });
    expect(screen.getByTestId("selection.verdict").textContent).toMatch(/valid/);
    fireEvent.click(screen.getByTestId("selection.assign"));
    expect(s().draft.instances[2]!.cpus).toContain(23);
  });

  it("draws the memory map with e820 types, holes, the 1 MiB line and instance ranges", () => {
    renderWorkspace();
    fireEvent.click(screen.getByTestId("memory.zoom-low"));
    expect(screen.getByTestId("memory.seg-0x0").className).toContain("t-usable");
    expect(screen.getByTestId("memory.seg-0xa_0000").className).toContain("t-hole");
    expect(screen.getByText("1 MiB")).toBeTruthy();
    // the example profile sets no low slices: the planner's are shown, marked as planned
    expect(screen.getByTestId("memory.low-os2").getAttribute("title")).toBe(
      "os2 low slice 0x8_0000 (64 KiB), planned automatically",
    );
    fireEvent.click(screen.getByTestId("memory.zoom-all"));
    expect(screen.getByTestId("memory.range-os2-0").getAttribute("title")).toBe(
      "os2: 0x1_0000_0000–0x2_ffff_ffff (8 GiB)",
    );
    expect(screen.getByTestId("memory.window").textContent).toMatch(/^0x0 – 0x10_8000_0000/);
  });

  it("resizes a range from the keyboard in 2 MiB steps (Shift: 1 GiB), each step undoable", () => {
    renderWorkspace();
    const end = screen.getByTestId("memory.handle-r-os2-0");
    fireEvent.keyDown(end, { key: "ArrowRight" });
    expect(s().draft.instances[1]!.memory[0]).toEqual({ start: 0x100000000n, size: 0x200200000n });
    fireEvent.keyDown(screen.getByTestId("memory.handle-l-os2-0"), {
      key: "ArrowRight",
      shiftKey: true,
    });
    expect(s().draft.instances[1]!.memory[0]).toEqual({ start: 0x140000000n, size: 0x1c0200000n });
    act(() => s().undo());
    act(() => s().undo());
    expect(s().draft.instances[1]!.memory[0]).toEqual({ start: 0x100000000n, size: 0x200000000n });
  });

  it("selects a range by typing it and assigns it from the keyboard", () => {
    renderWorkspace();
    fireEvent.change(screen.getByTestId("memory.entry-start"), {
      target: { value: "0x300000000" },
    });
    fireEvent.change(screen.getByTestId("memory.entry-size"), { target: { value: "2G" } });
    fireEvent.click(screen.getByTestId("memory.entry-select"));
    expect(screen.getByTestId("selection.summary").textContent).toBe(
      "Range 0x3_0000_0000–0x3_7fff_ffff (2 GiB)",
    );
    fireEvent.change(screen.getByTestId("selection.assign-target"), { target: { value: "2" } });
    fireEvent.click(screen.getByTestId("selection.assign"));
    expect(s().draft.instances[2]!.memory).toContainEqual({
      start: 0x300000000n,
      size: 0x80000000n,
    });
  });

  it("lists PCI devices by bus with interrupt mode, IOMMU group and owner; legacy beside", () => {
    renderWorkspace();
    const nvme = screen.getByTestId("devices.row-0000:01:00.0");
    expect(nvme.textContent).toMatch(/Non-Volatile memory controller/);
    expect(nvme.textContent).toMatch(/MSI-X \+ MSI/);
    expect(nvme.textContent).toMatch(/os2/);
    expect(screen.getByTestId("devices.row-serial@0x3f8").textContent).toMatch(/0x3f8/);
    fireEvent.click(within(nvme).getByRole("button", { name: /Facts of/ }));
    expect(screen.getByTestId("devices.facts-0000:01:00.0").textContent).toMatch(/144d:a808/);
    fireEvent.click(screen.getByTestId("devices.check-serial@0x2f8"));
    fireEvent.change(screen.getByTestId("selection.assign-target"), { target: { value: "2" } });
    fireEvent.click(screen.getByTestId("selection.assign"));
    expect(s().draft.instances[2]!.devices).toContain("serial@0x2f8");
  });
});

describe("slots and diagnostics", () => {
  beforeEach(() => loadExample());

  it("adds, renames and removes slots; every edit undoes", () => {
    renderWorkspace();
    fireEvent.click(screen.getByTestId("slots.add"));
    expect(screen.getByTestId("slot.os4")).toBeTruthy();
    fireEvent.change(screen.getByTestId("slot.name-3"), { target: { value: "batch" } });
    expect(screen.getByTestId("slot.batch")).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Move batch up" }));
    expect(s().draft.instances.map((i) => i.name)).toEqual(["os1", "os2", "batch", "os3"]);
    fireEvent.click(screen.getByRole("button", { name: "Move batch down" }));
    fireEvent.click(screen.getByTestId("slot.remove-3"));
    expect(screen.queryByTestId("slot.batch")).toBeNull();
    act(() => s().undo());
    expect(screen.getByTestId("slot.batch")).toBeTruthy();
  });

  it("shows each finding on its slot and in the list; a click jumps to its subject", () => {
    renderWorkspace();
    act(() =>
      s().edit((p) => ({
        ...p,
        instances: p.instances.map((i, k) => (k === 1 ? { ...i, cpus: [4, 6, 7] } : i)),
      })),
    );
    const item = screen
      .getAllByTestId(/diagnostics\.item-/)
      .find((b) => b.dataset.code === "CPU-CONTIGUOUS")!;
    expect(item.textContent).toMatch(/5 lies between them/);
    expect(screen.getByTestId("slot.diagnostics-1").textContent).toMatch(/CPU-CONTIGUOUS/);
    expect(screen.getByTestId("diagnostics.errors").textContent).toBe("1 errors");
    fireEvent.click(item);
    expect(s().focus).toMatchObject({ kind: "cpu" });
  });

  // The agent's answer is a stand-in here (jsdom has no agent); the agent's own route test
  // (apps/agent/src/routes/api/plan/plan-commands.test.ts) and the e2e journeys are the proof.
  const agentPlan = {
    loader: "mint",
    mode: "run",
    commands: [
      {
        name: "os2",
        load: [["/opt/site/kexec", "-l", "/boot/vmlinuz", "--mem-min=0x100000000"]],
        start: [["/opt/site/kexec", "-e", "--apic-id=4"]],
        problem: null,
      },
      {
        name: "os3",
        load: null,
        start: [["/opt/site/kexec", "-e", "--apic-id=16"]],
        problem: "instance os3 has no kernel: set instances[].kernel in the profile",
      },
    ],
    script: null,
    scriptProblem: "instance os3 has no kernel: set instances[].kernel in the profile",
  };

  it("the boot preview shows OS1's command line and GRUB entry, and each successor's loader argv from the agent", async () => {
    const agent = standInAgent({ "POST /api/plan": { status: 200, body: agentPlan } });
    // What the running OS1 booted with (the agent's GET /api/os1/boot).
    s().setOs1({
      os1Boot: {
        cmdline: "BOOT_IMAGE=/boot/vmlinuz-6.1 root=/dev/sda2",
        kernel: "/boot/vmlinuz-6.1",
        initrd: "/boot/initrd.img-6.1",
        root: "/dev/sda2",
        problems: [],
      },
      os1Report: null,
      os1Error: null,
    });
    render(<BootPreview />);
    expect(screen.getByTestId("boot.os1-cmdline").textContent).toMatch(
      /^root=\/dev\/sda2 maxcpus=4/,
    );
    expect(screen.getByTestId("boot.os1-grub").textContent).toMatch(
      /menuentry .*\n\tlinux\t'\/boot\/vmlinuz-6.1' 'root=\/dev\/sda2' 'maxcpus=4'.*\n\tinitrd\t'\/boot\/initrd.img-6.1'\n}$/,
    );
    expect(screen.getByTestId("boot.os2-cmdline").textContent).toMatch(/nokaslr/);
    expect(await screen.findByTestId("boot.os2-argv")).toHaveProperty(
      "textContent",
      "/opt/site/kexec -l /boot/vmlinuz --mem-min=0x100000000",
    );
    expect(screen.getByTestId("boot.os3-start").textContent).toBe(
      "/opt/site/kexec -e --apic-id=16",
    );
    expect(screen.getByTestId("boot.os3-argv-problem").textContent).toMatch(/os3 has no kernel/);
    expect(agent.calls[0]).toMatchObject({
      method: "POST",
      path: "/api/plan",
      body: { format: "sh" },
    });
  });

  it("shows why there is no GRUB entry while OS1's kernel and root are unknown, never a placeholder", () => {
    standInAgent({ "POST /api/plan": { status: 200, body: agentPlan } });
    render(<BootPreview />);
    expect(screen.queryByTestId("boot.os1-grub")).toBeNull();
    expect(screen.getByTestId("boot.os1-grub-unknown").textContent).toMatch(
      /^os1's kernel and root are not set in the profile and not known from the running OS1/,
    );
  });

  it("shows what the direct loader writes and the helper's IPIs instead of load commands", async () => {
    const lines = [
      "load: write os2 into 0x40000000-0x5fffffff through /dev/mem: zero page at 0x40000000 ...",
      "start: ... INIT, 10 ms, STARTUP 0x9a, 200 us, STARTUP 0x9a to LAPIC 4.",
    ];
    standInAgent({
      "POST /api/plan": {
        status: 200,
        body: {
          loader: "direct",
          mode: "template",
          commands: [
            {
              name: "os2",
              load: [],
              start: [["<tessera-apic>", "--mem", "/dev/mem", "4:0x4500:10000"]],
              problem: null,
              direct: {
                writes: [{ what: "zero page", address: "0x40000000", bytes: 4096, from: "x" }],
                mpTable: { pointer: "0x380", config: "0x390", cpus: [4, 5, 6, 7], bsp: 4 },
                lines,
              },
            },
            {
              name: "os3",
              load: null,
              start: [],
              problem: "the kernel would end at 0x104198000, above 4 GiB",
            },
          ],
          script: null,
          scriptProblem: "the kernel would end at 0x104198000, above 4 GiB",
        },
      },
    });
    render(<BootPreview />);
    expect(await screen.findByTestId("boot.os2-direct")).toHaveProperty(
      "textContent",
      lines.join("\n"),
    );
    expect(screen.queryByTestId("boot.os2-argv")).toBeNull();
    expect(screen.getByTestId("boot.os2-start").textContent).toBe(
      "'<tessera-apic>' --mem /dev/mem 4:0x4500:10000",
    );
    expect(screen.getByTestId("boot.os3-argv-problem").textContent).toMatch(/above 4 GiB/);
    expect(screen.queryByTestId("boot.os3-start")).toBeNull();
  });

  it("offers no script download while the agent says a successor lacks a kernel, and says why", async () => {
    standInAgent({ "POST /api/plan": { status: 200, body: agentPlan } });
    render(<BootPreview />);
    expect(await screen.findByTestId("boot.download-problem")).toHaveProperty(
      "textContent",
      agentPlan.scriptProblem,
    );
    expect(screen.getByTestId("boot.download")).toHaveProperty("disabled", true);
  });

  it("shows each successor only its own reasons when the agent refuses the plan with live facts", async () => {
    const diag = (instance: string, message: string) => ({
      code: "FILE-MISSING",
      severity: "error",
      path: "x",
      instance,
      message,
      hint: "h",
    });
    standInAgent({
      "POST /api/plan": {
        status: 422,
        body: {
          error: {
            code: "LAYOUT-INVALID",
            message: "The layout is not valid.",
            diagnostics: [diag("os2", "os2's kernel /k is missing.")],
          },
        },
      },
    });
    render(<BootPreview />);
    expect((await screen.findByTestId("boot.os2-argv-error")).textContent).toBe(
      "The agent refuses this plan: os2's kernel /k is missing.",
    );
    expect(screen.getByTestId("boot.os3-argv-error").textContent).toBe(
      "The agent refuses this plan because of os2.",
    );
  });

  it("shows the agent's error where the loader argv would be, never a guessed argv", async () => {
    standInAgent({
      "POST /api/plan": {
        status: 500,
        body: { error: { code: "INTERNAL", message: "The agent failed: see its log." } },
      },
    });
    render(<BootPreview />);
    expect((await screen.findByTestId("boot.os2-argv-error")).textContent).toMatch(/agent failed/);
    expect(screen.queryByTestId("boot.os2-argv")).toBeNull();
  });

  it("the boot preview refuses while the layout has errors", () => {
    s().edit((p) => ({
      ...p,
      instances: p.instances.map((i, k) => (k === 1 ? { ...i, cpus: [4, 6] } : i)),
    }));
    render(<BootPreview />);
    expect(screen.getByTestId("boot.blocked")).toBeTruthy();
  });
});

describe("sign-in", () => {
  it("offers a user name, a hidden password and a Sign in button", () => {
    render(<LoginView />);
    expect(screen.getByTestId("login.username")).toBeTruthy();
    expect((screen.getByTestId("login.password") as HTMLInputElement).type).toBe("password");
    expect(screen.getByTestId("login.submit").textContent).toBe("Sign in");
  });
});
