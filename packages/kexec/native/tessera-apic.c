/*
 * tessera-apic: the direct loader's one piece of native code, built by the loader from this
 * file with the system compiler (cc -static -O2); never shipped built. Two jobs Node cannot
 * do through /dev/mem's read()/write():
 *  - IPIs through the xAPIC's interrupt command register, which needs an uncached mapping
 *    and single 32-bit stores;
 *  - physical writes above OS1's own memory: /dev/mem's write() refuses every address past
 *    the end of OS1's RAM (its high_memory, EFAULT), and a successor's range always lies
 *    there; mmap() of /dev/mem has no such limit.
 *
 * usage:
 *   tessera-apic [--mem PATH] [--base ADDR] DEST:ICRLOW:DELAYUS ...
 *     DEST     destination local APIC ID (0-255; xAPIC puts it in ICR bits 24-31 of ICR high)
 *     ICRLOW   the low ICR word, e.g. 0x4500 (INIT) or 0x4680 (STARTUP, vector 0x80)
 *     DELAYUS  microseconds to wait after this IPI (at most 1000000)
 *     Every step is parsed before the first is sent. For each: wait until the previous IPI
 *     left (delivery status, ICR bit 12, clear; at most 100 ms), write ICR high, then ICR
 *     low (the write to the low word sends), then sleep.
 *   tessera-apic [--mem PATH] --write ADDR [--file PATH [--skip N] | --zero LEN]
 *     copies stdin (or the file from byte N, or LEN zero bytes) to physical ADDR, then reads
 *     it back and compares.
 *   tessera-apic [--mem PATH] --read ADDR LEN
 *     writes LEN physical bytes from ADDR to stdout.
 *   tessera-apic [--mem PATH] [--base ADDR] --mask-lint0 CPU[,CPU...]
 *     masks LINT0 (LVT0 bit 16) in the local APIC of each listed CPU of OS1 (Linux numbers):
 *     it moves itself onto each CPU in turn, because the xAPIC page answers for the CPU that
 *     touches it. Firmware leaves the boot CPU's LINT0 open in virtual-wire mode and Linux
 *     keeps it so; then the shared 8259 PIC's interrupts (the PIT ticks a booting successor
 *     counts to check its own timer) reach OS1 as well, and the successor misses some.
 *   --mem    the physical memory device (default /dev/mem; tests give a sparse file)
 *   --base   the local APIC's physical base (default 0xfee00000)
 * exit: 0 done; 2 usage; 3 cannot open or map; 4 delivery status stuck; 5 read-back differs;
 *       6 cannot read the input.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sched.h>
#include <time.h>
#include <unistd.h>

#define ICR_LOW 0x300
#define ICR_HIGH 0x310
#define DELIVERY_PENDING (1u << 12)
#define MAX_STEPS 1024
#define PAGE 4096UL
#define CHUNK (4UL << 20)

struct step {
	unsigned long dest, low, delay_us;
};

static const char *mem = "/dev/mem";

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

static int number(const char *s, unsigned long *out)
{
	const char *rest;
	return parse_number(s, '\0', ~0UL, out, &rest);
}

static int parse_step(const char *arg, struct step *st)
{
	const char *p = arg;
	if (parse_number(p, ':', 0xff, &st->dest, &p) ||
	    parse_number(p, ':', 0xffffffffUL, &st->low, &p) ||
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

/* Maps [addr, addr+len) of the device; *base receives the page-aligned mapping. */
static unsigned char *map(int fd, unsigned long addr, unsigned long len, void **base,
			  size_t *maplen)
{
	unsigned long start = addr & ~(PAGE - 1);
	*maplen = (addr - start + len + PAGE - 1) & ~(PAGE - 1);
	*base = mmap(NULL, *maplen, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)start);
	if (*base == MAP_FAILED) {
		fprintf(stderr, "tessera-apic: cannot map %s at 0x%lx (+%lu): %s (is it reserved in OS1, and OS1 booted with iomem=relaxed?)\n",
			mem, addr, len, strerror(errno));
		return NULL;
	}
	return (unsigned char *)*base + (addr - start);
}

static int open_mem(int flags)
{
	int fd = open(mem, flags);
	if (fd < 0)
		fprintf(stderr, "tessera-apic: cannot open %s: %s\n", mem, strerror(errno));
	return fd;
}

/* Copies one chunk to physical memory and checks it reads back the same. */
static int put_chunk(int fd, unsigned long addr, const unsigned char *buf, size_t n)
{
	void *base;
	size_t maplen;
	unsigned char *p = map(fd, addr, n, &base, &maplen);
	if (!p)
		return 3;
	memcpy(p, buf, n);
	int same = memcmp(p, buf, n) == 0;
	munmap(base, maplen);
	if (!same) {
		fprintf(stderr, "tessera-apic: the bytes written at 0x%lx read back different\n", addr);
		return 5;
	}
	return 0;
}

static int do_write(unsigned long addr, const char *file, unsigned long skip, long zero)
{
	int in = 0;
	if (file) {
		in = open(file, O_RDONLY);
		if (in < 0 || (skip && lseek(in, (off_t)skip, SEEK_SET) < 0)) {
			fprintf(stderr, "tessera-apic: cannot read %s: %s\n", file, strerror(errno));
			return 6;
		}
	}
	int fd = open_mem(O_RDWR);
	if (fd < 0)
		return 3;
	static unsigned char buf[CHUNK];
	unsigned long done = 0;
	for (;;) {
		size_t n = 0;
		if (zero >= 0) {
			n = (unsigned long)zero - done < CHUNK ? (unsigned long)zero - done : CHUNK;
			memset(buf, 0, n);
		} else {
			while (n < CHUNK) {
				ssize_t r = read(in, buf + n, CHUNK - n);
				if (r < 0 && errno == EINTR)
					continue;
				if (r < 0) {
					fprintf(stderr, "tessera-apic: cannot read the input: %s\n", strerror(errno));
					return 6;
				}
				if (r == 0)
					break;
				n += (size_t)r;
			}
		}
		if (n == 0)
			break;
		int rc = put_chunk(fd, addr + done, buf, n);
		if (rc)
			return rc;
		done += n;
	}
	close(fd);
	return 0;
}

static int do_read(unsigned long addr, unsigned long len)
{
	int fd = open_mem(O_RDONLY | O_SYNC);
	if (fd < 0)
		return 3;
	void *base;
	size_t maplen;
	int rc = 0;
	/* a read-only mapping: map() asks for write access, so map here */
	unsigned long start = addr & ~(PAGE - 1);
	maplen = (addr - start + len + PAGE - 1) & ~(PAGE - 1);
	base = mmap(NULL, maplen, PROT_READ, MAP_SHARED, fd, (off_t)start);
	if (base == MAP_FAILED) {
		fprintf(stderr, "tessera-apic: cannot map %s at 0x%lx: %s\n", mem, addr, strerror(errno));
		return 3;
	}
	const unsigned char *p = (const unsigned char *)base + (addr - start);
	if (fwrite(p, 1, len, stdout) != len)
		rc = 6;
	munmap(base, maplen);
	close(fd);
	return rc;
}

static int do_ipis(unsigned long base, struct step *steps, int n)
{
	/* O_SYNC on /dev/mem asks for an uncached mapping: MMIO stores must not be combined. */
	int fd = open_mem(O_RDWR | O_SYNC);
	if (fd < 0)
		return 3;
	void *page = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)base);
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
	munmap(page, PAGE);
	close(fd);
	return 0;
}

#define LVT0 0x350
#define LVT_MASKED (1u << 16)

static int do_mask_lint0(unsigned long base, const char *list)
{
	/* Every number is parsed before the first register is touched. */
	static unsigned long cpus[MAX_STEPS];
	int n = 0;
	for (const char *p = list; *p;) {
		const char *rest;
		char stop = strchr(p, ',') ? ',' : '\0';
		if (n == MAX_STEPS || parse_number(p, stop, CPU_SETSIZE - 1, &cpus[n++], &rest)) {
			fprintf(stderr, "tessera-apic: --mask-lint0 wants CPU numbers, not \"%s\"\n", list);
			return 2;
		}
		p = rest;
	}
	int fd = open_mem(O_RDWR | O_SYNC);
	if (fd < 0)
		return 3;
	void *page = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)base);
	if (page == MAP_FAILED) {
		fprintf(stderr, "tessera-apic: cannot map %s at 0x%lx: %s (OS1 needs iomem=relaxed)\n", mem,
			base, strerror(errno));
		return 3;
	}
	volatile uint32_t *lvt0 = (volatile uint32_t *)((char *)page + LVT0);
	for (int i = 0; i < n; i++) {
		unsigned long cpu = cpus[i];
		cpu_set_t one;
		CPU_ZERO(&one);
		CPU_SET(cpu, &one);
		if (sched_setaffinity(0, sizeof one, &one) != 0) {
			fprintf(stderr, "tessera-apic: cannot run on CPU %lu: %s\n", cpu, strerror(errno));
			return 7;
		}
		uint32_t was = *lvt0;
		if (!(was & LVT_MASKED))
			*lvt0 = was | LVT_MASKED;
		printf("cpu %lu: LINT0 0x%08x -> 0x%08x\n", cpu, was, *lvt0);
	}
	munmap(page, PAGE);
	close(fd);
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: tessera-apic [--mem PATH] [--base ADDR] DEST:ICRLOW:DELAYUS ...\n"
			"       tessera-apic [--mem PATH] --write ADDR [--file PATH [--skip N] | --zero LEN]\n"
			"       tessera-apic [--mem PATH] --read ADDR LEN\n"
			"       tessera-apic [--mem PATH] [--base ADDR] --mask-lint0 CPU[,CPU...]\n");
	return 2;
}

int main(int argc, char **argv)
{
	unsigned long base = 0xfee00000UL, addr = 0, skip = 0, len = 0, zero = 0;
	const char *file = NULL;
	int mode = 0; /* 0 IPIs, 'w' write, 'r' read, 'm' mask LINT0 */
	const char *cpus = NULL;
	int has_zero = 0;
	static struct step steps[MAX_STEPS];
	int n = 0;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int more = i + 1 < argc;
		if (!strcmp(a, "--mem") && more) {
			mem = argv[++i];
		} else if (!strcmp(a, "--base") && more) {
			if (number(argv[++i], &base) || base % PAGE) {
				fprintf(stderr, "tessera-apic: --base %s is not a page-aligned address\n", argv[i]);
				return 2;
			}
		} else if (!strcmp(a, "--write") && more && !mode) {
			mode = 'w';
			if (number(argv[++i], &addr))
				return usage();
		} else if (!strcmp(a, "--read") && i + 2 < argc && !mode) {
			mode = 'r';
			if (number(argv[++i], &addr) || number(argv[++i], &len))
				return usage();
		} else if (!strcmp(a, "--mask-lint0") && more && !mode) {
			mode = 'm';
			cpus = argv[++i];
		} else if (!strcmp(a, "--file") && more && mode == 'w') {
			file = argv[++i];
		} else if (!strcmp(a, "--skip") && more && mode == 'w') {
			if (number(argv[++i], &skip))
				return usage();
		} else if (!strcmp(a, "--zero") && more && mode == 'w') {
			has_zero = 1;
			if (number(argv[++i], &zero))
				return usage();
		} else if (!mode && n < MAX_STEPS && !parse_step(a, &steps[n])) {
			n++;
		} else {
			fprintf(stderr, "tessera-apic: bad argument \"%s\"\n", a);
			return usage();
		}
	}
	if (mode == 'w') {
		if (has_zero && file)
			return usage();
		return do_write(addr, file, skip, has_zero ? (long)zero : -1);
	}
	if (mode == 'r')
		return do_read(addr, len);
	if (mode == 'm')
		return do_mask_lint0(base, cpus);
	if (n == 0)
		return usage();
	return do_ipis(base, steps, n);
}
