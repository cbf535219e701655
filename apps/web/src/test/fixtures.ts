// The example machine and profile from examples/, parsed with core's codec: tests use the
// same files the docs and the agent's --machine use.
import { parseMachine, parseProfile, type Machine, type Profile } from "@tessera/core";
import machineJson from "../../../../examples/machine.json";
import profileJson from "../../../../examples/profile.json";
import { useStore } from "../store";

export function exampleMachine(): Machine {
  const r = parseMachine(machineJson);
  if (!r.ok) throw new Error("examples/machine.json does not parse");
  return r.value;
}

export function exampleProfile(): Profile {
  const r = parseProfile(profileJson);
  if (!r.ok) throw new Error("examples/profile.json does not parse");
  return r.value;
}

/** A store holding the example machine and (optionally) the example profile. */
export function loadExample(withProfile = true): void {
  useStore.getState().setMachine(exampleMachine(), "f".repeat(16));
  if (withProfile) useStore.getState().loadDraft(exampleProfile(), null);
}
