// SPDX-License-Identifier: GPL-2.0
/*
 * vmm: a minimal KVM VMM whose devices live in the kernel, in dbdev.
 *
 * It creates a VM with KVM's interrupt controllers and runs one of two
 * guests: a flat real-mode binary on one vCPU in 640 KiB of RAM (the
 * guests in guests/), or, with --linux, a Linux bzImage booted by the
 * x86 boot protocol (linux.c) with an initramfs, on --cpus vCPUs in --mem
 * MiB of RAM and with KVM's PIT beside the interrupt controllers.  It opens /dev/dbdev
 * (one context: this VM's device model) and creates the sample devices
 * there from constraints, not addresses: a 16550A UART
 * ("dbdev-uart16550") on 8 ports inside [0x3f8, 0x3ff], where COM1 is,
 * with IRQ 4; and a register block ("dbdev-regs") of 0x1000 bytes with
 * one MSI vector, inside the MMIO window [0xd0000, 0xeffff] for a
 * real-mode guest (below 1 MiB, where it reaches it through a segment
 * register), anywhere in dbdev's MMIO pool for Linux.  Linux gets
 * "console=ttyS0" and finds COM1 where a PC has it: its boot log and its
 * shell go through dbdev's UART.
 *
 * Each vCPU runs under DBDEV_KVM_RUN, in a thread of its own: every
 * port-I/O and MMIO access to those devices is served in the kernel, and
 * the vCPU comes back to the VMM only for what dbdev does not own (the
 * VMM's own ports, addresses no device owns, HLT, ...).  The devices
 * interrupt the guest without the VMM: the UART's line and the block's
 * vector are eventfds that dbdev signals and KVM_IRQFD injects, the line
 * with a resample eventfd.  Another thread waits for the UART's
 * notification eventfd and copies what the guest transmitted to stdout,
 * and feeds what comes on stdin (when it is not a terminal, or with
 * --interactive) into the UART's receive FIFO.  With --userspace the VMM
 * runs the vCPUs itself instead and forwards each access with DBDEV_IO,
 * as a VMM without DBDEV_KVM_RUN would.
 *
 * The real-mode guest's machine:
 *   RAM        0x0 - 0x9ffff; everything above it is MMIO
 *   load       the binary at 0x10000, at most 64 KiB
 *   entry      real mode, CS = DS = ES = SS = 0x1000, IP = 0, SP = 0xfff0
 *   DX         the UART's first port (0x3f8); its IRQ is 4 (GSI 4: PIC or
 *              IOAPIC pin 4)
 *   FS         the register block's segment (its base >> 4); its MSI
 *              vector 0 arrives as vector 0x41 at the local APIC of CPU 0
 *   port 0x501 the exit port, the VMM's own: a write ends the run and
 *              its (first) byte is the VMM's exit status; HLT ends it
 *              with status 0 (without --irqchip only: with KVM's
 *              interrupt controllers, HLT waits in KVM for an interrupt)
 *   port 0x502 the bench's mark port: a byte written starts phase N (1 to
 *              9, see guests/bench.s), 0xff ends the bench; a word
 *              written is the number of accesses in a phase
 *   port 0x510 a port the VMM answers itself (reads 0x5a)
 *   0xf0000    a page of MMIO the VMM answers itself (reads 0x5a...)
 *
 * An access no device owns is reported once per address on stderr, as
 * "vmm: unhandled PIO read at 0x2f8 (no device)"; reads of it return all
 * ones and the guest goes on.  For Linux the VMM answers the CMOS clock's
 * ports itself (0x70, 0x71: the host's UTC time), so the guest's clock is
 * right.  At the end the VMM prints, on stderr, what each device did and
 * how many exits reached it.  stdout carries only the guest's serial
 * output.
 *
 * Exit status: the guest's (Linux: 0 when it resets the machine, 1 after
 * a kernel panic); 125 when the VMM itself fails (bad arguments, KVM or
 * dbdev errors, a guest that crashes or runs past --timeout).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <linux/kvm.h>
#include <linux/dbdev.h>
#include <linux/dbdev_samples.h>

#include "vmm.h"

#define LOW_RAM		0xa0000ULL	/* 640 KiB at 0 */
#define LOAD_SEG	0x1000
#define LOAD_ADDR	(LOAD_SEG << 4)
#define LOAD_MAX	0x10000
#define ENTRY_SP	0xfff0
#define EXIT_PORT	0x501
#define MARK_PORT	0x502
#define VMM_PORT	0x510
/*
 * Linux's: the console on our UART alone; reset by a triple fault, which
 * KVM hands back as a shutdown (there is no ACPI to power off with); no
 * PCI or ACPI to look for.
 */
#define DEFAULT_CMDLINE	"console=ttyS0 reboot=t panic=-1 pci=off acpi=off"
#define CMOS_INDEX	0x70		/* the RTC, as the VMM answers it */
#define CMOS_DATA	0x71
#define VMM_MMIO	0xf0000ULL
#define VMM_MMIO_SIZE	0x1000
#define TSS_ADDR	0xfffbd000	/* for VMX; above RAM and the window */

#define UART_PORT_MIN	0x3f8
#define UART_PORT_MAX	0x3ff
#define UART_IRQ	4
#define MMIO_WIN_MIN	0xd0000
#define MMIO_WIN_MAX	0xeffff
#define MSI_VECTOR	0x41		/* the block's MSI, at the guest's APIC */

#define MAX_REPORTS	100		/* "no device" addresses reported */
#define NR_PHASES	9		/* of the bench */

struct dev {
	const char *type;
	uint32_t id;
	unsigned int bus;		/* DBDEV_IO_PIO or DBDEV_IO_MMIO */
	uint64_t base, size;
	uint32_t gsi;			/* its IRQ line or MSI vector */
	uint64_t exits;			/* exits of its accesses the VMM saw */
};

static struct dev devs[2];
static unsigned int nr_devs;
static struct dev *uart, *regblk;

/*
 * Exits that reached the VMM for no device: in all, and per address (the
 * first MAX_REPORTS addresses, each reported once when first seen).
 */
static struct {
	uint64_t exits;
	struct {
		uint64_t key;		/* bus << 63 | address */
		uint64_t exits;
	} addr[MAX_REPORTS];
	unsigned int reported;
} nodev;
static uint64_t exitport, vmmport, cmosport;

static int dbdev_fd = -1, vm_fd = -1;
static uint8_t *ram;
static uint64_t ram_size = LOW_RAM;
static bool linux_guest;		/* a bzImage, not a flat binary */
static struct timespec started;		/* when the vCPU first ran */
static long run_size;

/*
 * The vCPUs, each run by a thread of its own: vCPU 0 by the main thread,
 * which takes the timeout's SIGALRM and --signal-us's ticks; the others
 * (Linux's secondary CPUs, which KVM holds until the guest starts them)
 * by threads that take only SIGUSR2, with which the vCPU that ends the
 * run stops the rest.  Exits that reach the VMM are handled one at a time
 * under exit_lock: the counters and the CMOS clock's index are shared.
 */
#define MAX_CPUS	8
static struct vcpu {
	unsigned int id;
	int fd;
	struct kvm_run *run;
	pthread_t thread;
} vcpus[MAX_CPUS];
static unsigned int nr_cpus = 1;
static pthread_mutex_t exit_lock = PTHREAD_MUTEX_INITIALIZER;
static bool stopping;			/* under exit_lock */
static int final_status;
static bool trace, userspace, with_irqchip = true, interactive;
static volatile sig_atomic_t timed_out;

/* The bench: what the guest's mark port started, and when. */
static struct {
	unsigned int count;		/* accesses in a phase */
	unsigned int phase;		/* running, 0: none */
	struct timespec start;
	uint64_t ns[NR_PHASES + 1];	/* the best round of each phase */
	unsigned int rounds[NR_PHASES + 1];
} bench;

void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("vmm: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(VMM_FAIL);
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: vmm [options] GUEST.bin\n"
		"       vmm [options] --linux BZIMAGE [--initrd FILE]\n"
		"Runs a flat real-mode binary (loaded at 0x1000:0000), or boots Linux, with its\n"
		"devices in dbdev.\n"
		"  -d, --dev PATH        the dbdev device (default /dev/dbdev)\n"
		"  -k, --kvm PATH        the KVM device (default /dev/kvm)\n"
		"  -t, --timeout SEC     give up after SEC seconds (default 30, 0: never)\n"
		"  -L, --linux BZIMAGE   boot this kernel, with KVM's PIT too\n"
		"  -r, --initrd FILE     its initramfs\n"
		"  -a, --append TEXT     its command line (default: %s)\n"
		"  -m, --mem MIB         its memory (default 256)\n"
		"  -c, --cpus N          its CPUs, one thread each (default 1, at most 8)\n"
		"  -M, --mark TEXT       say how long the guest took to print TEXT\n"
		"  -w, --input-after TEXT  hold stdin back until the guest printed TEXT\n"
		"  -u, --userspace       run the vCPU in the VMM and forward accesses with\n"
		"                        DBDEV_IO, instead of DBDEV_KVM_RUN\n"
		"  -n, --no-irqchip      no KVM interrupt controllers: HLT ends the run\n"
		"  -i, --interactive     stdin goes to the UART (the terminal's keys, raw);\n"
		"                        Linux gets dbdev.shell on its command line\n"
		"  -s, --signal-us N     interrupt the vCPU with a signal every N us\n"
		"  -T, --trace           print every exit that reaches the VMM on stderr\n"
		"  -h, --help            this text\n"
		"The guest's serial output goes to stdout, the VMM's messages to stderr.\n"
		"Exit status: what the guest wrote to port 0x%x, 0 after HLT or when Linux\n"
		"resets the machine (1 after a kernel panic), %d when the VMM fails.\n",
		DEFAULT_CMDLINE, EXIT_PORT, VMM_FAIL);
}

static uint64_t ns_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000000000ULL + t.tv_nsec - t0->tv_nsec;
}

/*
 * Texts the VMM looks for in what the guest sends on the UART: a mark to
 * time (--mark), the one that lets stdin through (--input-after), and a
 * kernel panic.
 */
enum { WATCH_MARK, WATCH_INPUT, WATCH_PANIC, NR_WATCHES };

static struct watch {
	const char *text;
	size_t matched;
	bool seen;
	uint64_t ns;			/* when, since the vCPU first ran */
} watches[NR_WATCHES] = {
	[WATCH_PANIC] = { .text = "Kernel panic - not syncing" },
};

static void watch_output(const uint8_t *buf, size_t len)
{
	struct watch *w;
	size_t i;

	for (w = watches; w < watches + NR_WATCHES; w++) {
		for (i = 0; w->text && !w->seen && i < len; i++) {
			if (buf[i] != (uint8_t)w->text[w->matched]) {
				w->matched = buf[i] == (uint8_t)w->text[0];
				continue;
			}
			if (!w->text[++w->matched]) {
				w->seen = true;
				w->ns = ns_since(&started);
			}
		}
	}
}

/* ------------------------------------------------------------------------
 * dbdev: devices and their interrupts
 */

static void set_pools(void)
{
	struct dbdev_upools p = { .argsz = sizeof(p) };

	if (ioctl(dbdev_fd, DBDEV_GET_POOLS, &p))
		die("DBDEV_GET_POOLS: %m");
	/* real mode reaches MMIO below 1 MiB; Linux has RAM there */
	if (!linux_guest) {
		memset(p.mmio, 0, sizeof(p.mmio));
		p.mmio[0].min = MMIO_WIN_MIN;
		p.mmio[0].max = MMIO_WIN_MAX;
		p.nr_mmio = 1;
	}
	/* dbdev leaves the serial ports' IRQs 3 and 4 out; our COM1 is its */
	p.legacy_irq.min = 3;
	if (ioctl(dbdev_fd, DBDEV_SET_POOLS, &p))
		die("DBDEV_SET_POOLS: %m");
}

/*
 * Create a device of @type called @name from two constraints: its range,
 * inside [@min, @max] (anywhere in the pool if @max is 0), and an
 * interrupt (@irq_con: a fixed legacy IRQ or an MSI vector).
 */
static struct dev *create(const char *type, const char *name, uint32_t kind,
			  uint64_t size, uint64_t min, uint64_t max,
			  struct dbdev_uconstraint irq_con)
{
	struct dbdev_uconstraint c[2] = {
		{
			.type = kind,
			.flags = max ? DBDEV_UC_WINDOW : 0,
			.size = size,
			.min = min,
			.max = max,
		},
		irq_con,
	};
	struct dbdev_uresource res[DBDEV_MAX_ITEMS];
	struct dbdev_create_device arg = {
		.argsz = sizeof(arg),
		.flags = DBDEV_CREATE_CONSTRAINTS,
		.nr_items = 2,
		.items = (uintptr_t)c,
		.assigned = (uintptr_t)res,
		.assigned_max = ARRAY_SIZE(res),
	};
	struct dev *d = &devs[nr_devs];

	snprintf(arg.type, sizeof(arg.type), "%s", type);
	snprintf(arg.name, sizeof(arg.name), "%s", name);
	if (ioctl(dbdev_fd, DBDEV_CREATE_DEVICE, &arg)) {
		if (errno == ENOENT)
			die("no device type %s in dbdev: load its module (samples/%s.ko)",
			    type, kind == DBDEV_UC_PIO ? "dbdev_uart" : "dbdev_regs");
		die("cannot create a %s: %m", type);
	}
	if (arg.nr_assigned != 2 ||
	    res[0].type != (kind == DBDEV_UC_PIO ? DBDEV_UR_PIO : DBDEV_UR_MMIO))
		die("%s: unexpected resources", type);
	d->type = type;
	d->id = arg.id;
	d->bus = kind == DBDEV_UC_PIO ? DBDEV_IO_PIO : DBDEV_IO_MMIO;
	d->base = res[0].base;
	d->size = res[0].size;
	d->gsi = res[1].base;
	nr_devs++;
	fprintf(stderr, "vmm: device %u %s at %s 0x%" PRIx64 "-0x%" PRIx64
		", %s %u\n", d->id, type, d->bus == DBDEV_IO_PIO ? "PIO" : "MMIO",
		d->base, d->base + d->size - 1,
		res[1].type == DBDEV_UR_MSI ? "MSI vector (GSI)" : "IRQ", d->gsi);
	return d;
}

static int new_eventfd(int flags)
{
	int fd = eventfd(0, EFD_CLOEXEC | flags);

	if (fd < 0)
		die("eventfd: %m");
	return fd;
}

/* Connect @fd (and @resample_fd, or -1) to an interrupt of @d. */
static void dbdev_eventfd(struct dev *d, uint32_t kind, uint32_t index, int fd,
			  int resample_fd)
{
	struct dbdev_device_eventfd arg = {
		.argsz = sizeof(arg),
		.flags = resample_fd >= 0 ? DBDEV_EVENTFD_RESAMPLE : 0,
		.id = d->id,
		.kind = kind,
		.index = index,
		.fd = fd,
		.resample_fd = resample_fd,
	};

	if (ioctl(dbdev_fd, DBDEV_DEVICE_EVENTFD, &arg))
		die("DBDEV_DEVICE_EVENTFD for device %u: %m", d->id);
}

/*
 * The device's line or vector as a KVM irqfd: dbdev signals the eventfd,
 * KVM injects the GSI.  A line is a level: KVM signals the resample
 * eventfd when the guest acknowledges it, and dbdev signals the line
 * again if the device still holds it.
 */
static void connect_irq(struct dev *d, uint32_t kind)
{
	struct kvm_irqfd irqfd = {
		.fd = new_eventfd(0),
		.gsi = d->gsi,
	};

	if (kind == DBDEV_EVENTFD_LINE) {
		irqfd.flags = KVM_IRQFD_FLAG_RESAMPLE;
		irqfd.resamplefd = new_eventfd(0);
	}
	if (ioctl(vm_fd, KVM_IRQFD, &irqfd))
		die("KVM_IRQFD for GSI %u: %m", d->gsi);
	dbdev_eventfd(d, kind, 0, irqfd.fd,
		      kind == DBDEV_EVENTFD_LINE ? (int)irqfd.resamplefd : -1);
}

/*
 * GSI n to the PIC's pin n (n < 16) and to the IOAPIC's pin n: KVM's own
 * routes but for GSI 0, which KVM sends to IOAPIC pin 2 as a PC does.  One
 * GSI a pin keeps the acknowledgments straight (KVM's PIT waits for the
 * IOAPIC's to send its next tick), and Linux's MP table says so (linux.c).
 * Then the block's MSI vector to the guest's APIC: KVM_SET_GSI_ROUTING
 * replaces the whole table.
 */
static void set_routing(void)
{
	struct {
		struct kvm_irq_routing head;
		struct kvm_irq_routing_entry e[16 + 24 + 1];
	} r;
	struct kvm_irq_routing_entry *e = r.e;
	unsigned int gsi;

	memset(&r, 0, sizeof(r));
	for (gsi = 0; gsi < 24; gsi++) {
		if (gsi < 16)
			*e++ = (struct kvm_irq_routing_entry){
				.gsi = gsi,
				.type = KVM_IRQ_ROUTING_IRQCHIP,
				.u.irqchip = { gsi < 8 ? KVM_IRQCHIP_PIC_MASTER :
					       KVM_IRQCHIP_PIC_SLAVE, gsi % 8 },
			};
		*e++ = (struct kvm_irq_routing_entry){
			.gsi = gsi,
			.type = KVM_IRQ_ROUTING_IRQCHIP,
			.u.irqchip = { KVM_IRQCHIP_IOAPIC, gsi },
		};
	}
	*e++ = (struct kvm_irq_routing_entry){
		.gsi = regblk->gsi,
		.type = KVM_IRQ_ROUTING_MSI,
		.u.msi = { .address_lo = 0xfee00000, .data = MSI_VECTOR },
	};
	r.head.nr = e - r.e;
	if (ioctl(vm_fd, KVM_SET_GSI_ROUTING, &r))
		die("KVM_SET_GSI_ROUTING: %m");
}

static struct dev *find_dev(unsigned int bus, uint64_t addr)
{
	unsigned int i;

	for (i = 0; i < nr_devs; i++)
		if (devs[i].bus == bus && addr - devs[i].base < devs[i].size)
			return &devs[i];
	return NULL;
}

static const char *const bus_name[] = { "PIO", "MMIO" };
static const char *const dir_name[] = { "read", "write" };

/* An access no device owns: reported once per address, reads all ones. */
static void no_device(unsigned int bus, unsigned int dir, uint64_t addr,
		      bool string)
{
	uint64_t key = (uint64_t)bus << 63 | addr;
	unsigned int i;

	nodev.exits++;
	for (i = 0; i < nodev.reported && i < MAX_REPORTS; i++) {
		if (nodev.addr[i].key == key) {
			nodev.addr[i].exits++;
			return;
		}
	}
	if (nodev.reported == MAX_REPORTS) {
		fprintf(stderr, "vmm: more addresses without a device; counting them only\n");
		nodev.reported++;
	}
	if (nodev.reported > MAX_REPORTS)
		return;
	nodev.addr[nodev.reported].key = key;
	nodev.addr[nodev.reported++].exits = 1;
	fprintf(stderr, "vmm: unhandled %s %s at 0x%" PRIx64 " (no device)%s\n",
		bus_name[bus], dir_name[dir], addr, string ? ", string I/O" : "");
}

/* The addresses no device owns that cost the most exits, most first. */
static void print_nodev(void)
{
	unsigned int i, n = nodev.reported < MAX_REPORTS ? nodev.reported :
							      MAX_REPORTS;
	unsigned int shown, best;
	bool done[MAX_REPORTS] = { false };

	for (shown = 0; shown < 5 && shown < n; shown++) {
		best = n;
		for (i = 0; i < n; i++)
			if (!done[i] && (best == n ||
			    nodev.addr[i].exits > nodev.addr[best].exits))
				best = i;
		done[best] = true;
		fprintf(stderr, "%s %s 0x%" PRIx64 " x%" PRIu64,
			shown ? "," : "vmm: most exits for no device:",
			bus_name[nodev.addr[best].key >> 63],
			(uint64_t)(nodev.addr[best].key & ~(1ULL << 63)),
			nodev.addr[best].exits);
	}
	if (shown)
		fputc('\n', stderr);
}

/* An access a device failed (or that ran past the end of its range). */
static void access_failed(unsigned int bus, unsigned int dir, uint64_t addr,
			  unsigned int size, unsigned int count, int err,
			  bool device, unsigned int done)
{
	struct dev *d = find_dev(bus, addr);

	if (!device && err == -ERANGE)
		fprintf(stderr, "vmm: %s %s of %u bytes at 0x%" PRIx64
			" runs past the end of device %u (-ERANGE)\n",
			bus_name[bus], dir_name[dir], size, addr, d ? d->id : 0);
	else
		fprintf(stderr, "vmm: %s %s of %u bytes at 0x%" PRIx64
			" failed: %s (%u of %u elements done)\n", bus_name[bus],
			dir_name[dir], size, addr, strerror(-err), done, count);
}

/*
 * One access of the guest, forwarded with DBDEV_IO: @count elements of
 * @size bytes at @data, to @addr (port I/O: every element to the same
 * port).  Reads that no device answers are all ones.
 */
static void inject(unsigned int bus, unsigned int dir, uint64_t addr,
		   unsigned int size, unsigned int count, uint8_t *data)
{
	struct dbdev_io_one arg = {
		.argsz = sizeof(arg),
		.io = {
			.bus = bus,
			.dir = dir,
			.size = size,
			.count = count,
			.addr = addr,
			.data = (uintptr_t)data,
		},
	};
	struct dev *d = find_dev(bus, addr);

	if (ioctl(dbdev_fd, DBDEV_IO, &arg))
		die("DBDEV_IO %s %s at 0x%" PRIx64 " size %u count %u: %m",
		    bus_name[bus], dir_name[dir], addr, size, count);
	if (arg.io.result == -ENODEV && !arg.io.device && !arg.io.done) {
		no_device(bus, dir, addr, count > 1);
		d = NULL;
	} else if (arg.io.result) {
		access_failed(bus, dir, addr, size, count, arg.io.result,
			      arg.io.device, arg.io.done);
	}
	if (arg.io.result && dir == DBDEV_IO_READ)
		memset(data + (size_t)arg.io.done * size, 0xff,
		       (size_t)(count - arg.io.done) * size);
	if (d)
		d->exits++;
}

/* Copy what the guest transmitted on the UART to stdout. */
static void drain_uart(void)
{
	uint8_t buf[DBDEV_UART_TX_MAX];
	struct dbdev_device_ctl ctl = {
		.argsz = sizeof(ctl),
		.op = DBDEV_UART_READ_TX,
		.buf = (uintptr_t)buf,
	};
	size_t off;
	ssize_t n;

	do {
		ctl.id = uart->id;
		ctl.in_len = 0;
		ctl.out_len = sizeof(buf);
		if (ioctl(dbdev_fd, DBDEV_DEVICE_CTL, &ctl))
			die("DBDEV_UART_READ_TX: %m");
		watch_output(buf, ctl.out_len);
		for (off = 0; off < ctl.out_len; off += n) {
			n = write(STDOUT_FILENO, buf + off, ctl.out_len - off);
			if (n < 0 && errno == EINTR)
				n = 0;
			else if (n < 0)
				die("writing the guest's output: %m");
		}
	} while (ctl.out_len == sizeof(buf));
}

/* Give the guest @len bytes of input, waiting while its FIFO is full. */
static void feed_uart(const uint8_t *buf, size_t len)
{
	struct dbdev_device_ctl ctl = {
		.argsz = sizeof(ctl),
		.op = DBDEV_UART_WRITE_RX,
	};
	size_t n;

	while (len) {
		n = len < DBDEV_UART_RX_MAX ? len : DBDEV_UART_RX_MAX;
		ctl.id = uart->id;
		ctl.buf = (uintptr_t)buf;
		ctl.in_len = n;
		ctl.out_len = 0;
		if (ioctl(dbdev_fd, DBDEV_DEVICE_CTL, &ctl)) {
			if (errno != ENOSPC)
				die("DBDEV_UART_WRITE_RX: %m");
			usleep(1000);
			continue;
		}
		buf += n;
		len -= n;
	}
}

/* ------------------------------------------------------------------------
 * The I/O thread: the UART's output and input
 */

static int notify_fd, stop_fd;
static bool feed_stdin;
static struct termios saved_tty;

/*
 * Copy the guest's output to stdout when the UART says it has some, and
 * stdin to the guest (with --input-after, once the guest has said so).
 */
static void *io_thread(void *unused)
{
	struct pollfd p[3] = {
		{ .fd = notify_fd, .events = POLLIN },
		{ .fd = stop_fd, .events = POLLIN },
		{ .fd = -1, .events = POLLIN },
	};
	struct watch *gate = &watches[WATCH_INPUT];
	bool input = feed_stdin;
	uint8_t buf[256];
	uint64_t count;
	ssize_t n;

	(void)unused;
	for (;;) {
		if (input && (!gate->text || gate->seen))
			p[2].fd = STDIN_FILENO;
		if (poll(p, ARRAY_SIZE(p), -1) < 0) {
			if (errno == EINTR)
				continue;
			die("poll: %m");
		}
		if (p[0].revents & POLLIN) {
			if (read(notify_fd, &count, sizeof(count)) < 0 &&
			    errno != EAGAIN)
				die("reading the UART's eventfd: %m");
			drain_uart();
		}
		if (p[2].revents & (POLLIN | POLLHUP)) {
			n = read(STDIN_FILENO, buf, sizeof(buf));
			if (n <= 0) {
				input = false;	/* end of input */
				p[2].fd = -1;
			} else {
				feed_uart(buf, n);
			}
		}
		if (p[1].revents & POLLIN)
			return NULL;
	}
}

static void restore_tty(void)
{
	tcsetattr(STDIN_FILENO, TCSANOW, &saved_tty);
}

/*
 * Start the I/O thread with every signal blocked, so that the vCPU
 * thread gets them and DBDEV_KVM_RUN returns for them.
 */
static pthread_t start_io_thread(void)
{
	sigset_t all, old;
	struct termios raw;
	pthread_t t;

	notify_fd = new_eventfd(EFD_NONBLOCK);
	stop_fd = new_eventfd(0);
	dbdev_eventfd(uart, DBDEV_EVENTFD_NOTIFY, 0, notify_fd, -1);
	feed_stdin = interactive || !isatty(STDIN_FILENO);
	if (interactive && isatty(STDIN_FILENO)) {
		tcgetattr(STDIN_FILENO, &saved_tty);
		raw = saved_tty;
		cfmakeraw(&raw);
		raw.c_oflag |= OPOST | ONLCR;
		tcsetattr(STDIN_FILENO, TCSANOW, &raw);
		atexit(restore_tty);
	}
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	errno = pthread_create(&t, NULL, io_thread, NULL);
	if (errno)
		die("pthread_create: %m");
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return t;
}

static void stop_io_thread(pthread_t t)
{
	uint64_t one = 1;

	if (write(stop_fd, &one, sizeof(one)) != sizeof(one))
		die("stopping the I/O thread: %m");
	pthread_join(t, NULL);
	drain_uart();
}

/* ------------------------------------------------------------------------
 * KVM
 */

static void load_guest(const char *path, uint8_t *ram)
{
	ssize_t n;
	size_t len = 0;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		die("%s: %m", path);
	while ((n = read(fd, ram + LOAD_ADDR + len, LOAD_MAX + 1 - len)) > 0)
		len += n;
	if (n < 0)
		die("%s: %m", path);
	if (len > LOAD_MAX)
		die("%s: larger than %d bytes", path, LOAD_MAX);
	if (!len)
		die("%s: empty", path);
	close(fd);
}

static void set_seg(struct kvm_segment *s, uint16_t sel)
{
	s->selector = sel;
	s->base = (uint64_t)sel << 4;
}

/* The real-mode guest's registers (see the top of the file). */
static void setup_vcpu(int fd)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs;

	if (ioctl(fd, KVM_GET_SREGS, &sregs))
		die("KVM_GET_SREGS: %m");
	set_seg(&sregs.cs, LOAD_SEG);
	set_seg(&sregs.ds, LOAD_SEG);
	set_seg(&sregs.es, LOAD_SEG);
	set_seg(&sregs.ss, LOAD_SEG);
	set_seg(&sregs.fs, regblk->base >> 4);
	set_seg(&sregs.gs, 0);
	if (ioctl(fd, KVM_SET_SREGS, &sregs))
		die("KVM_SET_SREGS: %m");

	memset(&regs, 0, sizeof(regs));
	regs.rip = 0;
	regs.rsp = ENTRY_SP;
	regs.rflags = 0x2;
	regs.rdx = uart->base;
	if (ioctl(fd, KVM_SET_REGS, &regs))
		die("KVM_SET_REGS: %m");
}

static void dump_vcpu(const struct vcpu *v)
{
	struct kvm_sregs s;
	struct kvm_regs r;

	if (ioctl(v->fd, KVM_GET_REGS, &r) || ioctl(v->fd, KVM_GET_SREGS, &s))
		return;
	fprintf(stderr,
		"vmm: vCPU %u: cs:ip %04x:%04llx ss:sp %04x:%04llx ax %04llx bx %04llx cx %04llx dx %04llx flags %04llx\n",
		v->id, s.cs.selector, r.rip, s.ss.selector, r.rsp, r.rax, r.rbx,
		r.rcx, r.rdx, r.rflags);
}

static void on_alarm(int sig)
{
	(void)sig;
	timed_out = 1;
}

/* SIGUSR1 (--signal-us) and SIGUSR2 (stop): only to make KVM_RUN return */
static void on_tick(int sig)
{
	(void)sig;
}

/*
 * A byte written to the mark port: phase @v of the bench starts, and the
 * one running ends.  Phases 4, 8 and 9 run under DBDEV_KVM_RUN, the
 * others in the VMM's own loop, as a VMM without it would run them.
 */
static void mark(uint8_t v)
{
	unsigned int p = bench.phase;
	uint64_t ns;

	if (p) {
		ns = ns_since(&bench.start);
		if (!bench.rounds[p]++ || ns < bench.ns[p])
			bench.ns[p] = ns;
	}
	bench.phase = v <= NR_PHASES ? v : 0;
	userspace = bench.phase && bench.phase != 4 && bench.phase != 8 &&
		    bench.phase != 9;
	clock_gettime(CLOCK_MONOTONIC, &bench.start);
}

static uint8_t bcd(int v)
{
	return (v / 10) << 4 | v % 10;
}

/*
 * The RTC's registers, read only, enough for a kernel to read the date:
 * the host's UTC time in BCD, 24 hours, never in an update (a kernel that
 * read all ones would wait for the update to end, thousands of exits).
 */
static void cmos(unsigned int dir, uint16_t port, uint8_t *data, size_t bytes)
{
	static uint8_t index;
	struct tm tm;
	time_t now;

	if (port == CMOS_INDEX) {
		if (dir == DBDEV_IO_WRITE)
			index = data[0] & 0x7f;
		else
			memset(data, 0xff, bytes);
		return;
	}
	if (dir == DBDEV_IO_WRITE)
		return;
	now = time(NULL);
	gmtime_r(&now, &tm);
	switch (index) {
	case 0x00: data[0] = bcd(tm.tm_sec); break;
	case 0x02: data[0] = bcd(tm.tm_min); break;
	case 0x04: data[0] = bcd(tm.tm_hour); break;
	case 0x06: data[0] = bcd(tm.tm_wday + 1); break;
	case 0x07: data[0] = bcd(tm.tm_mday); break;
	case 0x08: data[0] = bcd(tm.tm_mon + 1); break;
	case 0x09: data[0] = bcd(tm.tm_year % 100); break;
	case 0x32: data[0] = bcd(19 + tm.tm_year / 100); break;
	case 0x0a: data[0] = 0x26; break;	/* 32.768 kHz, no update */
	case 0x0b: data[0] = 0x02; break;	/* 24 hours, BCD */
	case 0x0d: data[0] = 0x80; break;	/* time valid */
	default: data[0] = 0; break;
	}
	memset(data + 1, data[0], bytes - 1);
}

/*
 * The VMM's own port-I/O: for Linux the CMOS clock; for the real-mode
 * guests the exit port, the mark port and its own port.
 */
static bool own_port(unsigned int dir, uint16_t port, uint8_t *data,
		     size_t bytes, int *status)
{
	if (linux_guest) {
		if (port != CMOS_INDEX && port != CMOS_DATA)
			return false;
		cmosport++;
		cmos(dir, port, data, bytes);
		return true;
	}
	switch (port) {
	case EXIT_PORT:
		exitport++;
		if (dir == DBDEV_IO_WRITE)
			*status = data[0];
		else
			memset(data, 0xff, bytes);
		return true;
	case MARK_PORT:
		if (dir == DBDEV_IO_WRITE && bytes == 1)
			mark(data[0]);
		else if (dir == DBDEV_IO_WRITE && bytes == 2)
			bench.count = data[0] | data[1] << 8;
		return true;
	case VMM_PORT:
		vmmport++;
		if (dir == DBDEV_IO_READ)
			memset(data, 0x5a, bytes);
		return true;
	default:
		return false;
	}
}

/*
 * An exit that reached the VMM.  Accesses the VMM does not own itself go
 * to dbdev with DBDEV_IO (--userspace); under DBDEV_KVM_RUN (@in_kernel)
 * they are the ones no device owns.  Returns the exit status once the
 * guest is done, else -1.
 */
static int handle_exit(struct vcpu *v, bool in_kernel)
{
	struct kvm_run *run = v->run;
	int status = -1;

	switch (run->exit_reason) {
	case KVM_EXIT_IO: {
		uint8_t *data = (uint8_t *)run + run->io.data_offset;
		unsigned int dir = run->io.direction == KVM_EXIT_IO_OUT ?
				   DBDEV_IO_WRITE : DBDEV_IO_READ;
		size_t bytes = (size_t)run->io.size * run->io.count;

		if (trace)
			fprintf(stderr, "vmm: exit PIO %s port 0x%x size %u count %u\n",
				dir_name[dir], run->io.port, run->io.size,
				run->io.count);
		if (own_port(dir, run->io.port, data, bytes, &status))
			break;
		if (in_kernel) {
			no_device(DBDEV_IO_PIO, dir, run->io.port, run->io.count > 1);
			if (dir == DBDEV_IO_READ)
				memset(data, 0xff, bytes);
		} else {
			inject(DBDEV_IO_PIO, dir, run->io.port, run->io.size,
			       run->io.count, data);
		}
		break;
	}
	case KVM_EXIT_MMIO: {
		unsigned int dir = run->mmio.is_write ? DBDEV_IO_WRITE :
							DBDEV_IO_READ;
		uint64_t addr = run->mmio.phys_addr;

		if (trace)
			fprintf(stderr, "vmm: exit MMIO %s 0x%llx len %u\n",
				dir_name[dir], run->mmio.phys_addr, run->mmio.len);
		if (addr - VMM_MMIO < VMM_MMIO_SIZE) {
			vmmport++;
			if (dir == DBDEV_IO_READ)
				memset(run->mmio.data, 0x5a, run->mmio.len);
		} else if (in_kernel) {
			no_device(DBDEV_IO_MMIO, dir, addr, false);
			if (dir == DBDEV_IO_READ)
				memset(run->mmio.data, 0xff, run->mmio.len);
		} else {
			inject(DBDEV_IO_MMIO, dir, addr, run->mmio.len, 1,
			       run->mmio.data);
		}
		break;
	}
	case KVM_EXIT_HLT:
		status = 0;
		break;
	case KVM_EXIT_SHUTDOWN:
		if (linux_guest) {	/* reboot=t: it reset itself */
			status = watches[WATCH_PANIC].seen;
			break;
		}
		dump_vcpu(v);
		die("the guest shut down (triple fault)");
	case KVM_EXIT_FAIL_ENTRY:
		die("KVM_EXIT_FAIL_ENTRY, reason 0x%llx",
		    (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
	case KVM_EXIT_INTERNAL_ERROR:
		dump_vcpu(v);
		die("KVM_EXIT_INTERNAL_ERROR, suberror %u", run->internal.suberror);
	default:
		dump_vcpu(v);
		die("unexpected exit reason %u", run->exit_reason);
	}
	return status;
}

/* KVM_RUN failed with @err: a signal goes on (unless time is up). */
static void run_failed(const struct vcpu *v, int err)
{
	if (err != EINTR && err != EAGAIN)
		die("KVM_RUN: %s", strerror(err));
	if (timed_out) {
		dump_vcpu(v);
		die("the guest runs past the timeout");
	}
}

/*
 * DBDEV_KVM_RUN returned an access a device failed: complete the exit as
 * for an access no device owns (the elements not done read all ones).
 */
static void complete_failed(struct vcpu *v, const struct dbdev_kvm_run *kr)
{
	struct kvm_run *run = v->run;

	if (run->exit_reason == KVM_EXIT_IO) {
		uint8_t *data = (uint8_t *)run + run->io.data_offset;
		unsigned int dir = run->io.direction == KVM_EXIT_IO_OUT ?
				   DBDEV_IO_WRITE : DBDEV_IO_READ;

		access_failed(DBDEV_IO_PIO, dir, run->io.port, run->io.size,
			      run->io.count, kr->error, kr->device, kr->done);
		if (dir == DBDEV_IO_READ)
			memset(data + (size_t)kr->done * run->io.size, 0xff,
			       (size_t)(run->io.count - kr->done) * run->io.size);
		if (find_dev(DBDEV_IO_PIO, run->io.port))
			find_dev(DBDEV_IO_PIO, run->io.port)->exits++;
	} else {
		access_failed(DBDEV_IO_MMIO, run->mmio.is_write, run->mmio.phys_addr,
			      run->mmio.len, 1, kr->error, kr->device, 0);
		if (!run->mmio.is_write)
			memset(run->mmio.data, 0xff, run->mmio.len);
		if (find_dev(DBDEV_IO_MMIO, run->mmio.phys_addr))
			find_dev(DBDEV_IO_MMIO, run->mmio.phys_addr)->exits++;
	}
}

/*
 * The guest is done, with @status: the first vCPU to say so ends the run
 * and makes the others' KVM_RUN return (immediate_exit covers a vCPU
 * between two KVM_RUNs, which the signal would miss).
 */
static void stop_vcpus(const struct vcpu *self, int status)
{
	unsigned int i;

	if (stopping)
		return;
	stopping = true;
	final_status = status;
	for (i = 0; i < nr_cpus; i++) {
		if (&vcpus[i] == self)
			continue;
		vcpus[i].run->immediate_exit = 1;
		pthread_kill(vcpus[i].thread, SIGUSR2);
	}
}

/* One exit that reached the VMM, handled under exit_lock. */
static void vmm_exit(struct vcpu *v, const struct dbdev_kvm_run *kr,
		     bool in_kernel)
{
	int status;

	pthread_mutex_lock(&exit_lock);
	if (kr) {
		complete_failed(v, kr);
	} else {
		status = handle_exit(v, in_kernel);
		if (status >= 0)
			stop_vcpus(v, status);
	}
	pthread_mutex_unlock(&exit_lock);
}

static bool vcpu_stopped(void)
{
	bool stopped;

	pthread_mutex_lock(&exit_lock);
	stopped = stopping;
	pthread_mutex_unlock(&exit_lock);
	return stopped;
}

/* Run vCPU @v until the guest is done. */
static void run_vcpu(struct vcpu *v)
{
	struct dbdev_kvm_run kr = {
		.argsz = sizeof(kr),
		.flags = DBDEV_KVM_RUN_VM,
		.vcpu_fd = v->fd,
		.vm_fd = vm_fd,
		.run = (uintptr_t)v->run,
		.run_size = run_size,
	};

	while (!vcpu_stopped()) {
		if (userspace) {
			if (ioctl(v->fd, KVM_RUN, 0))
				run_failed(v, errno);
			else
				vmm_exit(v, NULL, false);
			continue;
		}
		if (ioctl(dbdev_fd, DBDEV_KVM_RUN, &kr))
			die("DBDEV_KVM_RUN: %m");
		switch (kr.reason) {
		case DBDEV_KVM_RUN_EXIT:
			vmm_exit(v, NULL, true);
			break;
		case DBDEV_KVM_RUN_KVM_ERROR:
			run_failed(v, -kr.error);
			break;
		case DBDEV_KVM_RUN_IO_ERROR:
			vmm_exit(v, &kr, true);
			break;
		default:
			die("DBDEV_KVM_RUN: unknown reason %u", kr.reason);
		}
	}
}

static void *vcpu_thread(void *arg)
{
	run_vcpu(arg);
	return NULL;
}

/*
 * Create vCPU @id and map its run area.  Linux's secondary CPUs wait in
 * KVM for the guest's INIT and SIPI: they need their CPUID, nothing else.
 */
static void create_vcpu(int kvm, unsigned int id)
{
	struct vcpu *v = &vcpus[id];

	v->id = id;
	v->fd = ioctl(vm_fd, KVM_CREATE_VCPU, id);
	if (v->fd < 0)
		die("KVM_CREATE_VCPU: %m");
	v->run = mmap(NULL, run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		      v->fd, 0);
	if (v->run == MAP_FAILED)
		die("mmap of the vCPU: %m");
	if (!linux_guest) {
		setup_vcpu(v->fd);
		return;
	}
	set_cpuid(kvm, v->fd, id);
	if (!id)
		linux_setup_vcpu(v->fd);
}

/*
 * Start the threads of the vCPUs other than 0, taking only SIGUSR2 (the
 * main thread gets SIGALRM and the ticks), then run vCPU 0 here; the
 * guest's exit status once all are done.
 */
static int run_vcpus(void)
{
	struct sigaction stop = { .sa_handler = on_tick };
	sigset_t mask, old;
	unsigned int i;

	sigaction(SIGUSR2, &stop, NULL);	/* no SA_RESTART */
	sigfillset(&mask);
	sigdelset(&mask, SIGUSR2);
	pthread_sigmask(SIG_SETMASK, &mask, &old);
	vcpus[0].thread = pthread_self();
	for (i = 1; i < nr_cpus; i++) {
		errno = pthread_create(&vcpus[i].thread, NULL, vcpu_thread,
				       &vcpus[i]);
		if (errno)
			die("pthread_create: %m");
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	run_vcpu(&vcpus[0]);
	for (i = 1; i < nr_cpus; i++)
		pthread_join(vcpus[i].thread, NULL);
	return final_status;
}

/* Interrupt the vCPU thread with SIGUSR1 every @us microseconds. */
static void start_ticks(unsigned long us)
{
	struct sigaction sa = { .sa_handler = on_tick };
	struct sigevent ev = {
		.sigev_notify = SIGEV_SIGNAL,
		.sigev_signo = SIGUSR1,
	};
	struct itimerspec its = {
		.it_interval = { us / 1000000, us % 1000000 * 1000 },
		.it_value = { us / 1000000, us % 1000000 * 1000 },
	};
	timer_t timer;

	sigaction(SIGUSR1, &sa, NULL);	/* no SA_RESTART */
	if (timer_create(CLOCK_MONOTONIC, &ev, &timer) ||
	    timer_settime(timer, 0, &its, NULL))
		die("timer: %m");
}

/* ------------------------------------------------------------------------
 * What happened
 */

static uint64_t irqs_of(const struct dev *d)
{
	struct dbdev_device_stats st = { .argsz = sizeof(st), .id = d->id };

	if (ioctl(dbdev_fd, DBDEV_DEVICE_STATS, &st))
		die("DBDEV_DEVICE_STATS: %m");
	return st.irqs;
}

static void print_counts(void)
{
	struct dbdev_stats st = { .argsz = sizeof(st) };
	char where[48];
	unsigned int i;

	if (ioctl(dbdev_fd, DBDEV_GET_STATS, &st))
		die("DBDEV_GET_STATS: %m");
	fprintf(stderr, "vmm: %3s  %-16s %-26s %7s %6s\n", "id", "device", "at",
		"to VMM", "irqs");
	for (i = 0; i < nr_devs; i++) {
		struct dev *d = &devs[i];

		snprintf(where, sizeof(where), "%-4s 0x%" PRIx64 "-0x%" PRIx64,
			 bus_name[d->bus], d->base, d->base + d->size - 1);
		fprintf(stderr, "vmm: %3u  %-16s %-26s %7" PRIu64 " %6" PRIu64 "\n",
			d->id, d->type, where, d->exits, irqs_of(d));
	}
	fprintf(stderr, "vmm: %3s  %-16s %-26s %7" PRIu64 "\n", "-",
		"(no device)", "", nodev.exits);
	if (linux_guest) {
		snprintf(where, sizeof(where), "PIO  0x%x-0x%x", CMOS_INDEX,
			 CMOS_DATA);
		fprintf(stderr, "vmm: %3s  %-16s %-26s %7" PRIu64 "\n", "-",
			"(CMOS clock)", where, cmosport);
	} else {
		snprintf(where, sizeof(where), "PIO  0x%x", EXIT_PORT);
		fprintf(stderr, "vmm: %3s  %-16s %-26s %7" PRIu64 "\n", "-",
			"(exit port)", where, exitport);
	}
	/* a secondary vCPU's KVM_RUN fails with EAGAIN when it is started */
	fprintf(stderr, "vmm: in the kernel: %llu port-I/O and %llu MMIO exits served;"
		" DBDEV_KVM_RUN returned %llu times: %llu exits for the VMM, %llu signals,"
		" %llu other KVM_RUN errors, %llu device errors\n",
		st.served_pio, st.served_mmio, st.kvm_runs, st.exits, st.signals,
		st.kvm_errors, st.io_errors);
}

static void print_bench(void)
{
	static const char *const name[NR_PHASES + 1] = {
		[1] = "PIO, a port of the VMM",
		[2] = "PIO, KVM's own device (8259)",
		[3] = "PIO, dbdev through DBDEV_IO",
		[4] = "PIO, dbdev under DBDEV_KVM_RUN",
		[5] = "MMIO, the VMM's",
		[6] = "MMIO, KVM's own device (IOAPIC)",
		[7] = "MMIO, dbdev through DBDEV_IO",
		[8] = "MMIO, dbdev under DBDEV_KVM_RUN",
		[9] = "PIO, the VMM's, under DBDEV_KVM_RUN",
	};
	unsigned int p;

	if (!bench.count || !bench.rounds[2] || !bench.rounds[6])
		return;
	fprintf(stderr, "vmm: bench: %u accesses a phase, best of %u rounds (nested KVM under TCG: compare ratios only)\n",
		bench.count, bench.rounds[1]);
	fprintf(stderr, "vmm: bench: %-36s %9s %11s %9s\n", "access", "ns each",
		"per second", "/ KVM's");
	for (p = 1; p <= NR_PHASES; p++) {
		double ns = (double)bench.ns[p] / bench.count;
		unsigned int limit = p < 5 || p == 9 ? 2 : 6;

		if (!bench.rounds[p])
			continue;
		fprintf(stderr, "vmm: bench: %-36s %9.0f %11.0f %8.2fx\n",
			name[p], ns, 1e9 / ns,
			(double)bench.ns[p] / bench.ns[limit]);
	}
}

/*
 * Guest memory, one mapping: the real-mode guests' 640 KiB (MMIO above);
 * for Linux all of it, the hole below 1 MiB included, which the e820 map
 * reserves (see linux.c) and the kernel's scans for firmware tables read
 * as zeros rather than exits.
 */
static void setup_memory(void)
{
	struct kvm_userspace_memory_region mem = {
		.slot = 0,
		.guest_phys_addr = 0,
		.memory_size = ram_size,
	};

	ram = mmap(NULL, ram_size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (ram == MAP_FAILED)
		die("guest RAM: %m");
	mem.userspace_addr = (uintptr_t)ram;
	if (ioctl(vm_fd, KVM_SET_USER_MEMORY_REGION, &mem))
		die("KVM_SET_USER_MEMORY_REGION: %m");
}

static unsigned long number(const char *s)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (!*s || *end || errno)
		die("bad number '%s'", s);
	return v;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dev", required_argument, NULL, 'd' },
		{ "kvm", required_argument, NULL, 'k' },
		{ "timeout", required_argument, NULL, 't' },
		{ "linux", required_argument, NULL, 'L' },
		{ "initrd", required_argument, NULL, 'r' },
		{ "append", required_argument, NULL, 'a' },
		{ "mem", required_argument, NULL, 'm' },
		{ "cpus", required_argument, NULL, 'c' },
		{ "mark", required_argument, NULL, 'M' },
		{ "input-after", required_argument, NULL, 'w' },
		{ "userspace", no_argument, NULL, 'u' },
		{ "no-irqchip", no_argument, NULL, 'n' },
		{ "interactive", no_argument, NULL, 'i' },
		{ "signal-us", required_argument, NULL, 's' },
		{ "trace", no_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *dev_path = "/dev/dbdev", *kvm_path = "/dev/kvm";
	const char *kernel = NULL, *initrd = NULL;
	const char *cmdline = DEFAULT_CMDLINE;
	char *shell_cmdline;
	struct sigaction sa = { .sa_handler = on_alarm };
	struct kvm_pit_config pit = { .flags = KVM_PIT_SPEAKER_DUMMY };
	unsigned long timeout = 30, tick_us = 0, mem_mib = 256;
	struct dbdev_uconstraint irq4 = {
		.type = DBDEV_UC_LEGACY_IRQ,
		.flags = DBDEV_UC_FIXED,
		.fixed = UART_IRQ,
	};
	struct dbdev_uconstraint msi1 = {
		.type = DBDEV_UC_GENERIC_MSI,
		.size = 1,
	};
	struct watch *mark = &watches[WATCH_MARK];
	pthread_t io;
	unsigned int i;
	int kvm, c, status;

	while ((c = getopt_long(argc, argv, "d:k:t:L:r:a:m:c:M:w:unis:Th", opts,
				NULL)) != -1) {
		switch (c) {
		case 'd':
			dev_path = optarg;
			break;
		case 'k':
			kvm_path = optarg;
			break;
		case 't':
			timeout = number(optarg);
			break;
		case 'L':
			kernel = optarg;
			break;
		case 'r':
			initrd = optarg;
			break;
		case 'a':
			cmdline = optarg;
			break;
		case 'm':
			mem_mib = number(optarg);
			break;
		case 'c':
			nr_cpus = number(optarg);
			break;
		case 'M':
			mark->text = *optarg ? optarg : NULL;
			break;
		case 'w':
			watches[WATCH_INPUT].text = *optarg ? optarg : NULL;
			break;
		case 's':
			tick_us = number(optarg);
			break;
		case 'u':
			userspace = true;
			break;
		case 'n':
			with_irqchip = false;
			break;
		case 'i':
			interactive = true;
			break;
		case 'T':
			trace = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return VMM_FAIL;
		}
	}
	linux_guest = kernel;
	if (optind != argc - !linux_guest ||
	    (!linux_guest && (initrd || nr_cpus != 1))) {
		usage(stderr);
		return VMM_FAIL;
	}
	if (linux_guest) {
		if (mem_mib < 64 || mem_mib > 3072)
			die("--mem: from 64 to 3072 MiB");
		if (!nr_cpus || nr_cpus > MAX_CPUS)
			die("--cpus: from 1 to %u", MAX_CPUS);
		ram_size = (uint64_t)mem_mib << 20;
		/* the demo's init gives a shell instead of rebooting */
		if (interactive) {
			if (asprintf(&shell_cmdline, "%s dbdev.shell", cmdline) < 0)
				die("out of memory");
			cmdline = shell_cmdline;
		}
	}

	kvm = open(kvm_path, O_RDWR | O_CLOEXEC);
	if (kvm < 0)
		die("%s: %m (is kvm-amd or kvm-intel loaded?)", kvm_path);
	if (ioctl(kvm, KVM_GET_API_VERSION, 0) != KVM_API_VERSION)
		die("unexpected KVM API version");
	vm_fd = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm_fd < 0)
		die("KVM_CREATE_VM: %m");
	if (ioctl(vm_fd, KVM_SET_TSS_ADDR, TSS_ADDR) < 0)
		die("KVM_SET_TSS_ADDR: %m");
	if (with_irqchip && ioctl(vm_fd, KVM_CREATE_IRQCHIP, 0))
		die("KVM_CREATE_IRQCHIP: %m");
	if (with_irqchip && linux_guest && ioctl(vm_fd, KVM_CREATE_PIT2, &pit))
		die("KVM_CREATE_PIT2: %m");

	setup_memory();
	if (linux_guest)
		linux_load(ram, ram_size, kernel, initrd, cmdline, nr_cpus);
	else
		load_guest(argv[optind], ram);

	dbdev_fd = open(dev_path, O_RDWR | O_CLOEXEC);
	if (dbdev_fd < 0)
		die("%s: %m (is dbdev.ko loaded?)", dev_path);
	set_pools();
	uart = create(DBDEV_UART_TYPE, "com1", DBDEV_UC_PIO, 8, UART_PORT_MIN,
		      UART_PORT_MAX, irq4);
	regblk = create(DBDEV_REGS_TYPE, "regs", DBDEV_UC_MMIO,
			DBDEV_REGS_SIZE, linux_guest ? 0 : MMIO_WIN_MIN,
			linux_guest ? 0 : MMIO_WIN_MAX, msi1);
	if (with_irqchip) {
		set_routing();
		connect_irq(uart, DBDEV_EVENTFD_LINE);
		connect_irq(regblk, DBDEV_EVENTFD_MSI);
	}

	run_size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (run_size < (long)sizeof(struct kvm_run))
		die("KVM_GET_VCPU_MMAP_SIZE: %m");
	for (i = 0; i < nr_cpus; i++)
		create_vcpu(kvm, i);

	io = start_io_thread();
	sigaction(SIGALRM, &sa, NULL);	/* no SA_RESTART: KVM_RUN sees EINTR */
	alarm(timeout);
	if (tick_us)
		start_ticks(tick_us);

	clock_gettime(CLOCK_MONOTONIC, &started);
	status = run_vcpus();
	alarm(0);
	stop_io_thread(io);
	print_counts();
	print_nodev();
	print_bench();
	if (mark->seen)
		fprintf(stderr, "vmm: the guest printed '%s' %.2f s after it started\n",
			mark->text, mark->ns / 1e9);
	else if (mark->text)
		fprintf(stderr, "vmm: the guest never printed '%s'\n", mark->text);
	if (watches[WATCH_PANIC].seen)
		fprintf(stderr, "vmm: the guest's kernel panicked\n");
	fprintf(stderr, "vmm: the guest %s, exit status %d\n",
		exitport ? "wrote to the exit port" :
		linux_guest ? "reset itself" : "halted", status);
	return status;
}
