// SPDX-License-Identifier: GPL-2.0
/*
 * kvm_run_test: userspace selftests of DBDEV_KVM_RUN and DBDEV_GET_STATS
 * (include/uapi/linux/dbdev.h), with real KVM guests and the "dbdev-test"
 * device type (the module dbdev_testdev).
 *
 * Each test makes a KVM VM with 640 KiB of RAM at 0 and one vCPU (two in
 * two_vcpus), without KVM's interrupt controllers, loads a tiny 16-bit
 * real-mode program, hand-assembled below, at 0x1000:0000 and runs it with
 * DBDEV_KVM_RUN in a context of /dev/dbdev.  A guest takes its parameters
 * in registers and ends by writing a status byte to port 0x501, which no
 * device owns, so that DBDEV_KVM_RUN hands the write back as an exit: 0
 * when the guest's own checks passed.
 *
 * Output is kselftest-style TAP; every test runs in a child process of its
 * own.  Needs root, dbdev loaded and /dev/kvm: if /dev/kvm or /dev/dbdev
 * ($DBDEV_PATH) cannot be opened, every test fails.
 *
 * Usage: kvm_run_test [NAME...]   (run only the tests named)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/kvm.h>
#include <linux/dbdev.h>

#include "harness.h"

/* glibc has the field of SIGEV_THREAD_ID, not yet its name */
#ifndef sigev_notify_thread_id
#define sigev_notify_thread_id	_sigev_un._tid
#endif

#define PAGE_SIZE	4096UL
/* where KVM puts the data of a port-I/O exit in the kvm_run area */
#define PIO_DATA_OFFSET	(KVM_PIO_PAGE_OFFSET * PAGE_SIZE)

/* The guest's machine, as tools/vmm/vmm.c builds it */
#define RAM_SIZE	0xa0000UL	/* 640 KiB at 0 */
#define CODE_SEG	0x1000		/* CS = DS = ES = SS */
#define CODE_ADDR	(CODE_SEG << 4)
#define DATA_OFF	0x8000		/* the guests' data, in their segment */
#define STACK_TOP	0xfff0
#define TSS_ADDR	0xfffbd000	/* for VMX; above RAM and the devices */
#define EXIT_PORT	0x501		/* the guest's status; no device */

/* The devices: eight ports and a page of MMIO below 1 MiB */
#define DEV_PORT	0x510
#define DEV_PORTS	8
#define DEV_MMIO	0xd0000		/* segment 0xd000 */
#define DEV_MMIO_SIZE	0x1000
/* the second vCPU's, in two_vcpus */
#define DEV1_PORT	0x530
#define DEV1_MMIO	0xd2000

/* "dbdev-test" keeps the last 256 accesses (struct dbdev_test_params) */
#define TEST_LOG_DEFAULT	256

/* ------------------------------------------------------------------------
 * The guests
 *
 * Real mode, CS = DS = ES = SS = 0x1000, IP = 0; the bytes are what GNU as
 * makes of the instructions in the comments (.code16).
 */

/*
 * The loop guest: CX rounds of an MMIO dword write and read at FS:0 and a
 * port byte write and read at DX, each read compared with what was
 * written, and a count of the rounds in the word at DS:BX.  Status 0, 1
 * when an MMIO read differed, 2 when a port read did.
 *
 * Both compares see a read that dbdev did not complete.  KVM zeroes the
 * data of a port read before it exits, and the low byte of CX is 0 in
 * only one round of 256.  An MMIO read would find in kvm_run what the
 * port write left there, 0x1000 in io.data_offset, which shares its bytes
 * with mmio.data; the MMIO value is ECX, whose high half the test sets to
 * LOOP_HIGH (LOOP counts in CX only), so it is never that.
 */
#define LOOP_HIGH	0xdb000000U

static const uint8_t guest_loop[] = {
	/* 00 */ 0x64, 0x66, 0x89, 0x0e, 0x00, 0x00, /* mov %ecx, %fs:0 */
	/* 06 */ 0x88, 0xc8,		/* mov %cl, %al */
	/* 08 */ 0xee,			/* out %al, (%dx) */
	/* 09 */ 0x64, 0x66, 0xa1, 0x00, 0x00, /* mov %fs:0, %eax */
	/* 0e */ 0x66, 0x39, 0xc8,	/* cmp %ecx, %eax */
	/* 11 */ 0x75, 0x0d,		/* jne 0x20 */
	/* 13 */ 0xec,			/* in (%dx), %al */
	/* 14 */ 0x38, 0xc8,		/* cmp %cl, %al */
	/* 16 */ 0x75, 0x0c,		/* jne 0x24 */
	/* 18 */ 0xff, 0x07,		/* incw (%bx) */
	/* 1a */ 0xe2, 0xe4,		/* loop 0x00 */
	/* 1c */ 0xb0, 0x00,		/* mov $0, %al */
	/* 1e */ 0xeb, 0x06,		/* jmp 0x26 */
	/* 20 */ 0xb0, 0x01,		/* mov $1, %al */
	/* 22 */ 0xeb, 0x02,		/* jmp 0x26 */
	/* 24 */ 0xb0, 0x02,		/* mov $2, %al */
	/* 26 */ 0xba, 0x01, 0x05,	/* mov $0x501, %dx */
	/* 29 */ 0xee,			/* out %al, (%dx) */
	/* 2a */ 0xf4,			/* hlt */
	/* 2b */ 0xeb, 0xfd,		/* jmp 0x2a */
};

/*
 * The unowned guest: writes 0x5a to port DX, reads port 0x50f into
 * DS:0x8000, writes 0x12345678 to FS:0 and reads FS:4 into DS:0x8004.
 */
static const uint8_t guest_unowned[] = {
	/* 00 */ 0xb0, 0x5a,		/* mov $0x5a, %al */
	/* 02 */ 0xee,			/* out %al, (%dx) */
	/* 03 */ 0xba, 0x0f, 0x05,	/* mov $0x50f, %dx */
	/* 06 */ 0xec,			/* in (%dx), %al */
	/* 07 */ 0xa2, 0x00, 0x80,	/* mov %al, 0x8000 */
	/* 0a */ 0x64, 0x66, 0xc7, 0x06, 0x00, 0x00, /* movl $0x12345678, */
		 0x78, 0x56, 0x34, 0x12,		/*   %fs:0 */
	/* 14 */ 0x64, 0x66, 0xa1, 0x04, 0x00, /* mov %fs:4, %eax */
	/* 19 */ 0x66, 0xa3, 0x04, 0x80, /* mov %eax, 0x8004 */
	/* 1d */ 0xb0, 0x00,		/* mov $0, %al */
	/* 1f */ 0xba, 0x01, 0x05,	/* mov $0x501, %dx */
	/* 22 */ 0xee,			/* out %al, (%dx) */
	/* 23 */ 0xf4,			/* hlt */
	/* 24 */ 0xeb, 0xfd,		/* jmp 0x23 */
};

/*
 * The string guest: CX bytes from port DX into ES:DI with one rep insb, a
 * word from port DX + 7 into DS:0x8010, a dword from FS:0 into DS:0x8014.
 */
static const uint8_t guest_string[] = {
	/* 00 */ 0xfc,			/* cld */
	/* 01 */ 0xf3, 0x6c,		/* rep insb (%dx), %es:(%di) */
	/* 03 */ 0x83, 0xc2, 0x07,	/* add $7, %dx */
	/* 06 */ 0xed,			/* in (%dx), %ax */
	/* 07 */ 0xa3, 0x10, 0x80,	/* mov %ax, 0x8010 */
	/* 0a */ 0x64, 0x66, 0xa1, 0x00, 0x00, /* mov %fs:0, %eax */
	/* 0f */ 0x66, 0xa3, 0x14, 0x80, /* mov %eax, 0x8014 */
	/* 13 */ 0xb0, 0x00,		/* mov $0, %al */
	/* 15 */ 0xba, 0x01, 0x05,	/* mov $0x501, %dx */
	/* 18 */ 0xee,			/* out %al, (%dx) */
	/* 19 */ 0xf4,			/* hlt */
	/* 1a */ 0xeb, 0xfd,		/* jmp 0x19 */
};

/*
 * The two-reads guest: writes 0xa5 to port DX, then reads port 0x520
 * twice, into DS:0x8000 and DS:0x8001.
 */
#define TWOIN_PORT	0x520

static const uint8_t guest_twoin[] = {
	/* 00 */ 0xb0, 0xa5,		/* mov $0xa5, %al */
	/* 02 */ 0xee,			/* out %al, (%dx) */
	/* 03 */ 0xba, 0x20, 0x05,	/* mov $0x520, %dx */
	/* 06 */ 0xec,			/* in (%dx), %al */
	/* 07 */ 0xa2, 0x00, 0x80,	/* mov %al, 0x8000 */
	/* 0a */ 0xec,			/* in (%dx), %al */
	/* 0b */ 0xa2, 0x01, 0x80,	/* mov %al, 0x8001 */
	/* 0e */ 0xb0, 0x00,		/* mov $0, %al */
	/* 10 */ 0xba, 0x01, 0x05,	/* mov $0x501, %dx */
	/* 13 */ 0xee,			/* out %al, (%dx) */
	/* 14 */ 0xf4,			/* hlt */
	/* 15 */ 0xeb, 0xfd,		/* jmp 0x14 */
};

/* ------------------------------------------------------------------------
 * VMs
 */

struct vcpu {
	int fd;
	struct kvm_run *run;	/* its kvm_run area, mapped shared */
};

/* A VM with one vCPU, its RAM and the vCPU's kvm_run area */
struct vm {
	int kvm;		/* /dev/kvm */
	int fd;
	uint8_t *ram;		/* RAM_SIZE bytes at guest-physical 0 */
	size_t run_size;	/* KVM_GET_VCPU_MMAP_SIZE */
	struct vcpu cpu;	/* vCPU 0 */
};

/* What a guest gets in its registers */
struct guest_regs {
	uint64_t cx, dx, bx, di;
	uint16_t fs;		/* a segment, for MMIO below 1 MiB */
	uint16_t sp;		/* 0: STACK_TOP */
};

/* Report a failed call (errno) and fail the test: -errno */
static int fail_errno(const char *what)
{
	int err = -errno;

	test_failed = 1;
	printf("# %s: %s\n", what, strerror(-err));
	fflush(stdout);
	return err;
}

/* Create vCPU @id of @vm and map its kvm_run area: 0 or -errno */
static int vcpu_open(const struct vm *vm, int id, struct vcpu *cpu)
{
	cpu->fd = ioctl(vm->fd, KVM_CREATE_VCPU, id);
	if (cpu->fd < 0)
		return fail_errno("KVM_CREATE_VCPU");
	cpu->run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE,
			MAP_SHARED, cpu->fd, 0);
	if (cpu->run == MAP_FAILED)
		return fail_errno("mmap of the vCPU");
	return 0;
}

/* A VM with RAM and vCPU 0: 0, or -errno with the test failed */
static int vm_open(struct vm *vm)
{
	struct kvm_userspace_memory_region mem = {
		.slot = 0,
		.guest_phys_addr = 0,
		.memory_size = RAM_SIZE,
	};
	long size;

	memset(vm, 0, sizeof(*vm));
	vm->kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (vm->kvm < 0)
		return fail_errno("cannot open /dev/kvm");
	vm->fd = ioctl(vm->kvm, KVM_CREATE_VM, 0);
	if (vm->fd < 0)
		return fail_errno("KVM_CREATE_VM");
	if (ioctl(vm->fd, KVM_SET_TSS_ADDR, TSS_ADDR))
		return fail_errno("KVM_SET_TSS_ADDR");
	size = ioctl(vm->kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (size < 0)
		return fail_errno("KVM_GET_VCPU_MMAP_SIZE");
	vm->run_size = size;
	vm->ram = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (vm->ram == MAP_FAILED)
		return fail_errno("guest RAM");
	mem.userspace_addr = (uintptr_t)vm->ram;
	if (ioctl(vm->fd, KVM_SET_USER_MEMORY_REGION, &mem))
		return fail_errno("KVM_SET_USER_MEMORY_REGION");
	return vcpu_open(vm, 0, &vm->cpu);
}

static void set_seg(struct kvm_segment *s, uint16_t sel)
{
	s->selector = sel;
	s->base = (uint64_t)sel << 4;
}

/*
 * Load @len bytes of code at CODE_ADDR and start @cpu there in real mode
 * with the registers @r: 0 or -errno.
 */
static int guest_start(const struct vm *vm, const struct vcpu *cpu,
		       const uint8_t *code, size_t len,
		       const struct guest_regs *r)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs;

	memcpy(vm->ram + CODE_ADDR, code, len);
	if (ioctl(cpu->fd, KVM_GET_SREGS, &sregs))
		return fail_errno("KVM_GET_SREGS");
	set_seg(&sregs.cs, CODE_SEG);
	set_seg(&sregs.ds, CODE_SEG);
	set_seg(&sregs.es, CODE_SEG);
	set_seg(&sregs.ss, CODE_SEG);
	set_seg(&sregs.fs, r->fs);
	set_seg(&sregs.gs, 0);
	if (ioctl(cpu->fd, KVM_SET_SREGS, &sregs))
		return fail_errno("KVM_SET_SREGS");

	memset(&regs, 0, sizeof(regs));
	regs.rip = 0;
	regs.rflags = 0x2;
	regs.rsp = r->sp ? r->sp : STACK_TOP;
	regs.rcx = r->cx;
	regs.rdx = r->dx;
	regs.rbx = r->bx;
	regs.rdi = r->di;
	if (ioctl(cpu->fd, KVM_SET_REGS, &regs))
		return fail_errno("KVM_SET_REGS");
	return 0;
}

#define GUEST_START(vm, cpu, code, regs)				\
	guest_start(vm, cpu, code, sizeof(code), regs)

/* The loop guest's registers: @n rounds on the devices at @port, @mmio */
static struct guest_regs loop_regs(unsigned int n, uint16_t port,
				   uint32_t mmio, uint16_t counter)
{
	return (struct guest_regs){
		.cx = LOOP_HIGH | n,
		.dx = port,
		.fs = mmio >> 4,
		.bx = counter,
	};
}

/* The guest's RAM at DS:@off */
static uint8_t *guest_data(const struct vm *vm, unsigned int off)
{
	return vm->ram + CODE_ADDR + off;
}

static uint32_t guest_read32(const struct vm *vm, unsigned int off)
{
	uint32_t v;

	memcpy(&v, guest_data(vm, off), sizeof(v));
	return v;
}

static uint16_t guest_read16(const struct vm *vm, unsigned int off)
{
	uint16_t v;

	memcpy(&v, guest_data(vm, off), sizeof(v));
	return v;
}

/* Where the vCPU is, for a failure's report */
static void dump_vcpu(const struct vcpu *cpu)
{
	const struct kvm_run *run = cpu->run;
	struct kvm_vcpu_events ev;
	struct kvm_sregs s;
	struct kvm_regs r;

	printf("# kvm_run: exit_reason %u", run->exit_reason);
	if (run->exit_reason == KVM_EXIT_IO)
		printf(", io %s port 0x%x size %u count %u",
		       run->io.direction == KVM_EXIT_IO_OUT ? "out" : "in",
		       run->io.port, run->io.size, run->io.count);
	else if (run->exit_reason == KVM_EXIT_MMIO)
		printf(", mmio %s 0x%llx len %u",
		       run->mmio.is_write ? "write" : "read",
		       (unsigned long long)run->mmio.phys_addr, run->mmio.len);
	if (!ioctl(cpu->fd, KVM_GET_REGS, &r) &&
	    !ioctl(cpu->fd, KVM_GET_SREGS, &s)) {
		printf("; cs:ip %04x:%04llx flags %04llx", s.cs.selector,
		       (unsigned long long)r.rip, (unsigned long long)r.rflags);
		printf(" ax %04llx bx %04llx cx %04llx dx %04llx",
		       (unsigned long long)r.rax, (unsigned long long)r.rbx,
		       (unsigned long long)r.rcx, (unsigned long long)r.rdx);
	}
	if (!ioctl(cpu->fd, KVM_GET_VCPU_EVENTS, &ev))
		printf("; exception %u/%u/%u interrupt %u/%u",
		       ev.exception.injected, ev.exception.pending,
		       ev.exception.nr, ev.interrupt.injected,
		       ev.interrupt.nr);
	printf("\n");
	fflush(stdout);
}

/* ------------------------------------------------------------------------
 * DBDEV_KVM_RUN
 */

/* A correct DBDEV_KVM_RUN of @cpu, without DBDEV_KVM_RUN_VM */
static void kr_init(struct dbdev_kvm_run *kr, const struct vm *vm,
		    const struct vcpu *cpu)
{
	memset(kr, 0, sizeof(*kr));
	kr->argsz = sizeof(*kr);
	kr->vcpu_fd = cpu->fd;
	kr->vm_fd = -1;
	kr->run = (uintptr_t)cpu->run;
	kr->run_size = vm->run_size;
}

/*
 * One DBDEV_KVM_RUN with *kr: the ioctl's 0 or -errno.  The results are
 * poisoned first, so each must have been written.
 */
static int kvm_run(int ctx, struct dbdev_kvm_run *kr)
{
	kr->reason = 0x7777;
	kr->error = 0x7777;
	kr->done = 0x7777;
	kr->device = 0x7777;
	kr->served = 0x7777;
	return xioctl(ctx, DBDEV_KVM_RUN, kr);
}

/* Run @cpu until DBDEV_KVM_RUN returns, once: the ioctl's 0 or -errno */
static int run_vcpu(int ctx, const struct vm *vm, const struct vcpu *cpu,
		    struct dbdev_kvm_run *kr)
{
	kr_init(kr, vm, cpu);
	return kvm_run(ctx, kr);
}

/* Why the call returned; the results that do not apply are 0. */
#define CHECK_RESULT(kr, _reason, _error, _done, _device, _served) do {	\
	CHECK((kr)->reason, _reason);					\
	CHECK((kr)->error, _error);					\
	CHECK((kr)->done, _done);					\
	CHECK((kr)->device, _device);					\
	CHECK((kr)->served, _served);					\
} while (0)

/* A port-I/O exit, as KVM writes it */
#define CHECK_IO_EXIT(run, _port, _dir, _size, _count) do {		\
	CHECK((run)->exit_reason, KVM_EXIT_IO);				\
	CHECK((run)->io.port, _port);					\
	CHECK((run)->io.direction, _dir);				\
	CHECK((run)->io.size, _size);					\
	CHECK((run)->io.count, _count);					\
	CHECK((run)->io.data_offset, PIO_DATA_OFFSET);			\
} while (0)

/* An MMIO exit, as KVM writes it */
#define CHECK_MMIO_EXIT(run, _addr, _len, _write) do {			\
	CHECK((run)->exit_reason, KVM_EXIT_MMIO);			\
	CHECK((run)->mmio.phys_addr, _addr);				\
	CHECK((run)->mmio.len, _len);					\
	CHECK((run)->mmio.is_write, _write);				\
} while (0)

/* The data area of a port-I/O exit of @cpu */
static uint8_t *pio_data(const struct vcpu *cpu)
{
	return (uint8_t *)cpu->run + PIO_DATA_OFFSET;
}

/*
 * The guest's write of its status to the exit port, which a call of
 * DBDEV_KVM_RUN returned as an exit: the status byte, or -1 with the test
 * failed if the call returned anything else.
 */
static int guest_status(const struct dbdev_kvm_run *kr, const struct vcpu *cpu)
{
	const struct kvm_run *run = cpu->run;

	if (!CHECK(kr->reason, DBDEV_KVM_RUN_EXIT) ||
	    !CHECK(run->exit_reason, KVM_EXIT_IO) ||
	    !CHECK(run->io.port, EXIT_PORT) ||
	    !CHECK(run->io.direction, KVM_EXIT_IO_OUT) ||
	    !CHECK(run->io.size, 1) || !CHECK(run->io.count, 1) ||
	    !CHECK(run->io.data_offset, PIO_DATA_OFFSET)) {
		printf("# DBDEV_KVM_RUN: reason %u error %d served %llu\n",
		       kr->reason, kr->error, (unsigned long long)kr->served);
		dump_vcpu(cpu);
		return -1;
	}
	return pio_data(cpu)[0];
}

/* ------------------------------------------------------------------------
 * dbdev: devices and counters
 */

/* A dbdev-test device on DEV_PORTS ports at @port: 0 or -errno */
static int create_pio(int ctx, uint16_t port, uint32_t *id)
{
	struct dbdev_uresource r = RES_PIO(port, DEV_PORTS);

	return create_res(ctx, &r, 1, id);
}

/* A dbdev-test device on a page of MMIO at @addr: 0 or -errno */
static int create_mmio(int ctx, uint64_t addr, uint32_t *id)
{
	struct dbdev_uresource r = RES_MMIO(addr, DEV_MMIO_SIZE);

	return create_res(ctx, &r, 1, id);
}

/* Both, at DEV_PORT and DEV_MMIO: 0 or -errno */
static int create_devs(int ctx, uint32_t *pio_id, uint32_t *mmio_id)
{
	return create_pio(ctx, DEV_PORT, pio_id) ?:
	       create_mmio(ctx, DEV_MMIO, mmio_id);
}

/* Write one byte to @port with DBDEV_IO: the ioctl's -errno, or io.result */
static int pio_write8(int ctx, uint16_t port, uint8_t v)
{
	struct dbdev_io_one a = {
		.argsz = sizeof(a),
		.io = {
			.bus = DBDEV_IO_PIO,
			.dir = DBDEV_IO_WRITE,
			.size = 1,
			.count = 1,
			.addr = port,
			.data = (uintptr_t)&v,
		},
	};
	int err = xioctl(ctx, DBDEV_IO, &a);

	return err ? err : a.io.result;
}

/* Make device @id fail the access after the next @after with @error */
static int arm_fail(int ctx, uint32_t id, uint32_t after, int error)
{
	struct dbdev_test_fail f = { .after = after, .error = error };
	struct dbdev_device_ctl c = {
		.argsz = sizeof(c),
		.id = id,
		.op = DBDEV_TEST_FAIL,
		.in_len = sizeof(f),
		.buf = (uintptr_t)&f,
	};

	return xioctl(ctx, DBDEV_DEVICE_CTL, &c);
}

/* The reads and writes device @id served */
#define CHECK_COUNTS(ctx, id, _reads, _writes) do {			\
	struct test_log _log;						\
									\
	if (CHECK(read_log(ctx, id, &_log), 0)) {			\
		CHECK(_log.head.reads, _reads);				\
		CHECK(_log.head.writes, _writes);			\
	}								\
} while (0)

/*
 * The log of a device that the loop guest ran @n rounds against: exactly
 * @n reads and @n writes, and of the last TEST_LOG_DEFAULT accesses, which
 * the device keeps, the oldest: each round a write then a read of the
 * round's value, from LOOP_HIGH | @n down, at offset 0 of @base.
 */
static void check_loop_log(int ctx, uint32_t id, unsigned int bus,
			   uint64_t base, unsigned int n)
{
	unsigned int len = bus == DBDEV_IO_MMIO ? 4 : 1;
	uint64_t mask = bus == DBDEV_IO_MMIO ? 0xffffffffULL : 0xff;
	unsigned int first, kept, i;
	struct test_log log;

	first = 2 * n > TEST_LOG_DEFAULT ? 2 * n - TEST_LOG_DEFAULT : 0;
	kept = 2 * n - first;
	check_note = bus == DBDEV_IO_MMIO ? "MMIO device" : "PIO device";
	if (!CHECK(read_log(ctx, id, &log), 0))
		goto out;
	CHECK(log.head.reads, n);
	CHECK(log.head.writes, n);
	CHECK(log.head.dropped, first);
	if (!CHECK(log.head.nr, kept < LOG_MAX ? kept : LOG_MAX))
		goto out;
	for (i = 0; i < log.head.nr; i++) {
		const struct dbdev_test_access *a = &log.e[i];
		unsigned int seq = first + i;
		uint64_t v = (LOOP_HIGH | (n - seq / 2)) & mask;

		if (!CHECK(a->seq, seq) || !CHECK(a->bus, bus) ||
		    !CHECK(a->dir, seq % 2 ? DBDEV_IO_READ : DBDEV_IO_WRITE) ||
		    !CHECK(a->len, len) || !CHECK(a->base, base) ||
		    !CHECK(a->offset, 0) || !CHECK(a->data, v))
			break;
	}
out:
	check_note = NULL;
}

/* DBDEV_GET_STATS: 0 or -errno; the answer in *st, poisoned first */
static int get_stats(int ctx, struct dbdev_stats *st)
{
	memset(st, 0x5a, sizeof(*st));
	st->argsz = sizeof(*st);
	st->flags = 0;
	return xioctl(ctx, DBDEV_GET_STATS, st);
}

/* The counters of a context: those not named in STATS() are 0 */
#define STATS(...)	((struct dbdev_stats){ __VA_ARGS__ })
#define CHECK_STATS(ctx, want) do {					\
	const struct dbdev_stats st_want = want;			\
	struct dbdev_stats st_got;					\
									\
	if (CHECK(get_stats(ctx, &st_got), 0)) {			\
		CHECK(st_got.argsz, sizeof(st_got));			\
		CHECK(st_got.flags, 0);					\
		CHECK(st_got.kvm_runs, st_want.kvm_runs);		\
		CHECK(st_got.served_pio, st_want.served_pio);		\
		CHECK(st_got.served_mmio, st_want.served_mmio);		\
		CHECK(st_got.exits, st_want.exits);			\
		CHECK(st_got.exits_unowned, st_want.exits_unowned);	\
		CHECK(st_got.signals, st_want.signals);			\
		CHECK(st_got.kvm_errors, st_want.kvm_errors);		\
		CHECK(st_got.io_errors, st_want.io_errors);		\
	}								\
} while (0)

/* ------------------------------------------------------------------------
 * 1. Every refusal DBDEV_KVM_RUN documents, before the vCPU runs
 */

/*
 * A call that must be refused with @err: the ioctl fails and, as every
 * failed call, leaves its argument as it was.
 */
#define CHECK_REFUSED(ctx, kr, err) do {				\
	const struct dbdev_kvm_run _in = *(kr);				\
									\
	CHECK(xioctl(ctx, DBDEV_KVM_RUN, kr), err);			\
	CHECK_MEM(kr, &_in, sizeof(_in));				\
} while (0)

#define VALIDATION_N	16

static void test_validation(void)
{
	struct guest_regs gr = loop_regs(VALIDATION_N, DEV_PORT, DEV_MMIO,
					 DATA_OFF);
	struct kvm_sregs sregs0, sregs1;
	struct kvm_regs regs0, regs1;
	struct dbdev_kvm_run kr, good;
	struct {
		struct dbdev_kvm_run kr;
		uint64_t tail;
	} big;
	struct kvm_run run0;
	struct vm vm, other;
	struct vcpu cpu1;
	uint32_t pio_id, mmio_id;
	int ctx, null, closed, stats;
	size_t size;
	void *p;

	OPEN_CTX(ctx);
	REQUIRE(vm_open(&vm), 0);
	REQUIRE(vm_open(&other), 0);
	REQUIRE(vcpu_open(&vm, 1, &cpu1), 0);
	REQUIRE(create_devs(ctx, &pio_id, &mmio_id), 0);
	REQUIRE(GUEST_START(&vm, &vm.cpu, guest_loop, &gr), 0);
	size = vm.run_size;
	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	REQUIRE(null >= 0, 1);
	/* a file of the vCPU's that is not the vCPU: "kvm-vcpu-stats:0" */
	stats = ioctl(vm.cpu.fd, KVM_GET_STATS_FD, 0);
	REQUIRE(stats >= 0, 1);
	/* the lowest fd not open, and none opened after it */
	closed = dup(null);
	REQUIRE(closed >= 0, 1);
	close(closed);

	/* what must be the same after the refusals */
	REQUIRE(ioctl(vm.cpu.fd, KVM_GET_REGS, &regs0), 0);
	REQUIRE(ioctl(vm.cpu.fd, KVM_GET_SREGS, &sregs0), 0);
	run0 = *vm.cpu.run;
	kr_init(&good, &vm, &vm.cpu);

	/* vcpu_fd */
	kr = good;
	kr.vcpu_fd = closed;
	CHECK_REFUSED(ctx, &kr, -EBADF);
	kr.vcpu_fd = -1;
	CHECK_REFUSED(ctx, &kr, -EBADF);
	kr.vcpu_fd = vm.fd;
	CHECK_REFUSED(ctx, &kr, -EINVAL);
	kr.vcpu_fd = vm.kvm;
	CHECK_REFUSED(ctx, &kr, -EINVAL);
	kr.vcpu_fd = null;
	CHECK_REFUSED(ctx, &kr, -EINVAL);
	kr.vcpu_fd = ctx;
	CHECK_REFUSED(ctx, &kr, -EINVAL);
	kr.vcpu_fd = stats;
	CHECK_REFUSED(ctx, &kr, -EINVAL);
	/* refused as no vCPU, before its VM would be checked (-EXDEV) */
	kr.flags = DBDEV_KVM_RUN_VM;
	kr.vm_fd = other.fd;
	CHECK_REFUSED(ctx, &kr, -EINVAL);

	/* vm_fd, with DBDEV_KVM_RUN_VM */
	kr = good;
	kr.flags = DBDEV_KVM_RUN_VM;
	kr.vm_fd = other.fd;
	CHECK_REFUSED(ctx, &kr, -EXDEV);
	kr.vm_fd = closed;
	CHECK_REFUSED(ctx, &kr, -EBADF);
	kr.vm_fd = -1;
	CHECK_REFUSED(ctx, &kr, -EBADF);
	kr.vm_fd = null;
	CHECK_REFUSED(ctx, &kr, -EINVAL);
	kr.vm_fd = vm.cpu.fd;
	CHECK_REFUSED(ctx, &kr, -EINVAL);
	kr.vm_fd = vm.kvm;
	CHECK_REFUSED(ctx, &kr, -EINVAL);
	kr.vm_fd = ctx;
	CHECK_REFUSED(ctx, &kr, -EINVAL);
	/* the other way round: the other VM's vCPU, checked against this VM */
	kr.vcpu_fd = other.cpu.fd;
	kr.run = (uintptr_t)other.cpu.run;
	kr.vm_fd = vm.fd;
	CHECK_REFUSED(ctx, &kr, -EXDEV);

	/* run and run_size */
	kr = good;
	kr.run = good.run + 1;
	CHECK_REFUSED(ctx, &kr, -EINVAL);
	kr.run = good.run + PAGE_SIZE / 2;
	CHECK_REFUSED(ctx, &kr, -EINVAL);
	kr = good;
	kr.run_size = size - 1;
	CHECK_REFUSED(ctx, &kr, -EINVAL);
	kr.run_size = size - PAGE_SIZE;
	CHECK_REFUSED(ctx, &kr, -EINVAL);
	kr.run_size = 0;
	CHECK_REFUSED(ctx, &kr, -EINVAL);
	/* more than the mapping holds */
	kr.run_size = size + PAGE_SIZE;
	CHECK_REFUSED(ctx, &kr, -EINVAL);
	kr.run_size = UINT64_MAX & ~(PAGE_SIZE - 1);
	CHECK_REFUSED(ctx, &kr, -EINVAL);
	/* no user addresses: the kernel's half, the last page */
	kr = good;
	kr.run = 0xffff800000000000ULL;
	CHECK_REFUSED(ctx, &kr, -EINVAL);
	kr.run = UINT64_MAX & ~(PAGE_SIZE - 1);
	CHECK_REFUSED(ctx, &kr, -EINVAL);

	/* nothing mapped there (any more) */
	p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	REQUIRE(p != MAP_FAILED, 1);
	REQUIRE(munmap(p, size), 0);
	kr = good;
	kr.run = (uintptr_t)p;
	CHECK_REFUSED(ctx, &kr, -EFAULT);

	/* anonymous memory, not the vCPU */
	p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	REQUIRE(p != MAP_FAILED, 1);
	kr.run = (uintptr_t)p;
	CHECK_REFUSED(ctx, &kr, -EINVAL);
	munmap(p, size);

	/* a private mapping of the vCPU */
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, vm.cpu.fd, 0);
	REQUIRE(p != MAP_FAILED, 1);
	kr.run = (uintptr_t)p;
	CHECK_REFUSED(ctx, &kr, -EACCES);
	munmap(p, size);

	/* shared, but read-only, write-only or neither */
	p = mmap(NULL, size, PROT_READ, MAP_SHARED, vm.cpu.fd, 0);
	REQUIRE(p != MAP_FAILED, 1);
	kr.run = (uintptr_t)p;
	CHECK_REFUSED(ctx, &kr, -EACCES);
	REQUIRE(mprotect(p, size, PROT_WRITE), 0);
	CHECK_REFUSED(ctx, &kr, -EACCES);
	REQUIRE(mprotect(p, size, PROT_NONE), 0);
	CHECK_REFUSED(ctx, &kr, -EACCES);
	munmap(p, size);

	/* the vCPU from its second page on */
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, vm.cpu.fd,
		 PAGE_SIZE);
	REQUIRE(p != MAP_FAILED, 1);
	kr.run = (uintptr_t)p;
	CHECK_REFUSED(ctx, &kr, -EINVAL);
	munmap(p, size);

	/* two pages of the vCPU, passed as all of it */
	p = mmap(NULL, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
		 vm.cpu.fd, 0);
	REQUIRE(p != MAP_FAILED, 1);
	kr.run = (uintptr_t)p;
	CHECK_REFUSED(ctx, &kr, -EINVAL);
	munmap(p, 2 * PAGE_SIZE);

	/* the run area of another vCPU, of this VM and of another */
	kr.run = (uintptr_t)cpu1.run;
	CHECK_REFUSED(ctx, &kr, -EINVAL);
	kr.run = (uintptr_t)other.cpu.run;
	CHECK_REFUSED(ctx, &kr, -EINVAL);

	/* flags, reserved, argsz, the argument itself */
	kr = good;
	kr.flags = 1U << 1;
	CHECK_REFUSED(ctx, &kr, -EINVAL);
	kr.flags = DBDEV_KVM_RUN_VM | 1U << 31;
	kr.vm_fd = vm.fd;
	CHECK_REFUSED(ctx, &kr, -EINVAL);
	kr = good;
	kr.reserved[0] = 1;
	CHECK_REFUSED(ctx, &kr, -EINVAL);
	kr = good;
	kr.reserved[1] = 1ULL << 63;
	CHECK_REFUSED(ctx, &kr, -EINVAL);
	kr = good;
	kr.argsz = sizeof(kr) - 8;
	CHECK_REFUSED(ctx, &kr, -EINVAL);
	memset(&big, 0, sizeof(big));
	big.kr = good;
	big.kr.argsz = sizeof(big);
	big.tail = 1;
	CHECK(xioctl(ctx, DBDEV_KVM_RUN, &big), -E2BIG);
	CHECK(xioctl(ctx, DBDEV_KVM_RUN, NULL), -EFAULT);

	/* none of that ran the vCPU or counted */
	CHECK_STATS(ctx, STATS(0));
	CHECK(ioctl(vm.cpu.fd, KVM_GET_REGS, &regs1), 0);
	CHECK(ioctl(vm.cpu.fd, KVM_GET_SREGS, &sregs1), 0);
	CHECK_MEM(&regs1, &regs0, sizeof(regs0));
	CHECK_MEM(&sregs1, &sregs0, sizeof(sregs0));
	CHECK_MEM(vm.cpu.run, &run0, sizeof(run0));
	CHECK_COUNTS(ctx, pio_id, 0, 0);
	CHECK_COUNTS(ctx, mmio_id, 0, 0);

	/* and the correct call, with the VM checked, runs the guest */
	kr = good;
	kr.flags = DBDEV_KVM_RUN_VM;
	kr.vm_fd = vm.fd;
	REQUIRE(kvm_run(ctx, &kr), 0);
	CHECK(guest_status(&kr, &vm.cpu), 0);
	CHECK_RESULT(&kr, DBDEV_KVM_RUN_EXIT, 0, 0, 0, 4 * VALIDATION_N);
	CHECK(guest_read16(&vm, DATA_OFF), VALIDATION_N);
	CHECK_STATS(ctx, STATS(.kvm_runs = 1,
			       .served_pio = 2 * VALIDATION_N,
			       .served_mmio = 2 * VALIDATION_N,
			       .exits = 1, .exits_unowned = 1));
	CHECK_COUNTS(ctx, pio_id, VALIDATION_N, VALIDATION_N);
	CHECK_COUNTS(ctx, mmio_id, VALIDATION_N, VALIDATION_N);
	close(stats);
	close(null);
	close(ctx);
}

/* ------------------------------------------------------------------------
 * 2. Every access to the devices is served in the kernel, in one call
 */
#define SERVED_N	5000

static void test_served(void)
{
	struct guest_regs gr = loop_regs(SERVED_N, DEV_PORT, DEV_MMIO,
					 DATA_OFF);
	struct dbdev_kvm_run kr;
	uint32_t pio_id, mmio_id;
	struct vm vm;
	int ctx;

	OPEN_CTX(ctx);
	REQUIRE(vm_open(&vm), 0);
	REQUIRE(create_devs(ctx, &pio_id, &mmio_id), 0);
	REQUIRE(GUEST_START(&vm, &vm.cpu, guest_loop, &gr), 0);

	REQUIRE(run_vcpu(ctx, &vm, &vm.cpu, &kr), 0);
	CHECK(guest_status(&kr, &vm.cpu), 0);
	CHECK_RESULT(&kr, DBDEV_KVM_RUN_EXIT, 0, 0, 0, 4 * SERVED_N);
	CHECK(guest_read16(&vm, DATA_OFF), SERVED_N);
	check_loop_log(ctx, pio_id, DBDEV_IO_PIO, DEV_PORT, SERVED_N);
	check_loop_log(ctx, mmio_id, DBDEV_IO_MMIO, DEV_MMIO, SERVED_N);
	/* the write to the exit port is an access no device owns */
	CHECK_STATS(ctx, STATS(.kvm_runs = 1,
			       .served_pio = 2 * SERVED_N,
			       .served_mmio = 2 * SERVED_N,
			       .exits = 1, .exits_unowned = 1));
	close(ctx);
}

/* ------------------------------------------------------------------------
 * 3. Accesses no device owns come back exactly as KVM left them
 */
#define NODEV_PORT	(DEV_PORT + DEV_PORTS)	/* just past the device */
#define NODEV_IN_PORT	(DEV_PORT - 1)		/* just before it */
#define NODEV_MMIO	(DEV_MMIO + DEV_MMIO_SIZE)

static void test_unowned(void)
{
	struct guest_regs gr = { .dx = NODEV_PORT, .fs = NODEV_MMIO >> 4 };
	static const uint8_t write_data[] = { 0x78, 0x56, 0x34, 0x12 };
	const uint32_t mmio_value = 0x89abcdef;
	uint8_t canary[PAGE_SIZE], mmio_canary[8];
	struct dbdev_kvm_run kr;
	uint32_t pio_id, mmio_id;
	struct kvm_run *run;
	struct vm vm;
	int ctx;

	OPEN_CTX(ctx);
	REQUIRE(vm_open(&vm), 0);
	run = vm.cpu.run;
	/* devices right beside the addresses the guest uses */
	REQUIRE(create_devs(ctx, &pio_id, &mmio_id), 0);
	REQUIRE(GUEST_START(&vm, &vm.cpu, guest_unowned, &gr), 0);
	memset(canary, 0xc3, sizeof(canary));
	memset(mmio_canary, 0xa9, sizeof(mmio_canary));

	/* out 0x5a */
	REQUIRE(run_vcpu(ctx, &vm, &vm.cpu, &kr), 0);
	CHECK_RESULT(&kr, DBDEV_KVM_RUN_EXIT, 0, 0, 0, 0);
	CHECK_IO_EXIT(run, NODEV_PORT, KVM_EXIT_IO_OUT, 1, 1);
	CHECK(pio_data(&vm.cpu)[0], 0x5a);

	/*
	 * in: KVM zeroes the byte it asks for (emulator_pio_in_out(), so
	 * that no stale data reaches the guest); nothing else writes the
	 * data page, dbdev least of all.
	 */
	memcpy(pio_data(&vm.cpu), canary, sizeof(canary));
	REQUIRE(kvm_run(ctx, &kr), 0);
	CHECK_RESULT(&kr, DBDEV_KVM_RUN_EXIT, 0, 0, 0, 0);
	CHECK_IO_EXIT(run, NODEV_IN_PORT, KVM_EXIT_IO_IN, 1, 1);
	CHECK(pio_data(&vm.cpu)[0], 0);
	CHECK_MEM(pio_data(&vm.cpu) + 1, canary + 1, sizeof(canary) - 1);
	pio_data(&vm.cpu)[0] = 0x3c;

	/* the MMIO write: the guest took the byte once and went on */
	REQUIRE(kvm_run(ctx, &kr), 0);
	CHECK_RESULT(&kr, DBDEV_KVM_RUN_EXIT, 0, 0, 0, 0);
	CHECK_MMIO_EXIT(run, NODEV_MMIO, 4, 1);
	CHECK_MEM(run->mmio.data, write_data, sizeof(write_data));
	CHECK(*guest_data(&vm, DATA_OFF), 0x3c);

	/* the MMIO read: its data is the test's to give */
	memcpy(run->mmio.data, mmio_canary, sizeof(mmio_canary));
	REQUIRE(kvm_run(ctx, &kr), 0);
	CHECK_RESULT(&kr, DBDEV_KVM_RUN_EXIT, 0, 0, 0, 0);
	CHECK_MMIO_EXIT(run, NODEV_MMIO + 4, 4, 0);
	CHECK_MEM(run->mmio.data, mmio_canary, sizeof(mmio_canary));
	memcpy(run->mmio.data, &mmio_value, sizeof(mmio_value));

	REQUIRE(kvm_run(ctx, &kr), 0);
	CHECK(guest_status(&kr, &vm.cpu), 0);
	CHECK_RESULT(&kr, DBDEV_KVM_RUN_EXIT, 0, 0, 0, 0);
	CHECK(*guest_data(&vm, DATA_OFF), 0x3c);
	CHECK(guest_read32(&vm, DATA_OFF + 4), mmio_value);

	CHECK_COUNTS(ctx, pio_id, 0, 0);
	CHECK_COUNTS(ctx, mmio_id, 0, 0);
	CHECK_STATS(ctx, STATS(.kvm_runs = 5, .exits = 5, .exits_unowned = 5));
	close(ctx);
}

/* ------------------------------------------------------------------------
 * 4. Accesses that fail: string I/O part done, past the range, MMIO
 */
#define STRING_COUNT	16
#define STRING_AFTER	5
#define STORE_BYTE	0xa7

static void test_string_io_error(void)
{
	struct guest_regs gr = {
		.cx = STRING_COUNT,
		.dx = DEV_PORT,
		.di = DATA_OFF,
		.fs = DEV_MMIO >> 4,
	};
	uint8_t want[STRING_COUNT], zero[STRING_COUNT] = { 0 };
	uint8_t canary[PAGE_SIZE];
	const uint32_t mmio_value = 0xcafef00d;
	struct dbdev_kvm_run kr;
	uint32_t pio_id, mmio_id;
	struct kvm_run *run;
	struct vm vm;
	uint8_t *data;
	int ctx;

	OPEN_CTX(ctx);
	REQUIRE(vm_open(&vm), 0);
	run = vm.cpu.run;
	data = pio_data(&vm.cpu);
	REQUIRE(create_devs(ctx, &pio_id, &mmio_id), 0);
	REQUIRE(GUEST_START(&vm, &vm.cpu, guest_string, &gr), 0);
	/* every element reads byte 0 of the store: make it known */
	REQUIRE(pio_write8(ctx, DEV_PORT, STORE_BYTE), 0);
	REQUIRE(arm_fail(ctx, pio_id, STRING_AFTER, -EIO), 0);
	memset(canary, 0xc3, sizeof(canary));
	memcpy(data, canary, sizeof(canary));

	/* rep insb: five elements done, the sixth failed, one exit */
	REQUIRE(run_vcpu(ctx, &vm, &vm.cpu, &kr), 0);
	CHECK_RESULT(&kr, DBDEV_KVM_RUN_IO_ERROR, -EIO, STRING_AFTER, 1, 0);
	CHECK_IO_EXIT(run, DEV_PORT, KVM_EXIT_IO_IN, 1, STRING_COUNT);
	memset(want, STORE_BYTE, STRING_AFTER);
	memset(want + STRING_AFTER, 0xee, STRING_COUNT - STRING_AFTER);
	CHECK_MEM(data, want, STRING_AFTER);
	/*
	 * The failed element and those after it are as KVM left them, zero
	 * (see test_unowned()), and the rest of the page was not touched.
	 */
	CHECK_MEM(data + STRING_AFTER, zero, STRING_COUNT - STRING_AFTER);
	CHECK_MEM(data + STRING_COUNT, canary + STRING_COUNT,
		  sizeof(canary) - STRING_COUNT);
	CHECK_COUNTS(ctx, pio_id, STRING_AFTER, 1);

	/* the test completes the rest; the guest gets all sixteen */
	memset(data + STRING_AFTER, 0xee, STRING_COUNT - STRING_AFTER);

	/* in %dx, %ax at the last port: runs past the range */
	REQUIRE(kvm_run(ctx, &kr), 0);
	CHECK_RESULT(&kr, DBDEV_KVM_RUN_IO_ERROR, -ERANGE, 0, 0, 0);
	CHECK_IO_EXIT(run, DEV_PORT + DEV_PORTS - 1, KVM_EXIT_IO_IN, 2, 1);
	CHECK_MEM(data, zero, 2);
	CHECK_MEM(guest_data(&vm, DATA_OFF), want, STRING_COUNT);
	data[0] = 0xef;
	data[1] = 0xbe;

	/* an MMIO read the device fails: it leaves the data alone */
	REQUIRE(arm_fail(ctx, mmio_id, 0, -EPERM), 0);
	memcpy(run->mmio.data, canary, sizeof(run->mmio.data));
	REQUIRE(kvm_run(ctx, &kr), 0);
	CHECK_RESULT(&kr, DBDEV_KVM_RUN_IO_ERROR, -EPERM, 0, 1, 0);
	CHECK_MMIO_EXIT(run, DEV_MMIO, 4, 0);
	CHECK_MEM(run->mmio.data, canary, sizeof(run->mmio.data));
	memcpy(run->mmio.data, &mmio_value, sizeof(mmio_value));

	REQUIRE(kvm_run(ctx, &kr), 0);
	CHECK(guest_status(&kr, &vm.cpu), 0);
	CHECK_RESULT(&kr, DBDEV_KVM_RUN_EXIT, 0, 0, 0, 0);
	CHECK_MEM(guest_data(&vm, DATA_OFF), want, STRING_COUNT);
	CHECK(guest_read16(&vm, DATA_OFF + 0x10), 0xbeef);
	CHECK(guest_read32(&vm, DATA_OFF + 0x14), mmio_value);

	/* failed accesses are neither served nor counted by the device */
	CHECK_COUNTS(ctx, pio_id, STRING_AFTER, 1);
	CHECK_COUNTS(ctx, mmio_id, 0, 0);
	CHECK_STATS(ctx, STATS(.kvm_runs = 4, .exits = 1, .exits_unowned = 1,
			       .io_errors = 3));
	close(ctx);
}

/* ------------------------------------------------------------------------
 * 5. Signals interrupt the loop; nothing is lost or served twice
 */
#define SIGNALS_N	10000
#define MAX_CALLS	1000000	/* bounds the loop of a broken kernel */

static void on_tick(int sig)
{
	(void)sig;
}

static void test_signals(void)
{
	struct guest_regs gr = loop_regs(SIGNALS_N, DEV_PORT, DEV_MMIO,
					 DATA_OFF);
	/* no SA_RESTART: an ioctl that failed with EINTR would show */
	struct sigaction sa = { .sa_handler = on_tick };
	struct itimerspec its = {
		.it_interval = { .tv_nsec = 1000000 },
		.it_value = { .tv_nsec = 1000000 },
	};
	struct sigevent ev = {
		.sigev_notify = SIGEV_THREAD_ID,
		.sigev_signo = SIGUSR1,
	};
	unsigned long calls, sigs = 0, eintr = 0, others = 0;
	uint64_t served = 0;
	struct dbdev_kvm_run kr;
	uint32_t pio_id, mmio_id;
	timer_t timer;
	struct vm vm;
	int ctx, err = 0;

	OPEN_CTX(ctx);
	REQUIRE(vm_open(&vm), 0);
	REQUIRE(create_devs(ctx, &pio_id, &mmio_id), 0);
	REQUIRE(GUEST_START(&vm, &vm.cpu, guest_loop, &gr), 0);
	REQUIRE(sigaction(SIGUSR1, &sa, NULL), 0);
	/* to this thread, the one in DBDEV_KVM_RUN */
	ev.sigev_notify_thread_id = gettid();
	REQUIRE(timer_create(CLOCK_MONOTONIC, &ev, &timer), 0);

	kr_init(&kr, &vm, &vm.cpu);
	REQUIRE(timer_settime(timer, 0, &its, NULL), 0);
	for (calls = 0; calls < MAX_CALLS; calls++) {
		err = kvm_run(ctx, &kr);
		if (err == -EINTR) {
			eintr++;
			continue;
		}
		if (err)
			break;
		served += kr.served;
		if (kr.reason != DBDEV_KVM_RUN_KVM_ERROR)
			break;
		if (kr.error == -EINTR)
			sigs++;
		else
			others++;
	}
	timer_delete(timer);

	printf("# %lu calls, %lu returned for a signal\n", calls + 1, sigs);
	CHECK(err, 0);
	CHECK(eintr, 0);
	CHECK(others, 0);
	CHECK(sigs > 0, 1);
	CHECK(guest_status(&kr, &vm.cpu), 0);
	CHECK(kr.error, 0);
	CHECK(kr.done, 0);
	CHECK(kr.device, 0);
	CHECK(served, 4 * SIGNALS_N);
	CHECK(guest_read16(&vm, DATA_OFF), SIGNALS_N);
	check_loop_log(ctx, pio_id, DBDEV_IO_PIO, DEV_PORT, SIGNALS_N);
	check_loop_log(ctx, mmio_id, DBDEV_IO_MMIO, DEV_MMIO, SIGNALS_N);
	CHECK_STATS(ctx, STATS(.kvm_runs = sigs + 1,
			       .served_pio = 2 * SIGNALS_N,
			       .served_mmio = 2 * SIGNALS_N,
			       .exits = 1, .exits_unowned = 1,
			       .signals = sigs));
	close(ctx);
}

/* ------------------------------------------------------------------------
 * 6. immediate_exit: KVM_RUN returns at once, a pending exit completed
 */
static void test_immediate_exit(void)
{
	struct guest_regs gr = { .dx = DEV_PORT };
	struct dbdev_kvm_run kr;
	uint32_t pio_id, mmio_id;
	struct kvm_regs regs;
	struct kvm_run *run;
	struct vm vm;
	int ctx;

	OPEN_CTX(ctx);
	REQUIRE(vm_open(&vm), 0);
	run = vm.cpu.run;
	REQUIRE(create_devs(ctx, &pio_id, &mmio_id), 0);
	REQUIRE(GUEST_START(&vm, &vm.cpu, guest_twoin, &gr), 0);

	/* before the guest ever ran: it does not */
	run->immediate_exit = 1;
	REQUIRE(run_vcpu(ctx, &vm, &vm.cpu, &kr), 0);
	CHECK_RESULT(&kr, DBDEV_KVM_RUN_KVM_ERROR, -EINTR, 0, 0, 0);
	CHECK_COUNTS(ctx, pio_id, 0, 0);
	REQUIRE(ioctl(vm.cpu.fd, KVM_GET_REGS, &regs), 0);
	CHECK(regs.rip, 0);
	CHECK_STATS(ctx, STATS(.kvm_runs = 1, .signals = 1));

	/* it writes to the device, then reads an unowned port */
	run->immediate_exit = 0;
	REQUIRE(kvm_run(ctx, &kr), 0);
	CHECK_RESULT(&kr, DBDEV_KVM_RUN_EXIT, 0, 0, 0, 1);
	CHECK_IO_EXIT(run, TWOIN_PORT, KVM_EXIT_IO_IN, 1, 1);
	CHECK_COUNTS(ctx, pio_id, 0, 1);

	/*
	 * Give the value and stop at once: KVM completes the read first.
	 * What the data area holds afterwards must not reach the guest.
	 */
	pio_data(&vm.cpu)[0] = 0x3c;
	run->immediate_exit = 1;
	REQUIRE(kvm_run(ctx, &kr), 0);
	CHECK_RESULT(&kr, DBDEV_KVM_RUN_KVM_ERROR, -EINTR, 0, 0, 0);
	pio_data(&vm.cpu)[0] = 0x99;

	/* the next exit is the second read, after the first was stored */
	run->immediate_exit = 0;
	REQUIRE(kvm_run(ctx, &kr), 0);
	CHECK_RESULT(&kr, DBDEV_KVM_RUN_EXIT, 0, 0, 0, 0);
	CHECK_IO_EXIT(run, TWOIN_PORT, KVM_EXIT_IO_IN, 1, 1);
	CHECK(*guest_data(&vm, DATA_OFF), 0x3c);
	CHECK(*guest_data(&vm, DATA_OFF + 1), 0);
	pio_data(&vm.cpu)[0] = 0xc3;

	REQUIRE(kvm_run(ctx, &kr), 0);
	CHECK(guest_status(&kr, &vm.cpu), 0);
	CHECK(*guest_data(&vm, DATA_OFF), 0x3c);
	CHECK(*guest_data(&vm, DATA_OFF + 1), 0xc3);
	CHECK_COUNTS(ctx, pio_id, 0, 1);
	CHECK_COUNTS(ctx, mmio_id, 0, 0);
	CHECK_STATS(ctx, STATS(.kvm_runs = 5, .served_pio = 1, .exits = 3,
			       .exits_unowned = 3, .signals = 2));
	close(ctx);
}

/* ------------------------------------------------------------------------
 * 7. Another process cannot run the vCPU through dbdev either
 */
#define FORK_N	100

static void test_fork(void)
{
	struct guest_regs gr = loop_regs(FORK_N, DEV_PORT, DEV_MMIO, DATA_OFF);
	struct dbdev_kvm_run kr;
	uint32_t pio_id, mmio_id;
	struct kvm_regs regs;
	struct vm vm;
	int ctx, status;
	pid_t pid;

	OPEN_CTX(ctx);
	REQUIRE(vm_open(&vm), 0);
	REQUIRE(create_devs(ctx, &pio_id, &mmio_id), 0);
	REQUIRE(GUEST_START(&vm, &vm.cpu, guest_loop, &gr), 0);

	fflush(stdout);
	pid = fork();
	REQUIRE(pid >= 0, 1);
	if (!pid) {
		/* the child: same fds, same mapping, another mm */
		test_failed = 0;
		if (CHECK(run_vcpu(ctx, &vm, &vm.cpu, &kr), 0))
			CHECK_RESULT(&kr, DBDEV_KVM_RUN_KVM_ERROR, -EIO,
				     0, 0, 0);
		fflush(stdout);
		_exit(test_failed);
	}
	REQUIRE(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status), 1);
	CHECK(WEXITSTATUS(status), 0);

	/* the guest did not run */
	CHECK_STATS(ctx, STATS(.kvm_runs = 1, .kvm_errors = 1));
	CHECK_COUNTS(ctx, pio_id, 0, 0);
	CHECK_COUNTS(ctx, mmio_id, 0, 0);
	REQUIRE(ioctl(vm.cpu.fd, KVM_GET_REGS, &regs), 0);
	CHECK(regs.rip, 0);

	/* the parent's still does */
	REQUIRE(run_vcpu(ctx, &vm, &vm.cpu, &kr), 0);
	CHECK(guest_status(&kr, &vm.cpu), 0);
	CHECK_RESULT(&kr, DBDEV_KVM_RUN_EXIT, 0, 0, 0, 4 * FORK_N);
	CHECK(guest_read16(&vm, DATA_OFF), FORK_N);
	CHECK_COUNTS(ctx, pio_id, FORK_N, FORK_N);
	CHECK_COUNTS(ctx, mmio_id, FORK_N, FORK_N);
	CHECK_STATS(ctx, STATS(.kvm_runs = 2, .served_pio = 2 * FORK_N,
			       .served_mmio = 2 * FORK_N, .exits = 1,
			       .exits_unowned = 1, .kvm_errors = 1));
	close(ctx);
}

/* ------------------------------------------------------------------------
 * 8. Two vCPUs of one VM, each in its own thread, in one context at once
 *
 * The test VM's nested SVM (QEMU's TCG) now and then, a few times in a
 * hundred such runs, replaces the state of one of two vCPUs that run at
 * once with the L1 host's as of its VMRUN (CS 0x10, RIP in kvm_amd, RAX
 * the VMCB's address), and the guest runs away.  Plain KVM_RUN loops
 * without dbdev do the same.  The guest's own code never leaves CS 0x1000
 * and dbdev never touches a vCPU's registers, so a vCPU found elsewhere
 * after the deadline means the run says nothing about dbdev: it is
 * reported and run once more, in a new VM and context.
 */
#define TWO_N		2500
/* seconds: far more than a run takes, well within the harness's limit */
#define TWO_DEADLINE	20

struct runner {
	int ctx;
	const struct vm *vm;
	const struct vcpu *cpu;
	pthread_barrier_t *start;
	struct dbdev_kvm_run kr;
	int err;
	struct timespec t0, t1;
};

static void *runner(void *arg)
{
	struct runner *r = arg;

	pthread_barrier_wait(r->start);
	clock_gettime(CLOCK_MONOTONIC, &r->t0);
	r->err = run_vcpu(r->ctx, r->vm, r->cpu, &r->kr);
	clock_gettime(CLOCK_MONOTONIC, &r->t1);
	return NULL;
}

static double secs(const struct timespec *t)
{
	return t->tv_sec + t->tv_nsec / 1e9;
}

/*
 * Stop a vCPU that has not finished by the deadline (its DBDEV_KVM_RUN
 * returns for the signal): true if the test VM lost its state.
 */
static bool stop_runaway(pthread_t th, const struct runner *r, int i)
{
	struct kvm_sregs s;

	printf("# vCPU %d runs on after %d s: stopping it\n", i, TWO_DEADLINE);
	pthread_kill(th, SIGUSR1);
	pthread_join(th, NULL);
	dump_vcpu(r->cpu);
	return !ioctl(r->cpu->fd, KVM_GET_SREGS, &s) &&
	       s.cs.selector != CODE_SEG;
}

/* One run; false if the test VM lost a vCPU's state (nothing checked) */
static bool two_vcpus_once(bool last)
{
	struct guest_regs gr[2] = {
		loop_regs(TWO_N, DEV_PORT, DEV_MMIO, DATA_OFF),
		loop_regs(TWO_N, DEV1_PORT, DEV1_MMIO, DATA_OFF + 0x100),
	};
	uint32_t pio_id[2], mmio_id[2];
	pthread_barrier_t start;
	struct timespec deadline;
	bool lost = false;
	struct runner r[2];
	struct vcpu cpu1;
	pthread_t th[2];
	double overlap;
	struct vm vm;
	int ctx, i;

	ctx = open_ctx();
	if (ctx < 0)
		return true;
	if (!CHECK(vm_open(&vm), 0) || !CHECK(vcpu_open(&vm, 1, &cpu1), 0) ||
	    !CHECK(create_pio(ctx, DEV_PORT, &pio_id[0]), 0) ||
	    !CHECK(create_mmio(ctx, DEV_MMIO, &mmio_id[0]), 0) ||
	    !CHECK(create_pio(ctx, DEV1_PORT, &pio_id[1]), 0) ||
	    !CHECK(create_mmio(ctx, DEV1_MMIO, &mmio_id[1]), 0))
		return true;
	/*
	 * The same code; its own registers, stack and counter each.  Without
	 * KVM's irqchip a vCPU other than 0 does not wait for INIT and SIPI
	 * either: it starts runnable, from the registers it is given.
	 */
	gr[1].sp = STACK_TOP - 0x1000;
	if (!CHECK(GUEST_START(&vm, &vm.cpu, guest_loop, &gr[0]), 0) ||
	    !CHECK(GUEST_START(&vm, &cpu1, guest_loop, &gr[1]), 0) ||
	    !CHECK(pthread_barrier_init(&start, NULL, 2), 0))
		return true;
	for (i = 0; i < 2; i++) {
		r[i] = (struct runner){
			.ctx = ctx, .vm = &vm, .cpu = i ? &cpu1 : &vm.cpu,
			.start = &start, .err = 1,
		};
		if (!CHECK(pthread_create(&th[i], NULL, runner, &r[i]), 0))
			return true;	/* the harness's alarm ends the other */
	}
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += TWO_DEADLINE;
	for (i = 0; i < 2; i++)
		if (pthread_timedjoin_np(th[i], NULL, &deadline) == ETIMEDOUT)
			lost |= stop_runaway(th[i], &r[i], i);
	if (lost && !last) {
		printf("# the test VM lost a vCPU's state: once more\n");
		close(ctx);
		return false;
	}

	overlap = (secs(&r[0].t1) < secs(&r[1].t1) ? secs(&r[0].t1) :
		   secs(&r[1].t1)) -
		  (secs(&r[0].t0) > secs(&r[1].t0) ? secs(&r[0].t0) :
		   secs(&r[1].t0));
	printf("# vCPU 0 ran %.3f s, vCPU 1 %.3f s, both at once %.3f s\n",
	       secs(&r[0].t1) - secs(&r[0].t0),
	       secs(&r[1].t1) - secs(&r[1].t0), overlap);
	for (i = 0; i < 2; i++) {
		check_note = i ? "vCPU 1" : "vCPU 0";
		if (!CHECK(r[i].err, 0))
			continue;
		CHECK(guest_status(&r[i].kr, r[i].cpu), 0);
		CHECK_RESULT(&r[i].kr, DBDEV_KVM_RUN_EXIT, 0, 0, 0, 4 * TWO_N);
		CHECK(guest_read16(&vm, gr[i].bx), TWO_N);
		check_loop_log(ctx, pio_id[i], DBDEV_IO_PIO, gr[i].dx, TWO_N);
		check_loop_log(ctx, mmio_id[i], DBDEV_IO_MMIO,
			       (uint64_t)gr[i].fs << 4, TWO_N);
	}
	check_note = NULL;
	CHECK_STATS(ctx, STATS(.kvm_runs = 2, .served_pio = 4 * TWO_N,
			       .served_mmio = 4 * TWO_N, .exits = 2,
			       .exits_unowned = 2));
	pthread_barrier_destroy(&start);
	close(ctx);
	return true;
}

static void test_two_vcpus(void)
{
	/* no SA_RESTART: to stop a vCPU that runs away */
	struct sigaction sa = { .sa_handler = on_tick };

	REQUIRE(sigaction(SIGUSR1, &sa, NULL), 0);
	if (!two_vcpus_once(false))
		two_vcpus_once(true);
}

/* ------------------------------------------------------------------------
 * 9. DBDEV_GET_STATS: its argument, and counters per context
 */
static void test_stats(void)
{
	struct dbdev_stats st, in;
	struct {
		struct dbdev_stats st;
		uint64_t tail;
	} big;
	struct guest_regs gr;
	struct dbdev_kvm_run kr;
	uint32_t pio_a, mmio_a, pio_b, mmio_b;
	int a, b, c;
	struct vm va, vb, vc;

	OPEN_CTX(a);
	OPEN_CTX(b);
	OPEN_CTX(c);
	CHECK_STATS(a, STATS(0));

	/* argsz and flags; a refused call writes nothing */
	memset(&st, 0x5a, sizeof(st));
	st.argsz = sizeof(st) - 1;
	st.flags = 0;
	in = st;
	CHECK(xioctl(a, DBDEV_GET_STATS, &st), -EINVAL);
	CHECK_MEM(&st, &in, sizeof(st));
	st.argsz = 8;
	in = st;
	CHECK(xioctl(a, DBDEV_GET_STATS, &st), -EINVAL);
	CHECK_MEM(&st, &in, sizeof(st));
	st.argsz = 0;
	in = st;
	CHECK(xioctl(a, DBDEV_GET_STATS, &st), -EINVAL);
	CHECK_MEM(&st, &in, sizeof(st));
	st.argsz = sizeof(st);
	st.flags = 1;
	in = st;
	CHECK(xioctl(a, DBDEV_GET_STATS, &st), -EINVAL);
	CHECK_MEM(&st, &in, sizeof(st));
	st.flags = 1U << 31;
	in = st;
	CHECK(xioctl(a, DBDEV_GET_STATS, &st), -EINVAL);
	CHECK_MEM(&st, &in, sizeof(st));
	CHECK(xioctl(a, DBDEV_GET_STATS, NULL), -EFAULT);
	/* a larger structure: its tail must be zero, and stays as it is */
	memset(&big, 0x5a, sizeof(big));
	big.st.argsz = sizeof(big);
	big.st.flags = 0;
	CHECK(xioctl(a, DBDEV_GET_STATS, &big), -E2BIG);
	big.tail = 0;
	CHECK(xioctl(a, DBDEV_GET_STATS, &big), 0);
	CHECK(big.st.argsz, sizeof(big));
	CHECK(big.st.kvm_runs, 0);
	CHECK(big.st.io_errors, 0);
	CHECK(big.tail, 0);

	/* the same devices in two contexts, a run in each */
	REQUIRE(vm_open(&va), 0);
	REQUIRE(vm_open(&vb), 0);
	REQUIRE(vm_open(&vc), 0);
	REQUIRE(create_devs(a, &pio_a, &mmio_a), 0);
	REQUIRE(create_devs(b, &pio_b, &mmio_b), 0);

	gr = loop_regs(8, DEV_PORT, DEV_MMIO, DATA_OFF);
	REQUIRE(GUEST_START(&va, &va.cpu, guest_loop, &gr), 0);
	REQUIRE(run_vcpu(a, &va, &va.cpu, &kr), 0);
	CHECK(guest_status(&kr, &va.cpu), 0);
	CHECK_STATS(a, STATS(.kvm_runs = 1, .served_pio = 16,
			     .served_mmio = 16, .exits = 1,
			     .exits_unowned = 1));
	CHECK_STATS(b, STATS(0));

	gr = loop_regs(3, DEV_PORT, DEV_MMIO, DATA_OFF);
	REQUIRE(GUEST_START(&vb, &vb.cpu, guest_loop, &gr), 0);
	REQUIRE(run_vcpu(b, &vb, &vb.cpu, &kr), 0);
	CHECK(guest_status(&kr, &vb.cpu), 0);
	CHECK_STATS(b, STATS(.kvm_runs = 1, .served_pio = 6,
			     .served_mmio = 6, .exits = 1,
			     .exits_unowned = 1));

	/* a context without devices serves nothing of the same guest */
	REQUIRE(GUEST_START(&vc, &vc.cpu, guest_loop, &gr), 0);
	REQUIRE(run_vcpu(c, &vc, &vc.cpu, &kr), 0);
	CHECK_RESULT(&kr, DBDEV_KVM_RUN_EXIT, 0, 0, 0, 0);
	CHECK_MMIO_EXIT(vc.cpu.run, DEV_MMIO, 4, 1);
	CHECK_STATS(c, STATS(.kvm_runs = 1, .exits = 1, .exits_unowned = 1));

	/* nobody else's runs counted */
	CHECK_STATS(a, STATS(.kvm_runs = 1, .served_pio = 16,
			     .served_mmio = 16, .exits = 1,
			     .exits_unowned = 1));
	CHECK_STATS(b, STATS(.kvm_runs = 1, .served_pio = 6,
			     .served_mmio = 6, .exits = 1,
			     .exits_unowned = 1));
	CHECK_COUNTS(a, pio_a, 8, 8);
	CHECK_COUNTS(a, mmio_a, 8, 8);
	CHECK_COUNTS(b, pio_b, 3, 3);
	CHECK_COUNTS(b, mmio_b, 3, 3);
	close(a);
	close(b);
	close(c);
}

/* ------------------------------------------------------------------------
 * 10. A hostile VMM around a running vCPU: its devices destroyed and made
 * again, its run area mapped again, a storm of signals; then the context
 * and the vCPU closed from another thread.  Nothing lost, nothing twice.
 */

/*
 * The writer guest: CX rounds of an MMIO dword write to FS:0 and a port
 * byte write to DX, counted in the word at DS:BX; then status 0.
 */
static const uint8_t guest_writer[] = {
	/* 00 */ 0x64, 0x66, 0x89, 0x0e, 0x00, 0x00, /* mov %ecx, %fs:0 */
	/* 06 */ 0x88, 0xc8,		/* mov %cl, %al */
	/* 08 */ 0xee,			/* out %al, (%dx) */
	/* 09 */ 0xff, 0x07,		/* incw (%bx) */
	/* 0b */ 0xe2, 0xf3,		/* loop 0x00 */
	/* 0d */ 0xb0, 0x00,		/* mov $0, %al */
	/* 0f */ 0xba, 0x01, 0x05,	/* mov $0x501, %dx */
	/* 12 */ 0xee,			/* out %al, (%dx) */
	/* 13 */ 0xf4,			/* hlt */
	/* 14 */ 0xeb, 0xfd,		/* jmp 0x13 */
};

#define HOSTILE_N	20000

struct hostile {
	int ctx;
	const struct vm *vm;
	pid_t runner;		/* the thread in DBDEV_KVM_RUN */
	bool stop;
	unsigned long rounds;
	int err;
};

/* Destroy both devices and make them again, remap, signal; until stop. */
static void *hostile_churn(void *arg)
{
	struct hostile *h = arg;
	uint32_t pio_id = 1, mmio_id = 2;

	while (!__atomic_load_n(&h->stop, __ATOMIC_RELAXED) && !h->err) {
		h->err = destroy_dev(h->ctx, pio_id) ?:
			 destroy_dev(h->ctx, mmio_id) ?:
			 create_pio(h->ctx, DEV_PORT, &pio_id) ?:
			 create_mmio(h->ctx, DEV_MMIO, &mmio_id);
		/* the same pages of the vCPU, mapped again where they were */
		if (mmap(h->vm->cpu.run, h->vm->run_size, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_FIXED, h->vm->cpu.fd, 0) == MAP_FAILED)
			h->err = -errno;
		tgkill(getpid(), h->runner, SIGUSR1);
		h->rounds++;
	}
	return NULL;
}

static void test_hostile_run(void)
{
	struct guest_regs gr = loop_regs(HOSTILE_N, DEV_PORT, DEV_MMIO,
					 DATA_OFF);
	struct sigaction sa = { .sa_handler = on_tick };
	unsigned long calls, sigs = 0, by_vmm = 0;
	struct hostile h = { .runner = gettid() };
	uint64_t served = 0;
	struct dbdev_kvm_run kr;
	struct kvm_run *run;
	uint32_t pio_id, mmio_id;
	pthread_t th;
	struct vm vm;
	int err = 0;

	OPEN_CTX(h.ctx);
	REQUIRE(vm_open(&vm), 0);
	h.vm = &vm;
	run = vm.cpu.run;
	REQUIRE(create_devs(h.ctx, &pio_id, &mmio_id), 0);
	REQUIRE(pio_id, 1);
	REQUIRE(mmio_id, 2);
	REQUIRE(GUEST_START(&vm, &vm.cpu, guest_writer, &gr), 0);
	REQUIRE(sigaction(SIGUSR1, &sa, NULL), 0);
	REQUIRE(pthread_create(&th, NULL, hostile_churn, &h), 0);

	kr_init(&kr, &vm, &vm.cpu);
	for (calls = 0; calls < MAX_CALLS; calls++) {
		err = kvm_run(h.ctx, &kr);
		if (err)
			break;
		served += kr.served;
		if (kr.reason == DBDEV_KVM_RUN_KVM_ERROR && kr.error == -EINTR) {
			sigs++;
			continue;
		}
		if (kr.reason != DBDEV_KVM_RUN_EXIT)
			break;
		/* a write while its device was gone: the VMM takes it */
		if ((run->exit_reason == KVM_EXIT_IO &&
		     run->io.port == DEV_PORT) ||
		    (run->exit_reason == KVM_EXIT_MMIO &&
		     run->mmio.phys_addr == DEV_MMIO)) {
			by_vmm++;
			continue;
		}
		break;
	}
	__atomic_store_n(&h.stop, true, __ATOMIC_RELAXED);
	pthread_join(th, NULL);

	printf("# %lu calls: %lu for signals, %lu accesses to the VMM while "
	       "%lu rounds of destroy, create, remap and signal\n",
	       calls + 1, sigs, by_vmm, h.rounds);
	CHECK(err, 0);
	CHECK(h.err, 0);
	CHECK(kr.reason, DBDEV_KVM_RUN_EXIT);
	CHECK(guest_status(&kr, &vm.cpu), 0);
	CHECK(guest_read16(&vm, DATA_OFF), HOSTILE_N);
	/* every write reached a device or the VMM, exactly once */
	CHECK(served + by_vmm, 2 * HOSTILE_N);
	CHECK(h.rounds > 0, 1);
	close(h.ctx);
}

/* What another thread takes away from a vCPU running under DBDEV_KVM_RUN */
enum pulled { PULL_RUN_AREA, PULL_CONTEXT, PULL_VCPU, NR_PULLS };

struct closer {
	enum pulled what;
	int ctx, vcpu;
	uint32_t dev;		/* a device the guest accesses */
	pid_t runner;
	void *run;
	size_t run_size;
};

/*
 * Once the runner is inside its first DBDEV_KVM_RUN, which the guest's
 * device has seen accesses of (the guest loops on accesses the kernel
 * serves, so the call does not return by itself), take one thing away,
 * then signal the runner to end the call.
 */
static void *closer_fn(void *arg)
{
	struct closer *c = arg;
	struct test_log log;
	int tries;

	for (tries = 0; tries < 10000; tries++) {
		if (read_log(c->ctx, c->dev, &log) || log.head.writes)
			break;
		usleep(1000);
	}
	if (c->what == PULL_CONTEXT)
		close(c->ctx);
	else
		munmap(c->run, c->run_size);
	if (c->what == PULL_VCPU)
		close(c->vcpu);
	tgkill(getpid(), c->runner, SIGUSR1);
	return NULL;
}

/*
 * The run area unmapped, the context closed, or the vCPU's run area
 * unmapped and its fd closed (then only the call holds the vCPU's file,
 * whose release waits for it), by another thread while a vCPU runs under
 * DBDEV_KVM_RUN: the call under way ends as any does at a signal (it holds
 * the vCPU's pages and file; the syscall holds the context's); the next
 * one finds nothing mapped at the run area (-EFAULT), or no context or no
 * vCPU at its fd (-EBADF, the vCPU's from dbdev).
 */
static void test_closed_under_run(void)
{
	static const int next_err[NR_PULLS] = {
		[PULL_RUN_AREA] = -EFAULT,
		[PULL_CONTEXT] = -EBADF,
		[PULL_VCPU] = -EBADF,
	};
	static const char *const name[NR_PULLS] = {
		[PULL_RUN_AREA] = "run area unmapped",
		[PULL_CONTEXT] = "context closed",
		[PULL_VCPU] = "vCPU closed",
	};
	struct guest_regs gr = loop_regs(0xffff, DEV_PORT, DEV_MMIO, DATA_OFF);
	struct sigaction sa = { .sa_handler = on_tick };
	struct dbdev_kvm_run kr;
	uint32_t pio_id, mmio_id;
	enum pulled what;
	pthread_t th;
	struct vm vm;

	REQUIRE(sigaction(SIGUSR1, &sa, NULL), 0);
	for (what = 0; what < NR_PULLS; what++) {
		struct closer c = { .what = what, .runner = gettid() };

		check_note = name[what];
		OPEN_CTX(c.ctx);
		REQUIRE(vm_open(&vm), 0);
		c.vcpu = vm.cpu.fd;
		c.run = vm.cpu.run;
		c.run_size = vm.run_size;
		REQUIRE(create_devs(c.ctx, &pio_id, &mmio_id), 0);
		c.dev = pio_id;
		REQUIRE(GUEST_START(&vm, &vm.cpu, guest_loop, &gr), 0);
		REQUIRE(pthread_create(&th, NULL, closer_fn, &c), 0);

		kr_init(&kr, &vm, &vm.cpu);
		CHECK(kvm_run(c.ctx, &kr), 0);
		CHECK(kr.reason, DBDEV_KVM_RUN_KVM_ERROR);
		CHECK(kr.error, -EINTR);
		CHECK(kr.served > 0, 1);
		pthread_join(th, NULL);
		CHECK(kvm_run(c.ctx, &kr), next_err[what]);
		if (what != PULL_CONTEXT)
			close(c.ctx);
		if (what != PULL_VCPU)
			close(vm.cpu.fd);
		close(vm.fd);
		close(vm.kvm);
	}
	check_note = NULL;
}

static const struct test tests[] = {
	T(validation),
	T(served),
	T(unowned),
	T(string_io_error),
	T(signals),
	T(immediate_exit),
	T(fork),
	T(two_vcpus),
	T(stats),
	T(hostile_run),
	T(closed_under_run),
};

/*
 * KVM patches kernel text when the first VM comes and the last one goes
 * (the static key of the preempt notifiers, in __schedule()), and when the
 * first vCPU without an in-kernel local APIC comes and the last one goes
 * (kvm_has_noapic_vcpu); every test makes and frees such VMs.  Under TCG
 * the test VM's kernel now and then dies of that live patching (an int3
 * oops in __schedule(), as tools/vm/run.sh knows from boots), so a VM
 * with one such vCPU lives as long as the program and keeps both keys on.
 * Nothing depends on it: without /dev/kvm every test fails on its own.
 */
static void hold_kvm(void)
{
	int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	int vm = kvm < 0 ? -1 : ioctl(kvm, KVM_CREATE_VM, 0);

	if (vm >= 0)
		ioctl(vm, KVM_CREATE_VCPU, 0);
}

int main(int argc, char **argv)
{
	hold_kvm();
	return tap_main(argc, argv, tests, ARRAY_SIZE(tests),
			"DBDEV_KVM_RUN selftests");
}
