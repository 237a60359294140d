/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the parts of the demo VMM share.
 */
#ifndef VMM_H
#define VMM_H

#include <stdint.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define VMM_FAIL	125	/* the VMM's exit status when it fails */

void __attribute__((format(printf, 1, 2), noreturn)) die(const char *fmt, ...);

/* linux.c */
void linux_load(uint8_t *ram, uint64_t ram_size, const char *kernel,
		const char *initrd, const char *cmdline, unsigned int cpus);
void linux_setup_vcpu(int vcpu);
void set_cpuid(int kvm, int vcpu, unsigned int id);

#endif /* VMM_H */
