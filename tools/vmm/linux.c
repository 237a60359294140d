// SPDX-License-Identifier: GPL-2.0
/*
 * Booting a Linux bzImage, by the 32-bit boot protocol of
 * Documentation/x86/boot.rst: the protected-mode kernel at 1 MiB, a zero
 * page (struct boot_params) holding the image's setup header, the command
 * line, the initramfs and an e820 map, and the vCPU in flat 32-bit
 * protected mode without paging, at the kernel's 32-bit entry, with %esi
 * pointing at the zero page.  The kernel sets up its own page tables.
 *
 * The guest's memory, all RAM to KVM, as the e820 map tells the kernel:
 *   0x00000 - 0x9fbff  RAM (the GDT at 0x500, the zero page at 0x7000,
 *                      the command line at 0x20000)
 *   0x9fc00 - 0xfffff  reserved: where a PC has its EBDA, VGA and BIOS;
 *                      zeros here, so the kernel's scans for firmware
 *                      tables find none without an exit
 *   0x100000 -         RAM: the kernel, then free memory, the initramfs at
 *                      the top
 * dbdev's devices are above all of it (its MMIO pool starts at 0xd0000000).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <asm/bootparam.h>
#include <cpuid.h>
#include <linux/kvm.h>

#include "vmm.h"

#define GDT_ADDR	0x500
#define ZERO_PAGE	0x7000
#define CMDLINE_ADDR	0x20000
#define CMDLINE_MAX	0x10000
#define EBDA_START	0x9fc00
#define KERNEL_ADDR	0x100000
#define BOOT_CS		0x10		/* the selectors the protocol asks for */
#define BOOT_DS		0x18

#define SETUP_HDR	0x1f1		/* where the header is in the image */
#define HDR_MAGIC	0x53726448	/* "HdrS" */
#define E820_RAM	1
#define E820_RESERVED	2

#define MP_TABLE	EBDA_START	/* where the kernel looks for one */
#define LAPIC_ADDR	0xfee00000
#define IOAPIC_ADDR	0xfec00000
#define IOAPIC_ID	1
#define ISA_IRQS	16

/* Read all of @path into a new buffer; its size in *@len. */
static uint8_t *read_file(const char *path, size_t *len)
{
	struct stat st;
	uint8_t *buf;
	ssize_t n;
	size_t got = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &st))
		die("%s: %m", path);
	buf = malloc(st.st_size ? st.st_size : 1);
	if (!buf)
		die("%s: out of memory", path);
	while (got < (size_t)st.st_size) {
		n = read(fd, buf + got, st.st_size - got);
		if (n <= 0)
			die("%s: %s", path, n ? strerror(errno) : "short read");
		got += n;
	}
	close(fd);
	*len = got;
	return buf;
}

static void e820_add(struct boot_params *bp, uint64_t addr, uint64_t size,
		     uint32_t type)
{
	struct boot_e820_entry *e = &bp->e820_table[bp->e820_entries++];

	e->addr = addr;
	e->size = size;
	e->type = type;
}

/*
 * An Intel MultiProcessor table (MP specification 1.4), which is all the
 * kernel needs to find the IOAPIC: the floating pointer, then the
 * configuration table with its entries.
 */
struct mp_floating {
	char signature[4];		/* "_MP_" */
	uint32_t config;		/* the configuration table */
	uint8_t length;			/* in 16-byte units: 1 */
	uint8_t revision;		/* 4: version 1.4 */
	uint8_t checksum;
	uint8_t feature[5];		/* all zero: the table is there */
} __attribute__((packed));

struct mp_config {
	char signature[4];		/* "PCMP" */
	uint16_t length;		/* with the entries */
	uint8_t revision;
	uint8_t checksum;
	char oem[8];
	char product[12];
	uint32_t oem_table;
	uint16_t oem_size;
	uint16_t entries;
	uint32_t lapic;
	uint16_t ext_length;
	uint8_t ext_checksum;
	uint8_t reserved;
} __attribute__((packed));

enum { MP_CPU, MP_BUS, MP_IOAPIC, MP_INTSRC, MP_LINTSRC };
enum { MP_INT, MP_NMI, MP_SMI, MP_EXTINT };

struct mp_cpu {
	uint8_t type, apic_id, apic_version, flags;
	uint32_t signature, features, reserved[2];
} __attribute__((packed));

struct mp_bus {
	uint8_t type, id;
	char name[6];
} __attribute__((packed));

struct mp_ioapic {
	uint8_t type, id, version, flags;
	uint32_t addr;
} __attribute__((packed));

/* an interrupt source: an ISA IRQ at an IOAPIC pin, or at a LAPIC's LINT */
struct mp_irq {
	uint8_t type, irq_type;
	uint16_t flags;			/* 0: as the bus has it (ISA: edge, high) */
	uint8_t bus, bus_irq, apic, pin;
} __attribute__((packed));

static uint8_t checksum(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint8_t sum = 0;

	while (len--)
		sum += *b++;
	return -sum;
}

/*
 * @cpus CPUs (APIC IDs from 0, the vCPUs' ids, 0 the boot CPU), an ISA bus
 * and an IOAPIC whose pins are the VMM's GSI routing:
 * ISA IRQ n at pin n (the timer's IRQ 0 too, which a PC has at pin 2).
 * The 8259 reaches the CPU on LINT0 and NMI on LINT1.  Without such a
 * table the kernel finds no IOAPIC and runs everything, its timer
 * included, through the 8259 and the LAPIC's LINT0; KVM loses the 8259's
 * output when a timer tick falls while the kernel masks LINT0 to set the
 * LAPIC up, and the guest is left without a clock.
 */
static void mp_table(uint8_t *ram, unsigned int cpus)
{
	struct mp_floating *mpf = (struct mp_floating *)(ram + MP_TABLE);
	struct mp_config *mpc = (struct mp_config *)(mpf + 1);
	uint8_t *p = (uint8_t *)(mpc + 1);
	unsigned int eax, ebx, ecx, edx, irq, i;
	struct mp_cpu *cpu;
	struct mp_bus *bus;
	struct mp_ioapic *ioapic;
	struct mp_irq *src;

	__cpuid(1, eax, ebx, ecx, edx);
	for (i = 0; i < cpus; i++) {
		cpu = (struct mp_cpu *)p;
		*cpu = (struct mp_cpu){ .type = MP_CPU, .apic_id = i,
					.apic_version = 0x14,
					.flags = i ? 1 : 3, /* enabled, boot */
					.signature = eax, .features = edx };
		p += sizeof(*cpu);
	}
	bus = (struct mp_bus *)p;
	*bus = (struct mp_bus){ MP_BUS, 0, "ISA   " };
	p += sizeof(*bus);
	ioapic = (struct mp_ioapic *)p;
	*ioapic = (struct mp_ioapic){ MP_IOAPIC, IOAPIC_ID, 0x11, 1,
				      IOAPIC_ADDR };
	p += sizeof(*ioapic);
	for (irq = 0; irq < ISA_IRQS; irq++) {
		if (irq == 2)		/* the 8259s' cascade */
			continue;
		src = (struct mp_irq *)p;
		*src = (struct mp_irq){ MP_INTSRC, MP_INT, 0, 0, irq,
					IOAPIC_ID, irq };
		p += sizeof(*src);
		mpc->entries++;
	}
	src = (struct mp_irq *)p;
	src[0] = (struct mp_irq){ MP_LINTSRC, MP_EXTINT, 0, 0, 0, 0xff, 0 };
	src[1] = (struct mp_irq){ MP_LINTSRC, MP_NMI, 0, 0, 0, 0xff, 1 };
	p += 2 * sizeof(*src);

	memcpy(mpc->signature, "PCMP", 4);
	mpc->length = p - (uint8_t *)mpc;
	mpc->revision = 4;
	memcpy(mpc->oem, "DBDEV   ", 8);
	memcpy(mpc->product, "VMM         ", 12);
	mpc->entries += cpus + 2 + 2;	/* CPUs, bus, IOAPIC, LINT0/1 */
	mpc->lapic = LAPIC_ADDR;
	mpc->checksum = checksum(mpc, mpc->length);

	memcpy(mpf->signature, "_MP_", 4);
	mpf->config = MP_TABLE + sizeof(*mpf);
	mpf->length = 1;
	mpf->revision = 4;
	mpf->checksum = checksum(mpf, sizeof(*mpf));
}

/**
 * linux_load() - put a bzImage, its command line and initramfs into RAM
 * @ram: the guest's memory, @ram_size bytes from guest address 0
 * @ram_size: at least 64 MiB
 * @kernel: the bzImage
 * @initrd: the initramfs, or NULL
 * @cmdline: the kernel's command line
 * @cpus: how many vCPUs the MP table lists
 */
void linux_load(uint8_t *ram, uint64_t ram_size, const char *kernel,
		const char *initrd, const char *cmdline, unsigned int cpus)
{
	struct boot_params *bp = (struct boot_params *)(ram + ZERO_PAGE);
	uint64_t *gdt = (uint64_t *)(ram + GDT_ADDR);
	struct setup_header *hdr;
	size_t len, setup, rd_len;
	uint64_t rd_addr, rd_max;
	uint8_t *img, *rd;

	img = read_file(kernel, &len);
	hdr = (struct setup_header *)(img + SETUP_HDR);
	if (len < 0x1000 || hdr->header != HDR_MAGIC || hdr->version < 0x0206)
		die("%s: not a bzImage of boot protocol 2.06 or later", kernel);
	if (!(hdr->loadflags & LOADED_HIGH))
		die("%s: the kernel does not load at 1 MiB", kernel);
	setup = (hdr->setup_sects ? hdr->setup_sects : 4) * 512 + 512;
	if (len <= setup || KERNEL_ADDR + (len - setup) > ram_size)
		die("%s: does not fit in %llu MiB", kernel,
		    (unsigned long long)ram_size >> 20);
	memcpy(ram + KERNEL_ADDR, img + setup, len - setup);

	/* the zero page: the image's setup header, then what we tell */
	memset(bp, 0, sizeof(*bp));
	memcpy(&bp->hdr, hdr, sizeof(bp->hdr));
	bp->hdr.type_of_loader = 0xff;	/* undefined boot loader */
	bp->hdr.code32_start = KERNEL_ADDR;
	if (strlen(cmdline) >= CMDLINE_MAX ||
	    (hdr->cmdline_size && strlen(cmdline) > hdr->cmdline_size))
		die("the command line is too long");
	strcpy((char *)ram + CMDLINE_ADDR, cmdline);
	bp->hdr.cmd_line_ptr = CMDLINE_ADDR;

	if (initrd) {
		rd = read_file(initrd, &rd_len);
		rd_max = hdr->initrd_addr_max ? hdr->initrd_addr_max : 0x37ffffff;
		rd_addr = (ram_size < rd_max + 1 ? ram_size : rd_max + 1) - rd_len;
		rd_addr &= ~0xfffULL;
		if (rd_len > ram_size || rd_addr < KERNEL_ADDR + hdr->init_size)
			die("%s: does not fit above the kernel", initrd);
		memcpy(ram + rd_addr, rd, rd_len);
		bp->hdr.ramdisk_image = rd_addr;
		bp->hdr.ramdisk_size = rd_len;
		free(rd);
	}

	e820_add(bp, 0, EBDA_START, E820_RAM);
	e820_add(bp, EBDA_START, KERNEL_ADDR - EBDA_START, E820_RESERVED);
	e820_add(bp, KERNEL_ADDR, ram_size - KERNEL_ADDR, E820_RAM);
	mp_table(ram, cpus);

	/* flat 4 GiB code and data at __BOOT_CS and __BOOT_DS */
	gdt[BOOT_CS / 8] = 0x00cf9b000000ffffULL;
	gdt[BOOT_DS / 8] = 0x00cf93000000ffffULL;
	free(img);
}

static void flat_segment(struct kvm_segment *s, uint16_t sel, uint8_t type)
{
	*s = (struct kvm_segment){
		.base = 0,
		.limit = 0xffffffff,
		.selector = sel,
		.type = type,
		.present = 1,
		.db = 1,
		.s = 1,
		.g = 1,
	};
}

/**
 * linux_setup_vcpu() - the vCPU as the 32-bit boot protocol wants it
 * @vcpu: the vCPU
 */
void linux_setup_vcpu(int vcpu)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs;

	if (ioctl(vcpu, KVM_GET_SREGS, &sregs))
		die("KVM_GET_SREGS: %m");
	flat_segment(&sregs.cs, BOOT_CS, 0xb);	/* code, read, accessed */
	flat_segment(&sregs.ds, BOOT_DS, 0x3);	/* data, write, accessed */
	sregs.es = sregs.fs = sregs.gs = sregs.ss = sregs.ds;
	sregs.gdt.base = GDT_ADDR;
	sregs.gdt.limit = BOOT_DS + 7;
	sregs.cr0 |= 1;				/* protected mode, no paging */
	sregs.cr0 &= ~0x80000000ULL;
	if (ioctl(vcpu, KVM_SET_SREGS, &sregs))
		die("KVM_SET_SREGS: %m");

	memset(&regs, 0, sizeof(regs));
	regs.rip = KERNEL_ADDR;
	regs.rsi = ZERO_PAGE;
	regs.rflags = 0x2;
	if (ioctl(vcpu, KVM_SET_REGS, &regs))
		die("KVM_SET_REGS: %m");
}

/* Is this VMM itself in a guest of QEMU's TCG, the test machines' case? */
static int host_is_tcg(void)
{
	unsigned int eax, sig[3];

	__cpuid(0x40000000, eax, sig[0], sig[1], sig[2]);
	return !memcmp(sig, "TCGTCGTCGTCG", sizeof(sig));
}

/**
 * set_cpuid() - give the vCPU what KVM can offer, as a KVM guest
 * @kvm: /dev/kvm
 * @vcpu: the vCPU
 * @id: its id, which is its APIC ID
 */
void set_cpuid(int kvm, int vcpu, unsigned int id)
{
	struct kvm_cpuid2 *cpuid;
	unsigned int nent = 64, i;

	for (;;) {
		cpuid = calloc(1, sizeof(*cpuid) +
			       nent * sizeof(cpuid->entries[0]));
		if (!cpuid)
			die("out of memory");
		cpuid->nent = nent;
		if (!ioctl(kvm, KVM_GET_SUPPORTED_CPUID, cpuid))
			break;
		if (errno != E2BIG)
			die("KVM_GET_SUPPORTED_CPUID: %m");
		free(cpuid);
		nent *= 2;
	}
	/*
	 * KVM offers its paravirtual leaves but leaves it to the VMM to say
	 * that there is a hypervisor at all: without that, the guest does
	 * not look for kvmclock, cannot tell the TSC's rate, and gives up on
	 * the TSC and its deadline timer.
	 */
	for (i = 0; i < cpuid->nent; i++) {
		/*
		 * Each CPU's APIC ID, where CPUID tells it; KVM's table
		 * has 0 there, for every vCPU.
		 */
		if (cpuid->entries[i].function == 0xb ||
		    cpuid->entries[i].function == 0x1f)
			cpuid->entries[i].edx = id;
		if (cpuid->entries[i].function != 1)
			continue;
		cpuid->entries[i].ebx &= 0x00ffffff;
		cpuid->entries[i].ebx |= id << 24;
		cpuid->entries[i].ecx |= 1U << 31;	/* hypervisor */
		/*
		 * Nested in QEMU's TCG, the guest's XSETBV does not reach
		 * KVM, which goes on restoring the XCR0 it knows on every
		 * entry, and the kernel finds XSAVE sizes that do not add
		 * up.  Without XSAVE the guest keeps to FXSAVE and SSE.
		 */
		if (host_is_tcg())
			cpuid->entries[i].ecx &= ~(1U << 26);	/* XSAVE */
		/*
		 * KVM emulates the LAPIC timer's TSC-deadline mode but leaves
		 * it out of what it reports: with it, the guest need not
		 * calibrate the LAPIC timer against the PIT, which a
		 * nested guest's timing makes fail.
		 */
		if (ioctl(kvm, KVM_CHECK_EXTENSION, KVM_CAP_TSC_DEADLINE_TIMER) > 0)
			cpuid->entries[i].ecx |= 1U << 24;
	}
	if (ioctl(vcpu, KVM_SET_CPUID2, cpuid))
		die("KVM_SET_CPUID2: %m");
	free(cpuid);
}
