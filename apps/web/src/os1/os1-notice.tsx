// Says when OS1 runs with options other than the active profile's (they take effect only at
// OS1's next boot), which ones differ, and what to do: install the entry and reboot into it.
import { useEffect } from "react";
import { useStore } from "../store";
import { openGrubDialog, refreshOs1 } from "./os1-actions";

function words(option: string, values: string[]): string {
  if (!values.length) return "none";
  return values.map((v) => (v ? `${option}=${v}` : option)).join(" ");
}

export function Os1Notice() {
  const report = useStore((s) => s.os1Report);
  // Asked again whenever another profile or version becomes the active one.
  const activeKey = useStore((s) => {
    const a = s.profiles.find((p) => p.active);
    return a ? `${a.id}@${a.version}` : "";
  });
  useEffect(() => {
    void refreshOs1();
  }, [activeKey]);
  if (!report || report.matches !== false) return null;
  return (
    <div className="banner warning" role="status" data-testid="os1.stale">
      <div className="grow">
        <strong>OS1 runs with options other than the active profile&apos;s.</strong>{" "}
        {report.message}
        <details>
          <summary data-testid="os1.stale-summary">
            Options that differ: {report.differences.map((d) => d.option).join(", ")}
          </summary>
          <ul data-testid="os1.stale-options">
            {report.differences.map((d) => (
              <li key={d.option}>
                <code>{d.option}</code>: OS1 runs with {words(d.option, d.running)}; the profile
                plans {words(d.option, d.planned)}
              </li>
            ))}
          </ul>
        </details>
        What to do: install OS1&apos;s boot entry, choose &quot;Boot it once on next reboot&quot;,
        then reboot OS1.
      </div>
      <button onClick={openGrubDialog} data-testid="os1.stale-open">
        OS1 boot entry…
      </button>
    </div>
  );
}
