// The drag-and-drop frame around the workspace. Each machine view registers ONE draggable
// (the grid, the table, a chip) whose data resolves the pressed element to a payload; the
// slots are the droppables. While over a slot, judgeDrop() runs core's validate() on the
// would-be profile so the slot can say "valid" or why not before the drop.
import {
  DndContext,
  DragOverlay,
  MeasuringStrategy,
  PointerSensor,
  pointerWithin,
  useSensor,
  useSensors,
  type DragEndEvent,
  type DragOverEvent,
  type DragStartEvent,
} from "@dnd-kit/core";
import { useLayoutEffect, type ReactNode } from "react";
import { describePayload, type Payload } from "./model/payload";
import { assign } from "./editor-actions";
import { beginJudging, endJudging, verdictFor } from "./judge-client";
import { useStore } from "../store";
import { useEditGate } from "../session/roles";

export interface DragSource {
  resolve(target: Element | null): Payload | null;
}

function slotIndex(data: Record<string, unknown> | undefined): number | null {
  return typeof data?.index === "number" ? data.index : null;
}

// Drag-over cost for the bench: from the over-change to the DOM committed (a layout effect
// runs after React has updated the DOM and before the browser paints).
let overStart: number | null = null;
function DragOverProbe() {
  const drag = useStore((s) => s.drag);
  useLayoutEffect(() => {
    if (overStart === null) return;
    performance.measure("tessera:drag-over", { start: overStart, end: performance.now() });
    overStart = null;
  }, [drag]);
  return null;
}

const NO_SENSORS: ReturnType<typeof useSensors> = [];

export function DndShell({ children }: { children: ReactNode }) {
  const pointer = useSensors(useSensor(PointerSensor, { activationConstraint: { distance: 5 } }));
  // A viewer's console is read-only: nothing can be picked up.
  const sensors = useEditGate().disabled ? NO_SENSORS : pointer;
  const payload = useStore((s) => s.drag?.payload ?? null);

  function onDragStart(e: DragStartEvent) {
    const src = e.active.data.current as DragSource | undefined;
    const target = (e.activatorEvent?.target as Element | null) ?? null;
    const p = src?.resolve(target) ?? null;
    if (p) beginJudging(p);
    useStore.getState().setDrag(p ? { payload: p, over: null, verdict: null } : null);
  }

  function onDragOver(e: DragOverEvent) {
    const drag = useStore.getState().drag;
    if (!drag) return;
    overStart = performance.now();
    const index = slotIndex(e.over?.data.current);
    const verdict = index === null ? null : verdictFor(drag.payload, index);
    useStore.getState().setDrag({ ...drag, over: index, verdict });
  }

  function onDragEnd(e: DragEndEvent) {
    const drag = useStore.getState().drag;
    useStore.getState().setDrag(null);
    endJudging();
    const index = slotIndex(e.over?.data.current);
    if (drag && index !== null && assign(drag.payload, index)) useStore.getState().clearSelection();
  }

  return (
    <DndContext
      sensors={sensors}
      collisionDetection={pointerWithin}
      // No auto-scroll: dnd-kit counts any container it scrolls into the pointer's offset, and
      // the drop then misses the slot. Off-screen slots are reached with "Assign to…".
      autoScroll={false}
      // The slot list scrolls on its own (the operator's wheel, auto-scroll): measure the few
      // slot rectangles on every move so the pointer is matched against where they are now.
      measuring={{ droppable: { strategy: MeasuringStrategy.Always } }}
      onDragStart={onDragStart}
      onDragOver={onDragOver}
      onDragEnd={onDragEnd}
      onDragCancel={() => {
        endJudging();
        useStore.getState().setDrag(null);
      }}
      accessibility={{
        announcements: {
          onDragStart: () => (payload ? `Picked up ${describePayload(payload)}.` : "Picked up."),
          onDragOver: ({ over }) => (over ? `Over ${String(over.id)}.` : "Not over a slot."),
          onDragEnd: ({ over }) =>
            over ? `Dropped on ${String(over.id)}.` : "Dropped outside a slot.",
          onDragCancel: () => "Drag cancelled.",
        },
      }}
    >
      {children}
      <DragOverProbe />
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
