// OS1: what it booted with, whether it runs the active profile's options, and its GRUB entry
// (API.md "Instances" and "Boot configuration (GRUB)").
import type {
  GrubBootOnce,
  GrubInstalled,
  GrubPreview,
  Os1BootFacts,
  Os1Report,
} from "@tessera/core";
import { request } from "./client";

export function getOs1Boot(): Promise<Os1BootFacts> {
  return request("GET", "/api/os1/boot");
}

export function getOs1Report(): Promise<Os1Report> {
  return request("GET", "/api/os1");
}

export function getGrubPreview(): Promise<GrubPreview> {
  return request("GET", "/api/grub");
}

/** Writes the entry and regenerates grub.cfg; booting it once is its own step. */
export function installGrub(): Promise<GrubInstalled> {
  return request("POST", "/api/grub/install", { oneTime: false });
}

export function bootGrubOnce(): Promise<GrubBootOnce> {
  return request("POST", "/api/grub/boot-once", {});
}
