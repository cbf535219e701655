import { addInstance } from "./model/edits";
import { useStore } from "../store";
import { SlotCard } from "./slot-card";
import { useEditGate } from "../session/roles";

export function SlotsView() {
  const instances = useStore((s) => s.draft.instances);
  const edit = useStore((s) => s.edit);
  const ro = useEditGate();
  return (
    <section aria-labelledby="slots-h" className="slots" data-testid="slots.list">
      <div className="row">
        <h2 id="slots-h">Instances</h2>
        <span className="grow" />
        <button
          data-testid="slots.add"
          disabled={ro.disabled}
          title={ro.reason ?? undefined}
          onClick={() => edit((p) => addInstance(p))}
        >
          + Add instance
        </button>
      </div>
      {/* a disabled fieldset disables every control inside: a viewer reads, never edits */}
      <fieldset className="bare" disabled={ro.disabled} title={ro.reason ?? undefined}>
        <legend className="sr-only">Instance settings</legend>
        {instances.map((inst, i) => (
          <SlotCard key={i} inst={inst} index={i} count={instances.length} />
        ))}
      </fieldset>
    </section>
  );
}
