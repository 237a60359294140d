// SPDX-License-Identifier: GPL-2.0
/*
 * vmm: a minimal KVM VMM whose devices live in the kernel, in dbdev.
 *
 * It creates a VM with one vCPU and 640 KiB of RAM, loads a flat real-mode
 * binary, opens /dev/dbdev (one context: this VM's device model) and
 * creates the sample devices there from constraints, not addresses: a
 * 16550A UART ("dbdev-uart16550") on 8 ports inside [0x3f8, 0x3ff], where
 * COM1 is, and a register block ("dbdev-regs") of 0x1000 bytes inside the
 * MMIO window [0xd0000, 0xeffff], below 1 MiB where a real-mode guest
 * reaches it through a segment register.  Every port-I/O and MMIO exit of
 * the vCPU goes to dbdev with DBDEV_IO, string I/O as one access of
 * `count` elements; what the guest transmits on the UART is drained with
 * DBDEV_UART_READ_TX and written to stdout.
 *
 * The guest's machine:
 *   RAM        0x0 - 0x9ffff; everything above it is MMIO
 *   load       the binary at 0x10000, at most 64 KiB
 *   entry      real mode, CS = DS = ES = SS = 0x1000, IP = 0, SP = 0xfff0
 *   DX         the UART's first port (0x3f8)
 *   FS         the register block's segment (its base >> 4)
 *   port 0x501 the exit port, the VMM's own: a write ends the run and
 *              its (first) byte is the VMM's exit status; HLT ends it
 *              with status 0
 *
 * An access no device owns (dbdev says -ENODEV) is reported on stderr as
 * "vmm: unhandled PIO read at 0x2f8 (no device)" and the like; reads of it
 * return all ones and the guest goes on.  At the end the VMM prints, on
 * stderr, how many accesses each device served.  stdout carries only the
 * guest's serial output.
 *
 * Exit status: the guest's; 125 when the VMM itself fails (bad arguments,
 * KVM or dbdev errors, a guest that crashes or runs past --timeout).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/kvm.h>
#include <linux/dbdev.h>
#include <linux/dbdev_samples.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#define RAM_SIZE	0xa0000ULL	/* 640 KiB at 0 */
#define LOAD_SEG	0x1000
#define LOAD_ADDR	(LOAD_SEG << 4)
#define LOAD_MAX	0x10000
#define ENTRY_SP	0xfff0
#define EXIT_PORT	0x501
#define TSS_ADDR	0xfffbd000	/* for VMX; above RAM and the window */

#define UART_PORT_MIN	0x3f8
#define UART_PORT_MAX	0x3ff
#define MMIO_WIN_MIN	0xd0000
#define MMIO_WIN_MAX	0xeffff

#define VMM_FAIL	125
#define MAX_REPORTS	100		/* "no device" lines before going quiet */

struct dev {
	const char *type;
	uint32_t id;
	unsigned int bus;		/* DBDEV_IO_PIO or DBDEV_IO_MMIO */
	uint64_t base, size;
	uint64_t exits, reads, writes;	/* accesses: elements of the exits */
};

static struct dev devs[2];
static unsigned int nr_devs;
static struct dev *uart;

/* Accesses that reached no device, and the VMM's own port. */
static struct {
	uint64_t exits, reads, writes;
} nodev, exitport;
static unsigned int reports;

static int dbdev_fd = -1;
static bool trace;
static bool last_newline = true;
static volatile sig_atomic_t timed_out;

static void __attribute__((format(printf, 1, 2), noreturn)) die(const char *fmt, ...)
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
		"Runs a flat real-mode binary (loaded at 0x1000:0000) with its devices in dbdev.\n"
		"  -d, --dev PATH      the dbdev device (default /dev/dbdev)\n"
		"  -k, --kvm PATH      the KVM device (default /dev/kvm)\n"
		"  -t, --timeout SEC   give up after SEC seconds (default 30, 0: never)\n"
		"  -T, --trace         print every exit on stderr\n"
		"  -h, --help          this text\n"
		"The guest's serial output goes to stdout, the VMM's messages to stderr.\n"
		"Exit status: what the guest wrote to port 0x%x, 0 after HLT, %d when the\n"
		"VMM fails.\n", EXIT_PORT, VMM_FAIL);
}

/* ------------------------------------------------------------------------
 * dbdev
 */

static void set_pools(void)
{
	struct dbdev_upools p = { .argsz = sizeof(p) };

	if (ioctl(dbdev_fd, DBDEV_GET_POOLS, &p))
		die("DBDEV_GET_POOLS: %m");
	memset(p.mmio, 0, sizeof(p.mmio));
	p.mmio[0].min = MMIO_WIN_MIN;
	p.mmio[0].max = MMIO_WIN_MAX;
	p.nr_mmio = 1;
	if (ioctl(dbdev_fd, DBDEV_SET_POOLS, &p))
		die("DBDEV_SET_POOLS: %m");
}

static void create(const char *type, uint32_t kind, uint64_t size,
		   uint64_t min, uint64_t max)
{
	struct dbdev_uconstraint c = {
		.type = kind,
		.flags = DBDEV_UC_WINDOW,
		.size = size,
		.min = min,
		.max = max,
	};
	struct dbdev_uresource res[DBDEV_MAX_ITEMS];
	struct dbdev_create_device arg = {
		.argsz = sizeof(arg),
		.flags = DBDEV_CREATE_CONSTRAINTS,
		.nr_items = 1,
		.items = (uintptr_t)&c,
		.assigned = (uintptr_t)res,
		.assigned_max = ARRAY_SIZE(res),
	};
	struct dev *d = &devs[nr_devs];

	snprintf(arg.type, sizeof(arg.type), "%s", type);
	if (ioctl(dbdev_fd, DBDEV_CREATE_DEVICE, &arg)) {
		if (errno == ENOENT)
			die("no device type %s in dbdev: load its module (samples/%s.ko)",
			    type, kind == DBDEV_UC_PIO ? "dbdev_uart" : "dbdev_regs");
		die("cannot create a %s: %m", type);
	}
	if (arg.nr_assigned != 1 ||
	    res[0].type != (kind == DBDEV_UC_PIO ? DBDEV_UR_PIO : DBDEV_UR_MMIO))
		die("%s: unexpected resources", type);
	d->type = type;
	d->id = arg.id;
	d->bus = kind == DBDEV_UC_PIO ? DBDEV_IO_PIO : DBDEV_IO_MMIO;
	d->base = res[0].base;
	d->size = res[0].size;
	nr_devs++;
	fprintf(stderr, "vmm: device %u %s at %s 0x%" PRIx64 "-0x%" PRIx64 "\n",
		d->id, type, d->bus == DBDEV_IO_PIO ? "PIO" : "MMIO",
		d->base, d->base + d->size - 1);
}

static struct dev *find_dev(unsigned int bus, uint64_t addr)
{
	unsigned int i;

	for (i = 0; i < nr_devs; i++)
		if (devs[i].bus == bus && addr - devs[i].base < devs[i].size)
			return &devs[i];
	return NULL;
}

/* Copy what the guest transmitted on the UART to stdout. */
static void drain_uart(void)
{
	uint8_t buf[4096];
	struct dbdev_device_ctl ctl = {
		.argsz = sizeof(ctl),
		.op = DBDEV_UART_READ_TX,
		.buf = (uintptr_t)buf,
	};
	size_t off;
	ssize_t n;

	if (!uart)
		return;
	do {
		ctl.id = uart->id;
		ctl.in_len = 0;
		ctl.out_len = sizeof(buf);
		if (ioctl(dbdev_fd, DBDEV_DEVICE_CTL, &ctl))
			die("DBDEV_UART_READ_TX: %m");
		for (off = 0; off < ctl.out_len; off += n) {
			n = write(STDOUT_FILENO, buf + off, ctl.out_len - off);
			if (n < 0 && errno == EINTR)
				n = 0;
			else if (n < 0)
				die("writing the guest's output: %m");
		}
		if (ctl.out_len)
			last_newline = buf[ctl.out_len - 1] == '\n';
	} while (ctl.out_len == sizeof(buf));
}

/*
 * One access of the guest: @count elements of @size bytes at @data, to
 * @addr (port I/O: every element to the same port).  Reads that no device
 * answers are all ones.
 */
static void inject(unsigned int bus, unsigned int dir, uint64_t addr,
		   unsigned int size, unsigned int count, uint8_t *data)
{
	static const char *const bus_name[] = { "PIO", "MMIO" };
	static const char *const dir_name[] = { "read", "write" };
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

	if (arg.io.result == -ENODEV) {
		nodev.exits++;
		if (dir == DBDEV_IO_READ)
			nodev.reads += count - arg.io.done;
		else
			nodev.writes += count - arg.io.done;
		if (reports++ < MAX_REPORTS)
			fprintf(stderr, "vmm: unhandled %s %s at 0x%" PRIx64
				" (no device)%s\n", bus_name[bus], dir_name[dir],
				addr, count > 1 ? ", string I/O" : "");
		else if (reports == MAX_REPORTS + 1)
			fprintf(stderr, "vmm: more accesses to no device; counting them only\n");
	} else if (arg.io.result == -ERANGE) {
		fprintf(stderr, "vmm: %s %s of %u bytes at 0x%" PRIx64
			" runs past the end of device %u (-ERANGE)\n",
			bus_name[bus], dir_name[dir], size, addr, d ? d->id : 0);
	} else if (arg.io.result) {
		fprintf(stderr, "vmm: %s %s of %u bytes at 0x%" PRIx64 ": %s\n",
			bus_name[bus], dir_name[dir], size, addr,
			strerror(-arg.io.result));
	}
	if (arg.io.result && dir == DBDEV_IO_READ)
		memset(data + (size_t)arg.io.done * size, 0xff,
		       (size_t)(count - arg.io.done) * size);

	if (d) {
		d->exits++;
		if (dir == DBDEV_IO_READ)
			d->reads += arg.io.done;
		else
			d->writes += arg.io.done;
		if (d == uart && dir == DBDEV_IO_WRITE)
			drain_uart();
	}
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

static void setup_vcpu(int vcpu)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs;
	struct dev *regblk = NULL;
	unsigned int i;

	for (i = 0; i < nr_devs; i++)
		if (devs[i].bus == DBDEV_IO_MMIO)
			regblk = &devs[i];

	if (ioctl(vcpu, KVM_GET_SREGS, &sregs))
		die("KVM_GET_SREGS: %m");
	set_seg(&sregs.cs, LOAD_SEG);
	set_seg(&sregs.ds, LOAD_SEG);
	set_seg(&sregs.es, LOAD_SEG);
	set_seg(&sregs.ss, LOAD_SEG);
	set_seg(&sregs.fs, regblk ? regblk->base >> 4 : 0);
	set_seg(&sregs.gs, 0);
	if (ioctl(vcpu, KVM_SET_SREGS, &sregs))
		die("KVM_SET_SREGS: %m");

	memset(&regs, 0, sizeof(regs));
	regs.rip = 0;
	regs.rsp = ENTRY_SP;
	regs.rflags = 0x2;
	regs.rdx = uart ? uart->base : 0;
	if (ioctl(vcpu, KVM_SET_REGS, &regs))
		die("KVM_SET_REGS: %m");
}

static void dump_vcpu(int vcpu)
{
	struct kvm_sregs s;
	struct kvm_regs r;

	if (ioctl(vcpu, KVM_GET_REGS, &r) || ioctl(vcpu, KVM_GET_SREGS, &s))
		return;
	fprintf(stderr,
		"vmm: cs:ip %04x:%04llx ss:sp %04x:%04llx ax %04llx bx %04llx cx %04llx dx %04llx flags %04llx\n",
		s.cs.selector, r.rip, s.ss.selector, r.rsp, r.rax, r.rbx,
		r.rcx, r.rdx, r.rflags);
}

static void on_alarm(int sig)
{
	(void)sig;
	timed_out = 1;
}

static void count_line(const char *id, const char *who, const char *where,
		       uint64_t reads, uint64_t writes, uint64_t exits)
{
	fprintf(stderr, "vmm: %3s  %-16s %-20s %8" PRIu64 " %8" PRIu64
		" %8" PRIu64 "\n", id, who, where, reads, writes, exits);
}

/* The accesses of the run: each element of string I/O counts as one. */
static void print_counts(uint64_t exits)
{
	char id[12], where[48];
	unsigned int i;

	fprintf(stderr, "vmm: %3s  %-16s %-20s %8s %8s %8s\n", "id", "device",
		"at", "reads", "writes", "exits");
	for (i = 0; i < nr_devs; i++) {
		struct dev *d = &devs[i];

		snprintf(id, sizeof(id), "%u", d->id);
		snprintf(where, sizeof(where), "%-4s 0x%" PRIx64 "-0x%" PRIx64,
			 d->bus == DBDEV_IO_PIO ? "PIO" : "MMIO", d->base,
			 d->base + d->size - 1);
		count_line(id, d->type, where, d->reads, d->writes, d->exits);
	}
	count_line("-", "(no device)", "", nodev.reads, nodev.writes,
		   nodev.exits);
	snprintf(where, sizeof(where), "PIO  0x%x", EXIT_PORT);
	count_line("-", "(exit port)", where, exitport.reads, exitport.writes,
		   exitport.exits);
	fprintf(stderr, "vmm: %" PRIu64 " exits in all; an element of string I/O counts as one access\n",
		exits);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dev", required_argument, NULL, 'd' },
		{ "kvm", required_argument, NULL, 'k' },
		{ "timeout", required_argument, NULL, 't' },
		{ "trace", no_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *dev_path = "/dev/dbdev", *kvm_path = "/dev/kvm";
	struct kvm_userspace_memory_region mem;
	struct sigaction sa = { .sa_handler = on_alarm };
	unsigned int timeout = 30;
	uint64_t exits = 0;
	int kvm, vm, vcpu, c, status = -1;
	struct kvm_run *run;
	uint8_t *ram;
	long run_size;
	char *end;

	while ((c = getopt_long(argc, argv, "d:k:t:Th", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			dev_path = optarg;
			break;
		case 'k':
			kvm_path = optarg;
			break;
		case 't':
			timeout = strtoul(optarg, &end, 0);
			if (!*optarg || *end)
				die("bad timeout '%s'", optarg);
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
	if (optind != argc - 1) {
		usage(stderr);
		return VMM_FAIL;
	}

	kvm = open(kvm_path, O_RDWR | O_CLOEXEC);
	if (kvm < 0)
		die("%s: %m (is kvm-amd or kvm-intel loaded?)", kvm_path);
	if (ioctl(kvm, KVM_GET_API_VERSION, 0) != KVM_API_VERSION)
		die("unexpected KVM API version");
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0)
		die("KVM_CREATE_VM: %m");
	if (ioctl(vm, KVM_SET_TSS_ADDR, TSS_ADDR) < 0)
		die("KVM_SET_TSS_ADDR: %m");

	ram = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (ram == MAP_FAILED)
		die("guest RAM: %m");
	load_guest(argv[optind], ram);
	mem = (struct kvm_userspace_memory_region){
		.slot = 0,
		.guest_phys_addr = 0,
		.memory_size = RAM_SIZE,
		.userspace_addr = (uintptr_t)ram,
	};
	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &mem))
		die("KVM_SET_USER_MEMORY_REGION: %m");

	dbdev_fd = open(dev_path, O_RDWR | O_CLOEXEC);
	if (dbdev_fd < 0)
		die("%s: %m (is dbdev.ko loaded?)", dev_path);
	set_pools();
	create(DBDEV_UART_TYPE, DBDEV_UC_PIO, 8, UART_PORT_MIN, UART_PORT_MAX);
	uart = &devs[0];
	create(DBDEV_REGS_TYPE, DBDEV_UC_MMIO, DBDEV_REGS_SIZE, MMIO_WIN_MIN,
	       MMIO_WIN_MAX);

	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	if (vcpu < 0)
		die("KVM_CREATE_VCPU: %m");
	run_size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (run_size < (long)sizeof(*run))
		die("KVM_GET_VCPU_MMAP_SIZE: %m");
	run = mmap(NULL, run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	if (run == MAP_FAILED)
		die("mmap of the vCPU: %m");
	setup_vcpu(vcpu);

	sigaction(SIGALRM, &sa, NULL);	/* no SA_RESTART: KVM_RUN sees EINTR */
	alarm(timeout);

	while (status < 0) {
		if (ioctl(vcpu, KVM_RUN, 0)) {
			if (errno != EINTR && errno != EAGAIN)
				die("KVM_RUN: %m");
			if (timed_out) {
				drain_uart();
				dump_vcpu(vcpu);
				die("the guest runs past the timeout of %u s", timeout);
			}
			continue;
		}
		exits++;
		switch (run->exit_reason) {
		case KVM_EXIT_IO: {
			uint8_t *data = (uint8_t *)run + run->io.data_offset;
			unsigned int dir = run->io.direction == KVM_EXIT_IO_OUT ?
					   DBDEV_IO_WRITE : DBDEV_IO_READ;

			if (trace)
				fprintf(stderr, "vmm: exit PIO %s port 0x%x size %u count %u\n",
					dir == DBDEV_IO_WRITE ? "write" : "read",
					run->io.port, run->io.size, run->io.count);
			if (run->io.port == EXIT_PORT) {
				exitport.exits++;
				if (dir == DBDEV_IO_WRITE) {
					exitport.writes += run->io.count;
					status = data[0];
				} else {
					exitport.reads += run->io.count;
					memset(data, 0xff, (size_t)run->io.size * run->io.count);
				}
				break;
			}
			inject(DBDEV_IO_PIO, dir, run->io.port, run->io.size,
			       run->io.count, data);
			break;
		}
		case KVM_EXIT_MMIO:
			if (trace)
				fprintf(stderr, "vmm: exit MMIO %s 0x%llx len %u\n",
					run->mmio.is_write ? "write" : "read",
					run->mmio.phys_addr, run->mmio.len);
			inject(DBDEV_IO_MMIO,
			       run->mmio.is_write ? DBDEV_IO_WRITE : DBDEV_IO_READ,
			       run->mmio.phys_addr, run->mmio.len, 1, run->mmio.data);
			break;
		case KVM_EXIT_HLT:
			status = 0;
			break;
		case KVM_EXIT_SHUTDOWN:
			dump_vcpu(vcpu);
			die("the guest shut down (triple fault)");
		case KVM_EXIT_FAIL_ENTRY:
			die("KVM_EXIT_FAIL_ENTRY, reason 0x%llx",
			    (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
		case KVM_EXIT_INTERNAL_ERROR:
			dump_vcpu(vcpu);
			die("KVM_EXIT_INTERNAL_ERROR, suberror %u",
			    run->internal.suberror);
		default:
			dump_vcpu(vcpu);
			die("unexpected exit reason %u", run->exit_reason);
		}
	}
	alarm(0);
	drain_uart();
	if (!last_newline)
		fputc('\n', stderr);
	print_counts(exits);
	fprintf(stderr, "vmm: the guest %s, exit status %d\n",
		exitport.writes ? "wrote to the exit port" : "halted", status);
	return status;
}
