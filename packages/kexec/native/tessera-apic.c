/*
 * tessera-apic: sends IPIs through the xAPIC's interrupt command register from OS1's
 * userspace, for Tessera's direct loader. Node can neither map memory uncached nor make a
 * single 32-bit store, so this is the loader's one piece of native code. The loader builds
 * it from this file with the system compiler (cc -static -O2); it is never shipped built.
 *
 * usage: tessera-apic [--mem PATH] [--base ADDR] DEST:ICRLOW:DELAYUS ...
 *   DEST     destination local APIC ID (0-255; xAPIC puts it in ICR bits 56-63)
 *   ICRLOW   the low ICR word, e.g. 0x4500 (INIT) or 0x4680 (STARTUP, vector 0x80)
 *   DELAYUS  microseconds to wait after this IPI (at most 1000000)
 *   --mem    the physical memory device (default /dev/mem; tests give a sparse file)
 *   --base   the local APIC's physical base (default 0xfee00000)
 * Every step is parsed before the first IPI is sent. For each: wait until the previous IPI
 * left (delivery status, ICR bit 12, clear; at most 100 ms), write ICR high, then ICR low
 * (the write to the low word sends), then sleep.
 * exit: 0 all sent; 2 usage; 3 cannot open or map the device; 4 delivery status stuck.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define ICR_LOW 0x300
#define ICR_HIGH 0x310
#define DELIVERY_PENDING (1u << 12)
#define MAX_STEPS 1024

struct step {
	unsigned long dest, low, delay_us;
};

static int parse_number(const char *s, char stop, unsigned long max, unsigned long *out,
			const char **rest)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 0);
	if (errno || end == s || *end != stop || v > max)
		return -1;
	*out = v;
	*rest = end + (stop ? 1 : 0);
	return 0;
}

static int parse_step(const char *arg, struct step *st)
{
	const char *p = arg;
	if (parse_number(p, ':', 0xff, &st->dest, &p) || parse_number(p, ':', 0xffffffffUL, &st->low, &p) ||
	    parse_number(p, '\0', 1000000, &st->delay_us, &p))
		return -1;
	return 0;
}

static void sleep_us(unsigned long us)
{
	struct timespec ts = { .tv_sec = us / 1000000, .tv_nsec = (long)(us % 1000000) * 1000 };
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

int main(int argc, char **argv)
{
	const char *mem = "/dev/mem";
	unsigned long base = 0xfee00000UL;
	static struct step steps[MAX_STEPS];
	int n = 0;

	for (int i = 1; i < argc; i++) {
		const char *rest;
		if (!strcmp(argv[i], "--mem") && i + 1 < argc) {
			mem = argv[++i];
		} else if (!strcmp(argv[i], "--base") && i + 1 < argc) {
			if (parse_number(argv[++i], '\0', ~0UL, &base, &rest) || base % 4096) {
				fprintf(stderr, "tessera-apic: --base %s is not a page-aligned address\n", argv[i]);
				return 2;
			}
		} else if (n < MAX_STEPS && !parse_step(argv[i], &steps[n])) {
			n++;
		} else {
			fprintf(stderr, "tessera-apic: bad step \"%s\" (want DEST:ICRLOW:DELAYUS, e.g. 1:0x4500:10000)\n",
				argv[i]);
			return 2;
		}
	}
	if (n == 0) {
		fprintf(stderr, "usage: tessera-apic [--mem PATH] [--base ADDR] DEST:ICRLOW:DELAYUS ...\n");
		return 2;
	}

	/* O_SYNC on /dev/mem asks for an uncached mapping: MMIO stores must not be combined. */
	int fd = open(mem, O_RDWR | O_SYNC);
	if (fd < 0) {
		fprintf(stderr, "tessera-apic: cannot open %s: %s\n", mem, strerror(errno));
		return 3;
	}
	void *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)base);
	if (page == MAP_FAILED) {
		fprintf(stderr, "tessera-apic: cannot map %s at 0x%lx: %s (OS1 needs iomem=relaxed)\n", mem,
			base, strerror(errno));
		return 3;
	}
	volatile uint32_t *icr_low = (volatile uint32_t *)((char *)page + ICR_LOW);
	volatile uint32_t *icr_high = (volatile uint32_t *)((char *)page + ICR_HIGH);

	for (int i = 0; i < n; i++) {
		int waited = 0;
		while (*icr_low & DELIVERY_PENDING) {
			if (++waited > 1000) {
				fprintf(stderr, "tessera-apic: the previous IPI is still pending after 100 ms (ICR low 0x%08x); step %d not sent\n",
					*icr_low, i + 1);
				return 4;
			}
			sleep_us(100);
		}
		*icr_high = (uint32_t)(steps[i].dest << 24);
		*icr_low = (uint32_t)steps[i].low;
		if (steps[i].delay_us)
			sleep_us(steps[i].delay_us);
	}
	munmap(page, 4096);
	close(fd);
	return 0;
}
