// Page objects, one per UI area (STYLE.md 10). Locators use data-testid `area.thing`.
import { expect, type Locator, type Page } from "@playwright/test";
import { resolve } from "node:path";

export const EXAMPLE_PROFILE = resolve(import.meta.dirname, "../../examples/profile.json");

export const ADMIN = {
  name: "admin",
  password: process.env.TESSERA_E2E_PASSWORD ?? "e2e-admin-password",
};

export class LoginPage {
  constructor(readonly page: Page) {}
  async signIn(name = ADMIN.name, password = ADMIN.password) {
    await this.page.goto("/");
    await this.page.getByTestId("login.username").fill(name);
    await this.page.getByTestId("login.password").fill(password);
    await this.page.getByTestId("login.submit").click();
    // signed in with the machine loaded; the tab may be Run (something runs) or the URL's
    await expect(this.page.getByTestId("app.user")).toContainText(name);
    await expect(this.page.getByTestId("app.machine")).toContainText(/[1-9]\d* CPUs/);
  }
}

export class CoresArea {
  constructor(readonly page: Page) {}
  cell(apic: number): Locator {
    return this.page.getByTestId(`cores.cell-${apic}`);
  }
  async selectRun(from: number, to: number) {
    await this.cell(from).click();
    await this.cell(to).click({ modifiers: ["Shift"] });
  }
}

export class SlotsArea {
  constructor(readonly page: Page) {}
  slot(name: string): Locator {
    return this.page.getByTestId(`slot.${name}`);
  }
  byIndex(i: number): Locator {
    return this.page.locator(`[data-slot-index="${i}"]`);
  }
  async add() {
    await this.page.getByTestId("slots.add").click();
  }
  cores(i: number): Locator {
    return this.page.getByTestId(`slot.cores-${i}`);
  }
}

export class DiagnosticsArea {
  constructor(readonly page: Page) {}
  list(): Locator {
    return this.page.getByTestId("diagnostics.list");
  }
  item(code: string): Locator {
    return this.page.locator(`[data-testid^="diagnostics.item-"][data-code="${code}"]`);
  }
  errors(): Locator {
    return this.page.getByTestId("diagnostics.errors");
  }
}

export class MemoryArea {
  constructor(readonly page: Page) {}
  bar(): Locator {
    return this.page.getByTestId("memory.map");
  }
}

/** The Profiles tab, and the question asked before unsaved work is dropped. */
export class ProfilesArea {
  constructor(readonly page: Page) {}
  async show() {
    await this.page.getByTestId("tabs.profiles").click();
  }
  async importFile(file: string | { name: string; mimeType: string; buffer: Buffer }) {
    await this.show();
    await this.page.getByTestId("profiles.import-file").setInputFiles(file);
  }
  /** Clicks Open; with unsaved work the discard question comes up instead. */
  async open(name: string) {
    await this.show();
    await this.page.getByTestId(`profiles.open-${name}`).click();
  }
  async saveAs(name: string) {
    await this.show();
    await this.page.getByTestId("profiles.save-as-name").fill(name);
    await this.page.getByTestId("profiles.save-as").click();
    await expect(this.page.getByTestId("app.notice")).toContainText(`Saved ${name}`);
  }
  discardDialog(): Locator {
    return this.page.getByTestId("confirm.dialog");
  }
  async discard() {
    await this.discardDialog().getByTestId("confirm.ok").click();
    await expect(this.discardDialog()).toHaveCount(0);
  }
}

export class SelectionArea {
  constructor(readonly page: Page) {}
  async assignTo(name: string) {
    await this.page.getByTestId("selection.assign-target").selectOption({ label: name });
    await this.page.getByTestId("selection.assign").click();
  }
}

/** Mouse drag with intermediate moves, so dnd-kit's pointer sensor activates and sees the target. */
export async function dragTo(
  page: Page,
  from: Locator,
  to: Locator,
  opts: { hold?: (page: Page) => Promise<void> } = {},
) {
  await from.scrollIntoViewIfNeeded();
  await to.scrollIntoViewIfNeeded();
  const a = (await from.boundingBox())!;
  const b = (await to.boundingBox())!;
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move(a.x + a.width / 2 + 10, a.y + a.height / 2 + 10, { steps: 3 });
  await page.mouse.move(b.x + b.width / 2, b.y + 30, { steps: 8 });
  await page.mouse.move(b.x + b.width / 2 + 2, b.y + 32, { steps: 2 });
  // release only once the slot shows its verdict: dnd-kit has registered the pointer over it
  await page
    .locator('[data-testid^="slot.verdict-"]')
    .first()
    .waitFor({ timeout: 3000 })
    .catch(() => undefined);
  if (opts.hold) await opts.hold(page);
  await page.mouse.up();
  // dnd-kit swallows clicks for 50 ms after a drag ends; a person never clicks that fast.
  await page.waitForTimeout(80);
}

export class ConsolePage {
  readonly login: LoginPage;
  readonly cores: CoresArea;
  readonly slots: SlotsArea;
  readonly diagnostics: DiagnosticsArea;
  readonly memory: MemoryArea;
  readonly selection: SelectionArea;
  readonly profiles: ProfilesArea;
  constructor(readonly page: Page) {
    this.login = new LoginPage(page);
    this.cores = new CoresArea(page);
    this.slots = new SlotsArea(page);
    this.diagnostics = new DiagnosticsArea(page);
    this.memory = new MemoryArea(page);
    this.selection = new SelectionArea(page);
    this.profiles = new ProfilesArea(page);
  }
  /** A fresh empty draft (one slot, os1), dropping any unsaved work without keeping it. */
  async freshDraft() {
    await this.page.getByTestId("tabs.profiles").click();
    await this.page.getByTestId("profiles.new").click();
    if (await this.profiles.discardDialog().isVisible()) await this.profiles.discard();
    await this.page.getByTestId("tabs.machine").click();
  }
}

/** The theme and sign-out sit in the user menu of the one-line header. */
async function openUserMenu(page: Page) {
  const menu = page.getByTestId("app.menu");
  if ((await menu.getAttribute("open")) === null) await page.getByTestId("app.user").click();
}

export async function setTheme(page: Page, theme: "system" | "light" | "dark") {
  await openUserMenu(page);
  await page.getByTestId("app.theme").selectOption(theme);
  await page.getByTestId("app.user").click(); // close the menu again
}

export async function signOut(page: Page) {
  await openUserMenu(page);
  await page.getByTestId("app.sign-out").click();
}
