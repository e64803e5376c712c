import { useEffect, useId, useRef, useState, type ReactNode } from 'react';

/**
 * A confirmation as a real modal dialog (`<dialog>` shown with showModal: focus moves into
 * it, Escape cancels, the page behind is inert), never window.confirm or prompt. With
 * `reason`, it asks for a short text first (at least `minLength` characters).
 */
export const ConfirmDialog = ({
  open,
  title,
  children,
  confirmLabel,
  cancelLabel = 'Cancel',
  danger,
  reason,
  onConfirm,
  onCancel,
  testId,
}: {
  open: boolean;
  title: string;
  children?: ReactNode;
  confirmLabel: string;
  /** The button that keeps things as they are, where "Cancel" would read as the action itself. */
  cancelLabel?: string;
  danger?: boolean;
  reason?: { label: string; initial?: string; minLength: number; maxLength: number };
  onConfirm: (reason: string) => void;
  onCancel: () => void;
  testId?: string;
}) => {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const [text, setText] = useState(reason?.initial ?? '');
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      setText(reason?.initial ?? '');
      dialog.showModal();
    }
    if (!open && dialog.open) dialog.close();
  }, [open, reason?.initial]);
  const tooShort = reason ? text.trim().length < reason.minLength : false;
  return (
    <dialog ref={ref} className="dialog" aria-labelledby={titleId} data-testid={testId} onClose={() => open && onCancel()}>
      <form
        method="dialog"
        onSubmit={(e) => {
          e.preventDefault();
          if (tooShort) return;
          onConfirm(text.trim());
        }}
      >
        <h2 id={titleId} className="dialog-title">{title}</h2>
        {children}
        {reason && (
          <label className="dialog-field">
            {reason.label}
            <input
              data-testid={testId && `${testId}-reason`}
              value={text}
              minLength={reason.minLength}
              maxLength={reason.maxLength}
              required
              onChange={(e) => setText(e.target.value)}
            />
          </label>
        )}
        <div className="dialog-actions">
          <button type="button" className="button" onClick={onCancel} data-testid={testId && `${testId}-cancel`}>
            {cancelLabel}
          </button>
          <button className={danger ? 'button danger' : 'button primary'} disabled={tooShort} data-testid={testId && `${testId}-confirm`}>
            {confirmLabel}
          </button>
        </div>
      </form>
    </dialog>
  );
};
