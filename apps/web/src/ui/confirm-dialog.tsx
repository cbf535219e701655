// A confirmation for destructive actions: it says what will happen before anything does.
// Escape and "Cancel" leave everything as it was.
import { useEffect, useRef } from "react";
import { closeModal, openModal } from "./modal";

export interface ConfirmRequest {
  title: string;
  lines: string[];
  confirm: string;
  danger?: boolean;
  onConfirm(): void;
}

export function ConfirmDialog({
  request,
  onClose,
}: {
  request: ConfirmRequest | null;
  onClose(): void;
}) {
  const ref = useRef<HTMLDialogElement | null>(null);
  useEffect(() => {
    if (request && ref.current) openModal(ref.current);
    if (!request) closeModal(ref.current);
  }, [request]);
  if (!request) return null;
  return (
    <dialog
      ref={ref}
      aria-labelledby="confirm-h"
      aria-describedby="confirm-body"
      data-testid="confirm.dialog"
      className="confirm"
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      <h2 id="confirm-h">{request.title}</h2>
      <ul id="confirm-body" data-testid="confirm.body">
        {request.lines.map((l) => (
          <li key={l}>{l}</li>
        ))}
      </ul>
      <div className="row" style={{ justifyContent: "flex-end", marginTop: 12 }}>
        <button onClick={onClose} data-testid="confirm.cancel" autoFocus>
          Cancel
        </button>
        <button
          className={request.danger ? "danger" : "primary"}
          onClick={() => {
            request.onConfirm();
            onClose();
          }}
          data-testid="confirm.ok"
        >
          {request.confirm}
        </button>
      </div>
    </dialog>
  );
}
