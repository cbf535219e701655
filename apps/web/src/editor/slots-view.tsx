import { addInstance } from "./model/edits";
import { useStore } from "../store";
import { SlotCard } from "./slot-card";

export function SlotsView() {
  const instances = useStore((s) => s.draft.instances);
  const edit = useStore((s) => s.edit);
  return (
    <section aria-labelledby="slots-h" className="slots" data-testid="slots.list">
      <div className="row">
        <h2 id="slots-h">Instances</h2>
        <span className="grow" />
        <button data-testid="slots.add" onClick={() => edit((p) => addInstance(p))}>
          + Add instance
        </button>
      </div>
      {instances.map((inst, i) => (
        <SlotCard key={i} inst={inst} index={i} count={instances.length} />
      ))}
    </section>
  );
}
