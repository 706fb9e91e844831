import { createGateAction, openGateAction, rotateGateAction } from "@/app/actions/dashboard";
import { ActionForm } from "./action-form";

type GateItem = { id: string; name: string; direction: "entry" | "exit"; rotatedAt: string | null };

/** A lot's gates: open a barrier by hand (with a reason, logged), rotate a secret, add a gate. */
export function GatesPanel({ lotId, gates }: { lotId: string; gates: GateItem[] }) {
  return (
    <section className="card" aria-labelledby="gates-heading">
      <h2 id="gates-heading">Gates</h2>
      <ul className="gate-list">
        {gates.map((g) => (
          <li key={g.id} className="gate-item" data-testid={`gate-${g.name}`}>
            <div>
              <strong>{g.name}</strong> <span className="pill">{g.direction}</span>
              <p className="muted small">{g.rotatedAt ? `Secret rotated ${g.rotatedAt}` : "Secret never rotated"}</p>
            </div>
            <ActionForm
              action={openGateAction}
              hidden={{ lot_id: lotId, gate_id: g.id }}
              submit={`Open ${g.name} barrier`}
              pendingLabel="Sending…"
              variant="danger"
              className="open-form"
            >
              <div className="field">
                <label htmlFor={`reason-${g.id}`}>Reason for opening {g.name}</label>
                <input
                  id={`reason-${g.id}`}
                  name="reason"
                  required
                  maxLength={200}
                  placeholder="e.g. Ticket machine jammed, driver has receipt"
                />
              </div>
            </ActionForm>
            <ActionForm
              action={rotateGateAction}
              hidden={{ lot_id: lotId, gate_id: g.id }}
              submit={`Rotate ${g.name} secret`}
              pendingLabel="Rotating…"
            />
          </li>
        ))}
      </ul>
      <h3 className="subhead">Add a gate</h3>
      <ActionForm action={createGateAction} hidden={{ lot_id: lotId }} submit="Add gate" className="form-grid">
        <div className="field">
          <label htmlFor={`${lotId}-gate-name`}>Name</label>
          <input id={`${lotId}-gate-name`} name="name" required maxLength={60} />
        </div>
        <div className="field">
          <label htmlFor={`${lotId}-gate-direction`}>Direction</label>
          <select id={`${lotId}-gate-direction`} name="direction" defaultValue="entry">
            <option value="entry">Entry</option>
            <option value="exit">Exit</option>
          </select>
        </div>
      </ActionForm>
    </section>
  );
}
