// The drag-and-drop frame around the workspace. Each machine view registers ONE draggable
// (the grid, the table, a chip) whose data resolves the pressed element to a payload; the
// slots are the droppables. While over a slot, judgeDrop() runs core's validate() on the
// would-be profile so the slot can say "valid" or why not before the drop.
import {
  DndContext,
  DragOverlay,
  PointerSensor,
  pointerWithin,
  useSensor,
  useSensors,
  type DragEndEvent,
  type DragOverEvent,
  type DragStartEvent,
} from "@dnd-kit/core";
import type { ReactNode } from "react";
import { describePayload, type Payload } from "../model/payload";
import { assign, judgeDrop } from "../store/actions";
import { useStore } from "../store";

export interface DragSource {
  resolve(target: Element | null): Payload | null;
}

function slotIndex(data: Record<string, unknown> | undefined): number | null {
  return typeof data?.index === "number" ? data.index : null;
}

export function DndShell({ children }: { children: ReactNode }) {
  const sensors = useSensors(useSensor(PointerSensor, { activationConstraint: { distance: 5 } }));
  const payload = useStore((s) => s.drag?.payload ?? null);

  function onDragStart(e: DragStartEvent) {
    const src = e.active.data.current as DragSource | undefined;
    const target = (e.activatorEvent?.target as Element | null) ?? null;
    const p = src?.resolve(target) ?? null;
    useStore.getState().setDrag(p ? { payload: p, over: null, verdict: null } : null);
  }

  function onDragOver(e: DragOverEvent) {
    const drag = useStore.getState().drag;
    if (!drag) return;
    performance.mark("tessera:drag-over:start");
    const index = slotIndex(e.over?.data.current);
    const verdict = index === null ? null : judgeDrop(drag.payload, index);
    useStore.getState().setDrag({ ...drag, over: index, verdict });
    // The frame the operator sees is the one after this state change.
    requestAnimationFrame(() => {
      performance.mark("tessera:drag-over:end");
      performance.measure("tessera:drag-over", "tessera:drag-over:start", "tessera:drag-over:end");
    });
  }

  function onDragEnd(e: DragEndEvent) {
    const drag = useStore.getState().drag;
    useStore.getState().setDrag(null);
    const index = slotIndex(e.over?.data.current);
    if (drag && index !== null) assign(drag.payload, index);
  }

  return (
    <DndContext
      sensors={sensors}
      collisionDetection={pointerWithin}
      // Only the slot list scrolls by itself during a drag: scrolling the machine views (the
      // drag's own container) would shift dnd-kit's idea of the pointer and miss the slot.
      autoScroll={{ canScroll: (el) => el.classList.contains("aside") }}
      onDragStart={onDragStart}
      onDragOver={onDragOver}
      onDragEnd={onDragEnd}
      onDragCancel={() => useStore.getState().setDrag(null)}
      accessibility={{
        announcements: {
          onDragStart: () => (payload ? `Picked up ${describePayload(payload)}.` : "Picked up."),
          onDragOver: ({ over }) => (over ? `Over ${String(over.id)}.` : "Not over a slot."),
          onDragEnd: ({ over }) => (over ? `Dropped on ${String(over.id)}.` : "Dropped outside a slot."),
          onDragCancel: () => "Drag cancelled.",
        },
      }}
    >
      {children}
      <DragOverlay dropAnimation={null}>
        {payload ? (
          <div className="overlay" data-testid="dnd.overlay">
            {describePayload(payload)}
          </div>
        ) : null}
      </DragOverlay>
    </DndContext>
  );
}
