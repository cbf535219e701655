// OS1's stale notice and GRUB dialog against a stand-in agent (jsdom has none; the real agent
// and GRUB's real tools are in e2e/tests/os1-entry.spec.ts).
import { act, fireEvent, render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { standInAgent } from "../test/stand-in-agent";
import { useStore } from "../store";
import { GrubDialog } from "./grub-dialog";
import { Os1Notice } from "./os1-notice";
import { openGrubDialog } from "./os1-actions";

const boot = {
  cmdline: "BOOT_IMAGE=/boot/vmlinuz-6.1 root=/dev/sda2 quiet",
  kernel: "/boot/vmlinuz-6.1",
  initrd: "/boot/initrd.img-6.1",
  root: "/dev/sda2",
  problems: [],
};
const stale = {
  cmdline: boot.cmdline,
  expected: ["maxcpus=4", "mem=4G"],
  matches: false,
  differences: [
    { option: "maxcpus", running: [], planned: ["4"] },
    { option: "mem", running: ["8G"], planned: ["4G"] },
  ],
  message:
    "OS1 runs with no maxcpus, the profile gives it 4 cores: install OS1's Tessera boot entry and reboot OS1 into it. (2 options differ.)",
};
const preview = {
  id: "tessera-p",
  found: true,
  file: "/etc/grub.d/42_tessera",
  content: "#!/bin/sh\nmenuentry 'Tessera: p (os1)' --id 'tessera-p' {\n}\n",
  diff: "--- /dev/null\n+++ b/etc/grub.d/42_tessera\n+menuentry 'Tessera: p (os1)'\n",
  manual: null,
};

describe("OS1's stale notice", () => {
  it("names the options that differ, their values, and what to do", async () => {
    standInAgent({
      "GET /api/os1/boot": { status: 200, body: boot },
      "GET /api/os1": { status: 200, body: stale },
    });
    render(<Os1Notice />);
    expect((await screen.findByTestId("os1.stale-summary")).textContent).toBe(
      "Options that differ: maxcpus, mem",
    );
    expect(screen.getByTestId("os1.stale-options").textContent).toContain(
      "mem: OS1 runs with mem=8G; the profile plans mem=4G",
    );
    expect(screen.getByTestId("os1.stale").textContent).toContain(
      "What to do: install OS1's boot entry",
    );
  });

  it("stays away while OS1 runs the profile's options", async () => {
    const agent = standInAgent({
      "GET /api/os1/boot": { status: 200, body: boot },
      "GET /api/os1": { status: 200, body: { ...stale, matches: true, differences: [] } },
    });
    render(<Os1Notice />);
    await act(async () => {
      await Promise.resolve();
    });
    expect(agent.calls.map((c) => c.path)).toContain("/api/os1");
    expect(screen.queryByTestId("os1.stale")).toBeNull();
  });
});

describe("OS1's GRUB dialog", () => {
  it("lets an admin install, then boot it once, and shows the commands the agent ran", async () => {
    let installed = false;
    const agent = standInAgent({
      "GET /api/grub": () => ({
        status: 200,
        body: installed ? { ...preview, diff: "" } : preview,
      }),
      "POST /api/grub/install": () => {
        installed = true;
        return {
          status: 200,
          body: {
            installed: true,
            file: preview.file,
            backup: null,
            commands: [["grub-script-check", "/x"]],
          },
        };
      },
      "POST /api/grub/boot-once": {
        status: 200,
        body: { id: "tessera-p", commands: [["grub-reboot", "tessera-p"]] },
      },
      "GET /api/os1/boot": { status: 200, body: boot },
      "GET /api/os1": { status: 200, body: stale },
    });
    useStore.getState().setUser({ name: "ada", role: "admin" });
    render(<GrubDialog />);
    act(() => openGrubDialog());
    expect((await screen.findByTestId("grub.diff")).textContent).toContain("+menuentry");
    expect(screen.getByTestId("grub.boot-once")).toHaveProperty("disabled", true);
    fireEvent.click(screen.getByTestId("grub.install"));
    expect((await screen.findByTestId("grub.ran-install")).textContent).toContain(
      "grub-script-check /x",
    );
    expect(agent.calls.find((c) => c.path === "/api/grub/install")?.body).toEqual({
      oneTime: false,
    });
    await screen.findByText("Installed");
    fireEvent.click(screen.getByTestId("grub.boot-once"));
    expect((await screen.findByTestId("grub.ran-once")).textContent).toContain(
      "grub-reboot tessera-p",
    );
  });

  it("shows an operator the diff with Install and Boot once disabled, saying why", async () => {
    const agent = standInAgent({ "GET /api/grub": { status: 200, body: preview } });
    useStore.getState().setUser({ name: "olga", role: "operator" });
    render(<GrubDialog />);
    act(() => openGrubDialog());
    await screen.findByTestId("grub.diff");
    const reason =
      "You are signed in as an operator: only an admin may install OS1's boot entry. Ask an admin to change your role.";
    expect(screen.getByTestId("grub.install")).toHaveProperty("disabled", true);
    expect(screen.getByTestId("grub.install").getAttribute("title")).toBe(reason);
    expect(screen.getByTestId("grub.boot-once")).toHaveProperty("disabled", true);
    expect(agent.calls.filter((c) => c.method === "POST")).toEqual([]);
  });

  it("shows why there is no entry: the agent's GRUB-ENTRY-UNKNOWN with its diagnostic", async () => {
    standInAgent({
      "GET /api/grub": {
        status: 409,
        body: {
          error: {
            code: "GRUB-ENTRY-UNKNOWN",
            message:
              "OS1's kernel or root is neither in the profile nor known from the running OS1.",
            hint: "OS1's /proc/cmdline has no BOOT_IMAGE=.",
            diagnostics: [
              {
                code: "OS1-BOOT-UNKNOWN",
                severity: "warning",
                path: "instances[0].kernel",
                instance: "os1",
                message: "os1's kernel is not set.",
                hint: "Fill in os1's kernel.",
              },
            ],
          },
        },
      },
    });
    useStore.getState().setUser({ name: "ada", role: "admin" });
    render(<GrubDialog />);
    act(() => openGrubDialog());
    const error = await screen.findByTestId("grub.error");
    expect(error.textContent).toContain("(GRUB-ENTRY-UNKNOWN)");
    expect(error.textContent).toContain("OS1's /proc/cmdline has no BOOT_IMAGE=.");
    expect(error.textContent).toContain("os1's kernel is not set. Fill in os1's kernel.");
    expect(screen.getByTestId("grub.install")).toHaveProperty("disabled", true);
  });
});
