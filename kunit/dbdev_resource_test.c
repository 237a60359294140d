// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for the dbdev resource and constraint helpers: validation of
 * every kind, the getters of a resource list and the defaults of the
 * DBDEV_CON_*() initialisers.  Pure functions only: no manager involved.
 */
#include <kunit/test.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "dbdev.h"

struct range_case {
	enum dbdev_res_type type;
	u64 base;
	u64 size;
	int want;
};

static const struct range_case range_cases[] = {
	/* port I/O: 16-bit space, [base, base + size) must end by 0x10000 */
	{ DBDEV_RES_PIO, 0, 1, 0 },
	{ DBDEV_RES_PIO, 0x3f8, 8, 0 },
	{ DBDEV_RES_PIO, 0, 0x10000, 0 },
	{ DBDEV_RES_PIO, 0xffff, 1, 0 },
	{ DBDEV_RES_PIO, 0xfff0, 0x10, 0 },
	{ DBDEV_RES_PIO, 0, 0, -EINVAL },
	{ DBDEV_RES_PIO, 0x1234, 0, -EINVAL },
	{ DBDEV_RES_PIO, 0xffff, 2, -EINVAL },
	{ DBDEV_RES_PIO, 0xfff0, 0x11, -EINVAL },
	{ DBDEV_RES_PIO, 0, 0x10001, -EINVAL },
	{ DBDEV_RES_PIO, 0x10000, 1, -EINVAL },
	{ DBDEV_RES_PIO, 0x100000, 0x10, -EINVAL },
	{ DBDEV_RES_PIO, U64_MAX, 1, -EINVAL },
	{ DBDEV_RES_PIO, 1, U64_MAX, -EINVAL },
	/* MMIO: the whole 64-bit space, base + size - 1 must not wrap */
	{ DBDEV_RES_MMIO, 0, 1, 0 },
	{ DBDEV_RES_MMIO, 0x10000, 0x10000, 0 },
	{ DBDEV_RES_MMIO, 0xfffffffffffff000ULL, 0x1000, 0 },
	{ DBDEV_RES_MMIO, U64_MAX, 1, 0 },
	{ DBDEV_RES_MMIO, 0, U64_MAX, 0 },
	{ DBDEV_RES_MMIO, 1, U64_MAX, 0 },
	{ DBDEV_RES_MMIO, 0, 0, -EINVAL },
	{ DBDEV_RES_MMIO, 0xfe000000, 0, -EINVAL },
	{ DBDEV_RES_MMIO, 0xfffffffffffff000ULL, 0x1001, -EINVAL },
	{ DBDEV_RES_MMIO, U64_MAX, 2, -EINVAL },
	{ DBDEV_RES_MMIO, 2, U64_MAX, -EINVAL },
	{ DBDEV_RES_MMIO, U64_MAX, U64_MAX, -EINVAL },
	/* memory: same space and rules as MMIO */
	{ DBDEV_RES_MEM, 0, 1, 0 },
	{ DBDEV_RES_MEM, 0x80000000, 0x40000000, 0 },
	{ DBDEV_RES_MEM, 0xfffffffffffff000ULL, 0x1000, 0 },
	{ DBDEV_RES_MEM, 1, U64_MAX, 0 },
	{ DBDEV_RES_MEM, 0, 0, -EINVAL },
	{ DBDEV_RES_MEM, 0xfffffffffffff000ULL, 0x1001, -EINVAL },
	{ DBDEV_RES_MEM, U64_MAX, 2, -EINVAL },
	{ DBDEV_RES_MEM, 2, U64_MAX, -EINVAL },
};

static void resource_validate_ranges(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(range_cases); i++) {
		const struct range_case *c = &range_cases[i];
		struct dbdev_resource r = DBDEV_RES_RANGE(c->type, c->base,
							  c->size);

		KUNIT_EXPECT_EQ_MSG(test, dbdev_resource_validate(&r), c->want,
				    "case %u: type %d base %#llx size %#llx",
				    i, c->type, c->base, c->size);
	}
}

struct msi_case {
	enum dbdev_msi_type type;
	u32 base;
	u32 size;
	int want;
};

static const struct msi_case msi_cases[] = {
	{ DBDEV_MSI_PCI, 0, 1, 0 },
	{ DBDEV_MSI_PCI, 64, 32, 0 },
	{ DBDEV_MSI_PCI, 0, 0, -EINVAL },
	{ DBDEV_MSI_PCI, 0, 33, -EINVAL },
	{ DBDEV_MSI_PCI, 0, 2048, -EINVAL },
	{ DBDEV_MSI_PCI_MSIX, 0, 1, 0 },
	{ DBDEV_MSI_PCI_MSIX, 0, 33, 0 },
	{ DBDEV_MSI_PCI_MSIX, 4096, 2048, 0 },
	{ DBDEV_MSI_PCI_MSIX, 0, 0, -EINVAL },
	{ DBDEV_MSI_PCI_MSIX, 0, 2049, -EINVAL },
	{ DBDEV_MSI_GENERIC, 0, 1, 0 },
	{ DBDEV_MSI_GENERIC, 32, 64, 0 },
	{ DBDEV_MSI_GENERIC, 0, 4096, 0 },
	{ DBDEV_MSI_GENERIC, 0, 0, -EINVAL },
	/* up to vector U32_MAX, not past it */
	{ DBDEV_MSI_GENERIC, U32_MAX, 1, 0 },
	{ DBDEV_MSI_GENERIC, U32_MAX - 3, 4, 0 },
	{ DBDEV_MSI_GENERIC, U32_MAX, 2, -EINVAL },
	{ DBDEV_MSI_GENERIC, 1, U32_MAX, 0 },
	{ DBDEV_MSI_GENERIC, 2, U32_MAX, -EINVAL },
	{ DBDEV_MSI_PCI_MSIX, U32_MAX - 2046, 2048, -EINVAL },
	{ DBDEV_MSI_NR_TYPES, 0, 1, -EINVAL },
};

static void resource_validate_msi(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(msi_cases); i++) {
		const struct msi_case *c = &msi_cases[i];
		struct dbdev_resource r = DBDEV_MSI(c->type, c->base, c->size);

		KUNIT_EXPECT_EQ_MSG(test, dbdev_resource_validate(&r), c->want,
				    "case %u: msi type %d base %u size %u",
				    i, c->type, c->base, c->size);
	}
}

static void resource_validate_other(struct kunit *test)
{
	struct dbdev_resource r;

	r = DBDEV_LEGACY_IRQ(0);
	KUNIT_EXPECT_EQ(test, dbdev_resource_validate(&r), 0);
	r = DBDEV_LEGACY_IRQ(15);
	KUNIT_EXPECT_EQ(test, dbdev_resource_validate(&r), 0);
	r = DBDEV_LEGACY_IRQ(255);
	KUNIT_EXPECT_EQ(test, dbdev_resource_validate(&r), 0);
	r = DBDEV_KVM_SLOT(0);
	KUNIT_EXPECT_EQ(test, dbdev_resource_validate(&r), 0);
	r = DBDEV_KVM_SLOT(509);
	KUNIT_EXPECT_EQ(test, dbdev_resource_validate(&r), 0);

	memset(&r, 0, sizeof(r));
	r.type = DBDEV_RES_MAC;
	r.mac[0] = 0x52;
	r.mac[1] = 0x54;
	r.mac[5] = 0x01;
	KUNIT_EXPECT_EQ(test, dbdev_resource_validate(&r), 0);

	memset(&r, 0, sizeof(r));
	r.type = DBDEV_RES_NR_TYPES;
	KUNIT_EXPECT_EQ(test, dbdev_resource_validate(&r), -EINVAL);
}

struct con_case {
	enum dbdev_con_type type;
	u32 flags;
	u64 size;
	u64 align;
	u64 min;
	u64 max;
	u32 fixed;
	int want;
};

#define W	DBDEV_CON_F_WINDOW
#define F	DBDEV_CON_F_FIXED

static const struct con_case con_cases[] = {
	/* address kinds: size, power-of-two alignment, window */
	{ DBDEV_CON_PIO, 0, 1, 1, 0, 0, 0, 0 },
	{ DBDEV_CON_PIO, 0, 8, 8, 0, 0, 0, 0 },
	{ DBDEV_CON_PIO, 0, 0, 1, 0, 0, 0, -EINVAL },
	{ DBDEV_CON_PIO, 0, 8, 0, 0, 0, 0, -EINVAL },
	{ DBDEV_CON_PIO, 0, 8, 3, 0, 0, 0, -EINVAL },
	{ DBDEV_CON_PIO, 0, 8, 12, 0, 0, 0, -EINVAL },
	{ DBDEV_CON_PIO, W, 8, 8, 0x100, 0x1ff, 0, 0 },
	{ DBDEV_CON_PIO, W, 1, 1, 0xffff, 0xffff, 0, 0 },
	{ DBDEV_CON_PIO, W, 8, 1, 0, 0xffff, 0, 0 },
	{ DBDEV_CON_PIO, W, 8, 1, 0x200, 0x1ff, 0, -EINVAL },
	{ DBDEV_CON_PIO, W, 8, 1, 0, 0x10000, 0, -EINVAL },
	{ DBDEV_CON_PIO, W, 8, 1, 0x10000, 0x10fff, 0, -EINVAL },
	{ DBDEV_CON_PIO, F, 8, 1, 0, 0, 0x60, -EINVAL },
	{ DBDEV_CON_PIO, BIT(2), 8, 1, 0, 0, 0, -EINVAL },
	{ DBDEV_CON_MMIO, 0, 0x1000, 0x1000, 0, 0, 0, 0 },
	{ DBDEV_CON_MMIO, 0, 0x10, 1, 0, 0, 0, 0 },
	{ DBDEV_CON_MMIO, 0, 0x1000, 1ULL << 63, 0, 0, 0, 0 },
	{ DBDEV_CON_MMIO, 0, 0, 0x1000, 0, 0, 0, -EINVAL },
	{ DBDEV_CON_MMIO, 0, 0x1000, 0, 0, 0, 0, -EINVAL },
	{ DBDEV_CON_MMIO, 0, 0x1000, 0x1800, 0, 0, 0, -EINVAL },
	{ DBDEV_CON_MMIO, 0, 0x1000, 0x1001, 0, 0, 0, -EINVAL },
	{ DBDEV_CON_MMIO, W, 0x1000, 0x1000, 0xd0000000, 0xdfffffff, 0, 0 },
	{ DBDEV_CON_MMIO, W, 0x1000, 0x1000, 0, U64_MAX, 0, 0 },
	{ DBDEV_CON_MMIO, W, 0x1000, 0x1000, 0x10000, 0x10000, 0, 0 },
	{ DBDEV_CON_MMIO, W, 0x1000, 0x1000, 0x20000, 0x1ffff, 0, -EINVAL },
	{ DBDEV_CON_MMIO, F, 0x1000, 0x1000, 0, 0, 1, -EINVAL },
	{ DBDEV_CON_MMIO, BIT(7), 0x1000, 0x1000, 0, 0, 0, -EINVAL },
	{ DBDEV_CON_MEM, 0, 0x200000, 0x200000, 0, 0, 0, 0 },
	{ DBDEV_CON_MEM, 0, 0, 0x1000, 0, 0, 0, -EINVAL },
	{ DBDEV_CON_MEM, 0, 0x1000, 0x3000, 0, 0, 0, -EINVAL },
	{ DBDEV_CON_MEM, W, 0x1000, 0x1000, 0x100000000ULL, U64_MAX, 0, 0 },
	{ DBDEV_CON_MEM, W, 0x1000, 0x1000, U64_MAX, 0, 0, -EINVAL },
	{ DBDEV_CON_MEM, F, 0x1000, 0x1000, 0, 0, 0, -EINVAL },
	/* legacy IRQ: exactly one line, FIXED allowed, WINDOW not */
	{ DBDEV_CON_LEGACY_IRQ, 0, 1, 0, 0, 0, 0, 0 },
	{ DBDEV_CON_LEGACY_IRQ, F, 1, 0, 0, 0, 4, 0 },
	{ DBDEV_CON_LEGACY_IRQ, 0, 0, 0, 0, 0, 0, -EINVAL },
	{ DBDEV_CON_LEGACY_IRQ, 0, 2, 0, 0, 0, 0, -EINVAL },
	{ DBDEV_CON_LEGACY_IRQ, F, 2, 0, 0, 0, 4, -EINVAL },
	{ DBDEV_CON_LEGACY_IRQ, W, 1, 0, 0, 15, 0, -EINVAL },
	{ DBDEV_CON_LEGACY_IRQ, BIT(3), 1, 0, 0, 0, 0, -EINVAL },
	/* MSI kinds: 1 to the most vectors of the type, no flags */
	{ DBDEV_CON_PCI_MSI, 0, 1, 0, 0, 0, 0, 0 },
	{ DBDEV_CON_PCI_MSI, 0, 32, 0, 0, 0, 0, 0 },
	{ DBDEV_CON_PCI_MSI, 0, 0, 0, 0, 0, 0, -EINVAL },
	{ DBDEV_CON_PCI_MSI, 0, 33, 0, 0, 0, 0, -EINVAL },
	{ DBDEV_CON_PCI_MSI, F, 4, 0, 0, 0, 0, -EINVAL },
	{ DBDEV_CON_PCI_MSI, W, 4, 0, 0, 31, 0, -EINVAL },
	{ DBDEV_CON_PCI_MSIX, 0, 1, 0, 0, 0, 0, 0 },
	{ DBDEV_CON_PCI_MSIX, 0, 33, 0, 0, 0, 0, 0 },
	{ DBDEV_CON_PCI_MSIX, 0, 2048, 0, 0, 0, 0, 0 },
	{ DBDEV_CON_PCI_MSIX, 0, 0, 0, 0, 0, 0, -EINVAL },
	{ DBDEV_CON_PCI_MSIX, 0, 2049, 0, 0, 0, 0, -EINVAL },
	{ DBDEV_CON_PCI_MSIX, F, 8, 0, 0, 0, 0, -EINVAL },
	{ DBDEV_CON_GENERIC_MSI, 0, 1, 0, 0, 0, 0, 0 },
	{ DBDEV_CON_GENERIC_MSI, 0, 4096, 0, 0, 0, 0, 0 },
	{ DBDEV_CON_GENERIC_MSI, 0, 0, 0, 0, 0, 0, -EINVAL },
	{ DBDEV_CON_GENERIC_MSI, W, 1, 0, 0, 7, 0, -EINVAL },
	/* KVM slots: at least one, FIXED allowed, WINDOW not */
	{ DBDEV_CON_KVM_SLOT, 0, 1, 0, 0, 0, 0, 0 },
	{ DBDEV_CON_KVM_SLOT, 0, 4, 0, 0, 0, 0, 0 },
	{ DBDEV_CON_KVM_SLOT, F, 2, 0, 0, 0, 10, 0 },
	{ DBDEV_CON_KVM_SLOT, 0, 0, 0, 0, 0, 0, -EINVAL },
	{ DBDEV_CON_KVM_SLOT, F, 0, 0, 0, 0, 10, -EINVAL },
	{ DBDEV_CON_KVM_SLOT, W, 1, 0, 0, 31, 0, -EINVAL },
	/* ... up to slot U32_MAX, without wrapping past 2^64 on the way */
	{ DBDEV_CON_KVM_SLOT, F, 2, 0, 0, 0, U32_MAX - 1, 0 },
	{ DBDEV_CON_KVM_SLOT, F, 2, 0, 0, 0, U32_MAX, -EINVAL },
	{ DBDEV_CON_KVM_SLOT, 0, 1ULL << 32, 0, 0, 0, 0, 0 },
	{ DBDEV_CON_KVM_SLOT, F, 1ULL << 32, 0, 0, 0, 1, -EINVAL },
	{ DBDEV_CON_KVM_SLOT, F, U64_MAX, 0, 0, 0, 2, -EINVAL },
	/* MAC: exactly one address, no flags */
	{ DBDEV_CON_MAC, 0, 1, 0, 0, 0, 0, 0 },
	{ DBDEV_CON_MAC, 0, 0, 0, 0, 0, 0, -EINVAL },
	{ DBDEV_CON_MAC, 0, 2, 0, 0, 0, 0, -EINVAL },
	{ DBDEV_CON_MAC, F, 1, 0, 0, 0, 0, -EINVAL },
	{ DBDEV_CON_MAC, W, 1, 0, 0, 0, 0, -EINVAL },
	/* a field that neither the kind nor its flags use is zero */
	{ DBDEV_CON_PIO, 0, 8, 1, 0x100, 0, 0, -EINVAL },
	{ DBDEV_CON_PIO, 0, 8, 1, 0, 0x1ff, 0, -EINVAL },
	{ DBDEV_CON_MMIO, 0, 0x1000, 0x1000, 0, 0, 1, -EINVAL },
	{ DBDEV_CON_LEGACY_IRQ, 0, 1, 0, 0, 0, 4, -EINVAL },
	{ DBDEV_CON_LEGACY_IRQ, 0, 1, 1, 0, 0, 0, -EINVAL },
	{ DBDEV_CON_LEGACY_IRQ, F, 1, 0, 0, 15, 4, -EINVAL },
	{ DBDEV_CON_PCI_MSI, 0, 4, 4, 0, 0, 0, -EINVAL },
	{ DBDEV_CON_GENERIC_MSI, 0, 4, 0, 0, 0, 24, -EINVAL },
	{ DBDEV_CON_KVM_SLOT, 0, 2, 0, 0, 0, 10, -EINVAL },
	{ DBDEV_CON_KVM_SLOT, F, 2, 1, 0, 0, 10, -EINVAL },
	{ DBDEV_CON_MAC, 0, 1, 0, 1, 0, 0, -EINVAL },
	/* not a kind */
	{ DBDEV_CON_NR_TYPES, 0, 1, 1, 0, 0, 0, -EINVAL },
};

#undef W
#undef F

static void constraint_validate_all(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(con_cases); i++) {
		const struct con_case *c = &con_cases[i];
		struct dbdev_constraint con = {
			.type = c->type,
			.flags = c->flags,
			.size = c->size,
			.align = c->align,
			.min = c->min,
			.max = c->max,
			.fixed = c->fixed,
		};

		KUNIT_EXPECT_EQ_MSG(test, dbdev_constraint_validate(&con),
				    c->want,
				    "case %u: type %d flags %#x size %#llx align %#llx [%#llx, %#llx]",
				    i, c->type, c->flags, c->size, c->align,
				    c->min, c->max);
	}
}

static void constraint_initialisers(struct kunit *test)
{
	struct dbdev_constraint c;

	c = DBDEV_CON_PIO(8);
	KUNIT_EXPECT_EQ(test, c.type, DBDEV_CON_PIO);
	KUNIT_EXPECT_EQ(test, c.size, 8ULL);
	KUNIT_EXPECT_EQ(test, c.align, 1ULL);
	KUNIT_EXPECT_EQ(test, c.flags, 0U);
	KUNIT_EXPECT_EQ(test, dbdev_constraint_validate(&c), 0);

	c = DBDEV_CON_MMIO(0x2000);
	KUNIT_EXPECT_EQ(test, c.type, DBDEV_CON_MMIO);
	KUNIT_EXPECT_EQ(test, c.size, 0x2000ULL);
	KUNIT_EXPECT_EQ(test, c.align, 0x1000ULL);
	KUNIT_EXPECT_EQ(test, c.flags, 0U);
	KUNIT_EXPECT_EQ(test, dbdev_constraint_validate(&c), 0);

	c = DBDEV_CON_MEM(0x3000);
	KUNIT_EXPECT_EQ(test, c.type, DBDEV_CON_MEM);
	KUNIT_EXPECT_EQ(test, c.size, 0x3000ULL);
	KUNIT_EXPECT_EQ(test, c.align, 0x1000ULL);
	KUNIT_EXPECT_EQ(test, c.flags, 0U);
	KUNIT_EXPECT_EQ(test, dbdev_constraint_validate(&c), 0);

	c = DBDEV_CON_WINDOW(DBDEV_CON_MMIO, 0x1000, 0x10000, 0xe0000000,
			     0xefffffff);
	KUNIT_EXPECT_EQ(test, c.type, DBDEV_CON_MMIO);
	KUNIT_EXPECT_EQ(test, c.flags, (u32)DBDEV_CON_F_WINDOW);
	KUNIT_EXPECT_EQ(test, c.size, 0x1000ULL);
	KUNIT_EXPECT_EQ(test, c.align, 0x10000ULL);
	KUNIT_EXPECT_EQ(test, c.min, 0xe0000000ULL);
	KUNIT_EXPECT_EQ(test, c.max, 0xefffffffULL);
	KUNIT_EXPECT_EQ(test, dbdev_constraint_validate(&c), 0);

	c = DBDEV_CON_WINDOW(DBDEV_CON_PIO, 8, 8, 0xfff8, 0x10000);
	KUNIT_EXPECT_EQ(test, dbdev_constraint_validate(&c), -EINVAL);

	c = DBDEV_CON_LEGACY_IRQ();
	KUNIT_EXPECT_EQ(test, c.type, DBDEV_CON_LEGACY_IRQ);
	KUNIT_EXPECT_EQ(test, c.size, 1ULL);
	KUNIT_EXPECT_EQ(test, c.flags, 0U);
	KUNIT_EXPECT_EQ(test, dbdev_constraint_validate(&c), 0);

	c = DBDEV_CON_LEGACY_IRQ_AT(9);
	KUNIT_EXPECT_EQ(test, c.size, 1ULL);
	KUNIT_EXPECT_EQ(test, c.flags, (u32)DBDEV_CON_F_FIXED);
	KUNIT_EXPECT_EQ(test, c.fixed, 9U);
	KUNIT_EXPECT_EQ(test, dbdev_constraint_validate(&c), 0);

	c = DBDEV_CON_MSI(DBDEV_CON_PCI_MSIX, 64);
	KUNIT_EXPECT_EQ(test, c.type, DBDEV_CON_PCI_MSIX);
	KUNIT_EXPECT_EQ(test, c.size, 64ULL);
	KUNIT_EXPECT_EQ(test, c.flags, 0U);
	KUNIT_EXPECT_EQ(test, dbdev_constraint_validate(&c), 0);

	c = DBDEV_CON_MSI(DBDEV_CON_PCI_MSI, 64);
	KUNIT_EXPECT_EQ(test, dbdev_constraint_validate(&c), -EINVAL);

	c = DBDEV_CON_KVM_SLOTS(3);
	KUNIT_EXPECT_EQ(test, c.type, DBDEV_CON_KVM_SLOT);
	KUNIT_EXPECT_EQ(test, c.size, 3ULL);
	KUNIT_EXPECT_EQ(test, c.flags, 0U);
	KUNIT_EXPECT_EQ(test, dbdev_constraint_validate(&c), 0);

	c = DBDEV_CON_KVM_SLOTS_AT(2, 3);
	KUNIT_EXPECT_EQ(test, c.size, 3ULL);
	KUNIT_EXPECT_EQ(test, c.flags, (u32)DBDEV_CON_F_FIXED);
	KUNIT_EXPECT_EQ(test, c.fixed, 2U);
	KUNIT_EXPECT_EQ(test, dbdev_constraint_validate(&c), 0);
}

static const u8 mac_a[ETH_ALEN] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
static const u8 mac_b[ETH_ALEN] = { 0x02, 0x00, 0x00, 0xab, 0xcd, 0xef };

/* A mixed list: each getter must pick the right entries in list order. */
static void fill_mixed(struct dbdev_resource *r)
{
	unsigned int i = 0;

	r[i++] = DBDEV_PIO(0x3f8, 8);				/*  0 */
	r[i++] = DBDEV_MMIO(0xfe000000, 0x1000);		/*  1 */
	r[i++] = DBDEV_MEM(0x80000000, 0x100000);		/*  2 */
	r[i++] = DBDEV_LEGACY_IRQ(4);				/*  3 */
	r[i++] = DBDEV_PIO(0x2f8, 8);				/*  4 */
	r[i++] = DBDEV_MSI(DBDEV_MSI_PCI_MSIX, 64, 16);		/*  5 */
	r[i++] = DBDEV_MSI(DBDEV_MSI_PCI, 32, 4);		/*  6 */
	r[i++] = DBDEV_KVM_SLOT(7);				/*  7 */
	r[i].type = DBDEV_RES_MAC;				/*  8 */
	memcpy(r[i++].mac, mac_a, ETH_ALEN);
	r[i++] = DBDEV_LEGACY_IRQ(3);				/*  9 */
	r[i++] = DBDEV_MMIO(0xd0000000, 0x200);			/* 10 */
	r[i++] = DBDEV_MSI(DBDEV_MSI_PCI, 0, 8);		/* 11 */
	r[i++] = DBDEV_MEM(0x1000, 0x1000);			/* 12 */
	r[i++] = DBDEV_KVM_SLOT(2);				/* 13 */
	r[i].type = DBDEV_RES_MAC;				/* 14 */
	memcpy(r[i++].mac, mac_b, ETH_ALEN);
	r[i++] = DBDEV_PIO(0x60, 1);				/* 15 */
	r[i++] = DBDEV_KVM_SLOT(9);				/* 16 */
	r[i++] = DBDEV_MSI(DBDEV_MSI_PCI_MSIX, 0, 8);		/* 17 */
}

#define MIXED_NR	18

static void resource_getters(struct kunit *test)
{
	static const unsigned int pio_idx[] = { 0, 4, 15 };
	static const unsigned int mmio_idx[] = { 1, 10 };
	static const unsigned int mem_idx[] = { 2, 12 };
	static const u32 slots[] = { 7, 2, 9 };
	struct dbdev_resource *arr;
	struct dbdev_resources list;
	const struct dbdev_resource *r;
	unsigned int i, n;

	arr = kunit_kcalloc(test, MIXED_NR, sizeof(*arr), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, arr);
	fill_mixed(arr);
	list.res = arr;
	list.nr = MIXED_NR;

	KUNIT_EXPECT_EQ(test, dbdev_res_count(&list, DBDEV_RES_PIO), 3U);
	KUNIT_EXPECT_EQ(test, dbdev_res_count(&list, DBDEV_RES_MMIO), 2U);
	KUNIT_EXPECT_EQ(test, dbdev_res_count(&list, DBDEV_RES_MEM), 2U);
	KUNIT_EXPECT_EQ(test, dbdev_res_count(&list, DBDEV_RES_LEGACY_IRQ), 2U);
	KUNIT_EXPECT_EQ(test, dbdev_res_count(&list, DBDEV_RES_MSI), 4U);
	KUNIT_EXPECT_EQ(test, dbdev_res_count(&list, DBDEV_RES_KVM_SLOT), 3U);
	KUNIT_EXPECT_EQ(test, dbdev_res_count(&list, DBDEV_RES_MAC), 2U);

	/* all PIO / MMIO / MEM ranges, in list order, then NULL */
	for (i = 0; i < ARRAY_SIZE(pio_idx); i++)
		KUNIT_EXPECT_PTR_EQ(test, dbdev_res_nth(&list, DBDEV_RES_PIO, i),
				    (const struct dbdev_resource *)&arr[pio_idx[i]]);
	KUNIT_EXPECT_NULL(test, dbdev_res_nth(&list, DBDEV_RES_PIO, 3));
	for (i = 0; i < ARRAY_SIZE(mmio_idx); i++)
		KUNIT_EXPECT_PTR_EQ(test, dbdev_res_nth(&list, DBDEV_RES_MMIO, i),
				    (const struct dbdev_resource *)&arr[mmio_idx[i]]);
	KUNIT_EXPECT_NULL(test, dbdev_res_nth(&list, DBDEV_RES_MMIO, 2));
	for (i = 0; i < ARRAY_SIZE(mem_idx); i++)
		KUNIT_EXPECT_PTR_EQ(test, dbdev_res_nth(&list, DBDEV_RES_MEM, i),
				    (const struct dbdev_resource *)&arr[mem_idx[i]]);
	KUNIT_EXPECT_NULL(test, dbdev_res_nth(&list, DBDEV_RES_MEM, 2));

	/* the first legacy IRQ */
	r = dbdev_res_nth(&list, DBDEV_RES_LEGACY_IRQ, 0);
	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_EXPECT_EQ(test, r->irq, 4U);
	KUNIT_EXPECT_PTR_EQ(test, r, (const struct dbdev_resource *)&arr[3]);

	/* the first MSI block of each type */
	r = dbdev_res_msi(&list, DBDEV_MSI_PCI);
	KUNIT_EXPECT_PTR_EQ(test, r, (const struct dbdev_resource *)&arr[6]);
	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_EXPECT_EQ(test, r->msi.base, 32U);
	KUNIT_EXPECT_EQ(test, r->msi.size, 4U);
	r = dbdev_res_msi(&list, DBDEV_MSI_PCI_MSIX);
	KUNIT_EXPECT_PTR_EQ(test, r, (const struct dbdev_resource *)&arr[5]);
	KUNIT_EXPECT_NULL(test, dbdev_res_msi(&list, DBDEV_MSI_GENERIC));

	/* all KVM slots, in order, through the iterator */
	n = 0;
	dbdev_for_each_res(r, &list, DBDEV_RES_KVM_SLOT) {
		KUNIT_EXPECT_EQ(test, r->type, DBDEV_RES_KVM_SLOT);
		if (n < ARRAY_SIZE(slots))
			KUNIT_EXPECT_EQ(test, r->slot, slots[n]);
		n++;
	}
	KUNIT_EXPECT_EQ(test, n, 3U);

	/* the iterator visits PIO ranges in order, and only them */
	n = 0;
	dbdev_for_each_res(r, &list, DBDEV_RES_PIO) {
		if (n < ARRAY_SIZE(pio_idx))
			KUNIT_EXPECT_PTR_EQ(test, r,
					    (const struct dbdev_resource *)&arr[pio_idx[n]]);
		n++;
	}
	KUNIT_EXPECT_EQ(test, n, 3U);

	/* the first MAC */
	r = dbdev_res_nth(&list, DBDEV_RES_MAC, 0);
	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_EXPECT_EQ(test, memcmp(r->mac, mac_a, ETH_ALEN), 0);
	r = dbdev_res_nth(&list, DBDEV_RES_MAC, 1);
	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_EXPECT_EQ(test, memcmp(r->mac, mac_b, ETH_ALEN), 0);
	KUNIT_EXPECT_NULL(test, dbdev_res_nth(&list, DBDEV_RES_MAC, 2));
}

/* The getters see only the first @nr entries of the view. */
static void resource_getters_view(struct kunit *test)
{
	struct dbdev_resource *arr;
	struct dbdev_resources list;
	const struct dbdev_resource *r;
	unsigned int i, n;

	arr = kunit_kcalloc(test, MIXED_NR, sizeof(*arr), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, arr);
	fill_mixed(arr);

	/* entries 0..14: the PIO at 15 and the MSI-X at 17 are outside */
	list.res = arr;
	list.nr = 15;
	KUNIT_EXPECT_EQ(test, dbdev_res_count(&list, DBDEV_RES_PIO), 2U);
	KUNIT_EXPECT_NULL(test, dbdev_res_nth(&list, DBDEV_RES_PIO, 2));
	KUNIT_EXPECT_EQ(test, dbdev_res_count(&list, DBDEV_RES_KVM_SLOT), 2U);

	/* entries 6..17: the first PCI MSI-X is now the one at 17 */
	list.res = &arr[6];
	list.nr = MIXED_NR - 6;
	r = dbdev_res_msi(&list, DBDEV_MSI_PCI_MSIX);
	KUNIT_EXPECT_PTR_EQ(test, r, (const struct dbdev_resource *)&arr[17]);
	r = dbdev_res_nth(&list, DBDEV_RES_LEGACY_IRQ, 0);
	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_EXPECT_EQ(test, r->irq, 3U);
	KUNIT_EXPECT_EQ(test, dbdev_res_count(&list, DBDEV_RES_PIO), 1U);

	/* an empty list has nothing of any type */
	list.res = arr;
	list.nr = 0;
	for (i = 0; i < DBDEV_RES_NR_TYPES; i++) {
		KUNIT_EXPECT_EQ(test, dbdev_res_count(&list, i), 0U);
		KUNIT_EXPECT_NULL(test, dbdev_res_nth(&list, i, 0));
	}
	KUNIT_EXPECT_NULL(test, dbdev_res_msi(&list, DBDEV_MSI_PCI));
	n = 0;
	dbdev_for_each_res(r, &list, DBDEV_RES_PIO)
		n++;
	KUNIT_EXPECT_EQ(test, n, 0U);
}

static struct kunit_case dbdev_resource_cases[] = {
	KUNIT_CASE(resource_validate_ranges),
	KUNIT_CASE(resource_validate_msi),
	KUNIT_CASE(resource_validate_other),
	KUNIT_CASE(constraint_validate_all),
	KUNIT_CASE(constraint_initialisers),
	KUNIT_CASE(resource_getters),
	KUNIT_CASE(resource_getters_view),
	{}
};

static struct kunit_suite dbdev_resource_suite = {
	.name = "dbdev_resource",
	.test_cases = dbdev_resource_cases,
};

kunit_test_suites(&dbdev_resource_suite);
