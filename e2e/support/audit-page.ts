// Page object for the audit log page.
import { expect, type Locator, type Page } from "@playwright/test";

export class AuditPage {
  constructor(readonly page: Page) {}

  async open() {
    await this.page.getByTestId("tabs.audit").click();
    await expect(this.page.getByTestId("audit.view")).toBeVisible();
  }
  rows(): Locator {
    return this.page.getByTestId("audit.row");
  }
  row(action: string, instance?: string): Locator {
    const sel =
      `[data-testid="audit.row"][data-action="${action}"]` +
      (instance ? `[data-instance="${instance}"]` : "");
    return this.page.locator(sel);
  }
  async filter(f: {
    user?: string;
    instance?: string;
    action?: string;
    from?: string;
    to?: string;
  }) {
    if (f.user !== undefined) await this.page.getByTestId("audit.user").fill(f.user);
    if (f.instance !== undefined)
      await this.page.getByTestId("audit.instance").selectOption(f.instance);
    if (f.action !== undefined) await this.page.getByTestId("audit.action").selectOption(f.action);
    if (f.from !== undefined) await this.page.getByTestId("audit.from").fill(f.from);
    if (f.to !== undefined) await this.page.getByTestId("audit.to").fill(f.to);
  }
  async clear() {
    await this.page.getByTestId("audit.clear").click();
  }
}
