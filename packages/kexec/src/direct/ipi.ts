// The IPIs the loader sends, as data: the helper (xAPIC) or the MSR write (x2APIC) only
// carries them out. ICR low: delivery mode in bits 8-10, level assert bit 14, physical
// destination; the destination APIC ID goes to ICR high (xAPIC: bits 24-31).
export const ICR_INIT = 0x4500;
export const ICR_STARTUP = 0x4600;
/** Intel's MP start-up sequence: 10 ms after INIT, 200 us between the two STARTUPs. */
export const INIT_DELAY_US = 10_000;
export const SIPI_DELAY_US = 200;

export interface IpiStep {
  /** Destination LAPIC ID. */
  dest: number;
  icrLow: number;
  /** Microseconds to wait after this IPI before the next. */
  delayAfterUs: number;
}

/** INIT, wait 10 ms, STARTUP(vector), wait 200 us, STARTUP(vector): wakes the BSP only; the
 *  successor's own kernel wakes its other cores through its own trampoline. */
export function startSequence(bsp: number, vector: number): IpiStep[] {
  if (!Number.isInteger(vector) || vector < 0 || vector > 0xff)
    throw new RangeError(`SIPI vector ${vector} is not a page number below 1 MiB`);
  return [
    { dest: bsp, icrLow: ICR_INIT, delayAfterUs: INIT_DELAY_US },
    { dest: bsp, icrLow: ICR_STARTUP | vector, delayAfterUs: SIPI_DELAY_US },
    { dest: bsp, icrLow: ICR_STARTUP | vector, delayAfterUs: 0 },
  ];
}

/** INIT to every core of the successor: each stops at once and waits for a SIPI. */
export function parkSequence(cpus: number[]): IpiStep[] {
  return cpus.map((dest) => ({ dest, icrLow: ICR_INIT, delayAfterUs: 0 }));
}

/** The helper's argument for one step: DEST:ICRLOW:DELAYUS (decimal, hex, decimal). */
export function stepArg(s: IpiStep): string {
  return `${s.dest}:0x${s.icrLow.toString(16)}:${s.delayAfterUs}`;
}

/** x2APIC: the whole ICR is one 64-bit MSR 0x830 write, destination in bits 32-63. */
export function x2apicIcr(s: IpiStep): bigint {
  return (BigInt(s.dest) << 32n) | BigInt(s.icrLow);
}
