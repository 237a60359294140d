// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for the dbdev resource pools and allocator: the default
 * pools, first fit at the lowest aligned place, windows, fixed numbers,
 * MSI alignment, KVM slot runs, MAC addresses, all-or-nothing failures,
 * freeing and merging, the interplay with explicit registration and with
 * transactions, and the pool configuration.
 */
#include <kunit/test.h>
#include <linux/err.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "dbdev.h"

/* A caller of its own, for an access made outside any callback */
#define CALLER(mgr)	(&(struct dbdev_caller)DBDEV_CALLER_INIT(mgr))

static int alloc_init(struct kunit *test)
{
	struct dbdev_manager *mgr = dbdev_manager_create();

	if (IS_ERR_OR_NULL(mgr))
		return -ENOMEM;
	test->priv = mgr;
	return 0;
}

static void alloc_exit(struct kunit *test)
{
	if (test->priv)
		dbdev_manager_destroy(test->priv);
}

/* Checks that @got is exactly @want; @line is the caller's. */
static void expect_res(struct kunit *test, int line,
		       const struct dbdev_resource *got,
		       struct dbdev_resource want)
{
	KUNIT_ASSERT_EQ_MSG(test, got->type, want.type, "line %d", line);
	switch (want.type) {
	case DBDEV_RES_PIO:
	case DBDEV_RES_MMIO:
	case DBDEV_RES_MEM:
		KUNIT_EXPECT_EQ_MSG(test, got->range.base, want.range.base,
				    "line %d", line);
		KUNIT_EXPECT_EQ_MSG(test, got->range.size, want.range.size,
				    "line %d", line);
		break;
	case DBDEV_RES_LEGACY_IRQ:
		KUNIT_EXPECT_EQ_MSG(test, got->irq, want.irq, "line %d", line);
		break;
	case DBDEV_RES_MSI:
		KUNIT_EXPECT_EQ_MSG(test, got->msi.type, want.msi.type,
				    "line %d", line);
		KUNIT_EXPECT_EQ_MSG(test, got->msi.base, want.msi.base,
				    "line %d", line);
		KUNIT_EXPECT_EQ_MSG(test, got->msi.size, want.msi.size,
				    "line %d", line);
		break;
	case DBDEV_RES_KVM_SLOT:
		KUNIT_EXPECT_EQ_MSG(test, got->slot, want.slot, "line %d", line);
		break;
	case DBDEV_RES_MAC:
		KUNIT_EXPECT_EQ_MSG(test, memcmp(got->mac, want.mac, ETH_ALEN),
				    0, "line %d: %pM", line, got->mac);
		break;
	default:
		KUNIT_FAIL(test, "line %d: bad type %d", line, want.type);
	}
}

/*
 * Allocates for one constraint, which must turn into one resource equal
 * to @want.
 */
static void alloc_one(struct kunit *test, int line, struct dbdev_constraint con,
		      struct dbdev_resource want)
{
	struct dbdev_resource res[2] = { };

	KUNIT_ASSERT_EQ_MSG(test, dbdev_alloc(test->priv, &con, 1, res, 2), 1,
			    "line %d", line);
	expect_res(test, line, &res[0], want);
}

/* Allocates for one constraint that must fail with @err. */
static void alloc_fail(struct kunit *test, int line, struct dbdev_constraint con,
		       int err)
{
	struct dbdev_resource res[8] = { };

	KUNIT_EXPECT_EQ_MSG(test, dbdev_alloc(test->priv, &con, 1, res, 8), err,
			    "line %d", line);
}

static struct dbdev_resource mac_res(u8 a, u8 b, u8 c, u8 d, u8 e, u8 f)
{
	struct dbdev_resource r = { .type = DBDEV_RES_MAC };

	r.mac[0] = a;
	r.mac[1] = b;
	r.mac[2] = c;
	r.mac[3] = d;
	r.mac[4] = e;
	r.mac[5] = f;
	return r;
}

static void alloc_pool_defaults(struct kunit *test)
{
	struct dbdev_pool_config cfg;

	memset(&cfg, 0xa5, sizeof(cfg));
	dbdev_pools_get(test->priv, &cfg);
	KUNIT_EXPECT_EQ(test, cfg.pio.min, 0ULL);
	KUNIT_EXPECT_EQ(test, cfg.pio.max, 0xffffULL);
	KUNIT_ASSERT_EQ(test, cfg.nr_mmio, 2U);
	KUNIT_EXPECT_EQ(test, cfg.mmio[0].min, 0xd0000000ULL);
	KUNIT_EXPECT_EQ(test, cfg.mmio[0].max, 0xfebfffffULL);
	KUNIT_EXPECT_EQ(test, cfg.mmio[1].min, 0x8000000000ULL);
	KUNIT_EXPECT_EQ(test, cfg.mmio[1].max, 0xffffffffffULL);
	KUNIT_EXPECT_EQ(test, cfg.mem.min, 0x100000000ULL);
	KUNIT_EXPECT_EQ(test, cfg.mem.max, 0x7fffffffffULL);
	KUNIT_EXPECT_EQ(test, cfg.legacy_irq.min, 5ULL);
	KUNIT_EXPECT_EQ(test, cfg.legacy_irq.max, 23ULL);
	KUNIT_EXPECT_EQ(test, cfg.msi.min, 24ULL);
	KUNIT_EXPECT_EQ(test, cfg.msi.max, 4095ULL);
	KUNIT_EXPECT_EQ(test, cfg.kvm_slot.min, 0ULL);
	KUNIT_EXPECT_EQ(test, cfg.kvm_slot.max, 32763ULL);
	KUNIT_EXPECT_EQ(test, cfg.mac_prefix[0], 0x02);
	KUNIT_EXPECT_EQ(test, cfg.mac_prefix[1], 0xdb);
	KUNIT_EXPECT_EQ(test, cfg.mac_prefix[2], 0xde);
}

/* First fit at the lowest aligned address, windows in order. */
static void alloc_addresses(struct kunit *test)
{
	alloc_one(test, __LINE__, DBDEV_CON_PIO(8), DBDEV_PIO(0, 8));
	alloc_one(test, __LINE__,
		  DBDEV_CON_ADDR(DBDEV_CON_PIO, 0x10, 0x10, 0, 0, 0),
		  DBDEV_PIO(0x10, 0x10));
	/* fills the gap below */
	alloc_one(test, __LINE__, DBDEV_CON_PIO(4), DBDEV_PIO(8, 4));
	/* the gap left, [0xc, 0x10), is too small */
	alloc_one(test, __LINE__, DBDEV_CON_PIO(5), DBDEV_PIO(0x20, 5));
	alloc_one(test, __LINE__, DBDEV_CON_PIO(4), DBDEV_PIO(0xc, 4));

	/* a window: lowest fit inside it, exact fit, no fit */
	alloc_one(test, __LINE__,
		  DBDEV_CON_WINDOW(DBDEV_CON_PIO, 0x10, 1, 0x100, 0x10f),
		  DBDEV_PIO(0x100, 0x10));
	alloc_fail(test, __LINE__,
		   DBDEV_CON_WINDOW(DBDEV_CON_PIO, 0x10, 1, 0x110, 0x11e),
		   -ENOSPC);
	alloc_fail(test, __LINE__,
		   DBDEV_CON_WINDOW(DBDEV_CON_PIO, 0x10, 1, 0x100, 0x11e),
		   -ENOSPC);
	alloc_one(test, __LINE__,
		  DBDEV_CON_WINDOW(DBDEV_CON_PIO, 8, 8, 0x103, 0x1ff),
		  DBDEV_PIO(0x110, 8));

	/* MMIO: the 32-bit hole first, page aligned by default */
	alloc_one(test, __LINE__, DBDEV_CON_MMIO(0x1000),
		  DBDEV_MMIO(0xd0000000, 0x1000));
	alloc_one(test, __LINE__,
		  DBDEV_CON_ADDR(DBDEV_CON_MMIO, 0x2000, 0x2000, 0, 0, 0),
		  DBDEV_MMIO(0xd0002000, 0x2000));
	alloc_one(test, __LINE__, DBDEV_CON_MMIO(0x800),
		  DBDEV_MMIO(0xd0001000, 0x800));
	alloc_one(test, __LINE__, DBDEV_CON_MMIO(0x10),
		  DBDEV_MMIO(0xd0004000, 0x10));
	/* too big for the hole: the 64-bit window */
	alloc_one(test, __LINE__, DBDEV_CON_MMIO(0x40000000),
		  DBDEV_MMIO(0x8000000000, 0x40000000));
	alloc_one(test, __LINE__,
		  DBDEV_CON_WINDOW(DBDEV_CON_MMIO, 0x1000, 0x1000, 0xe0000000,
				   0xefffffff),
		  DBDEV_MMIO(0xe0000000, 0x1000));
	/* a window outside every MMIO pool */
	alloc_fail(test, __LINE__,
		   DBDEV_CON_WINDOW(DBDEV_CON_MMIO, 0x1000, 0x1000, 0x10000000,
				    0x1fffffff), -EINVAL);
	/* more than both windows hold */
	alloc_fail(test, __LINE__, DBDEV_CON_MMIO(0x10000000000ULL), -ENOSPC);

	/* memory */
	alloc_one(test, __LINE__,
		  DBDEV_CON_ADDR(DBDEV_CON_MEM, 0x200000, 0x200000, 0, 0, 0),
		  DBDEV_MEM(0x100000000ULL, 0x200000));
	alloc_one(test, __LINE__, DBDEV_CON_MEM(0x1000),
		  DBDEV_MEM(0x100200000ULL, 0x1000));

	/* an invalid constraint */
	alloc_fail(test, __LINE__, DBDEV_CON_PIO(0), -EINVAL);
	alloc_fail(test, __LINE__,
		   DBDEV_CON_ADDR(DBDEV_CON_MMIO, 0x1000, 0x3000, 0, 0, 0),
		   -EINVAL);
}

static void alloc_irqs_and_msi(struct kunit *test)
{
	unsigned int i;

	alloc_one(test, __LINE__, DBDEV_CON_LEGACY_IRQ(), DBDEV_LEGACY_IRQ(5));
	alloc_one(test, __LINE__, DBDEV_CON_LEGACY_IRQ(), DBDEV_LEGACY_IRQ(6));
	alloc_one(test, __LINE__, DBDEV_CON_LEGACY_IRQ_AT(10),
		  DBDEV_LEGACY_IRQ(10));
	alloc_fail(test, __LINE__, DBDEV_CON_LEGACY_IRQ_AT(10), -EBUSY);
	alloc_fail(test, __LINE__, DBDEV_CON_LEGACY_IRQ_AT(4), -EINVAL);
	alloc_fail(test, __LINE__, DBDEV_CON_LEGACY_IRQ_AT(24), -EINVAL);
	/* the rest of 5..23, lowest first, skipping 10 */
	for (i = 7; i <= 23; i++) {
		if (i == 10)
			continue;
		alloc_one(test, __LINE__, DBDEV_CON_LEGACY_IRQ(),
			  DBDEV_LEGACY_IRQ(i));
	}
	alloc_fail(test, __LINE__, DBDEV_CON_LEGACY_IRQ(), -ENOSPC);

	/* PCI MSI aligned to its size rounded up to a power of two */
	alloc_one(test, __LINE__, DBDEV_CON_MSI(DBDEV_CON_PCI_MSI, 3),
		  DBDEV_MSI(DBDEV_MSI_PCI, 24, 3));
	alloc_one(test, __LINE__, DBDEV_CON_MSI(DBDEV_CON_PCI_MSI, 8),
		  DBDEV_MSI(DBDEV_MSI_PCI, 32, 8));
	/* MSI-X and generic: lowest free run, unaligned */
	alloc_one(test, __LINE__, DBDEV_CON_MSI(DBDEV_CON_PCI_MSIX, 5),
		  DBDEV_MSI(DBDEV_MSI_PCI_MSIX, 27, 5));
	alloc_one(test, __LINE__, DBDEV_CON_MSI(DBDEV_CON_GENERIC_MSI, 2),
		  DBDEV_MSI(DBDEV_MSI_GENERIC, 40, 2));
	alloc_one(test, __LINE__, DBDEV_CON_MSI(DBDEV_CON_PCI_MSI, 32),
		  DBDEV_MSI(DBDEV_MSI_PCI, 64, 32));
	alloc_one(test, __LINE__, DBDEV_CON_MSI(DBDEV_CON_PCI_MSI, 1),
		  DBDEV_MSI(DBDEV_MSI_PCI, 42, 1));
	alloc_one(test, __LINE__, DBDEV_CON_MSI(DBDEV_CON_PCI_MSIX, 2048),
		  DBDEV_MSI(DBDEV_MSI_PCI_MSIX, 96, 2048));
	alloc_fail(test, __LINE__, DBDEV_CON_MSI(DBDEV_CON_PCI_MSIX, 2048),
		   -ENOSPC);
	alloc_fail(test, __LINE__, DBDEV_CON_MSI(DBDEV_CON_PCI_MSI, 33),
		   -EINVAL);
}

static void alloc_slots_and_macs(struct kunit *test)
{
	struct dbdev_constraint con = DBDEV_CON_KVM_SLOTS(3);
	struct dbdev_resource res[4] = { };

	/* one resource per slot, the lowest free run */
	KUNIT_ASSERT_EQ(test, dbdev_alloc(test->priv, &con, 1, res, 4), 3);
	expect_res(test, __LINE__, &res[0], DBDEV_KVM_SLOT(0));
	expect_res(test, __LINE__, &res[1], DBDEV_KVM_SLOT(1));
	expect_res(test, __LINE__, &res[2], DBDEV_KVM_SLOT(2));

	con = DBDEV_CON_KVM_SLOTS_AT(10, 2);
	KUNIT_ASSERT_EQ(test, dbdev_alloc(test->priv, &con, 1, res, 4), 2);
	expect_res(test, __LINE__, &res[0], DBDEV_KVM_SLOT(10));
	expect_res(test, __LINE__, &res[1], DBDEV_KVM_SLOT(11));
	alloc_fail(test, __LINE__, DBDEV_CON_KVM_SLOTS_AT(11, 1), -EBUSY);
	alloc_fail(test, __LINE__, DBDEV_CON_KVM_SLOTS_AT(9, 2), -EBUSY);
	alloc_fail(test, __LINE__, DBDEV_CON_KVM_SLOTS_AT(32763, 2), -EINVAL);

	/* eight slots make eight resources: no room for them in four */
	con = DBDEV_CON_KVM_SLOTS(8);
	KUNIT_ASSERT_EQ(test, dbdev_alloc(test->priv, &con, 1, res, 4), -E2BIG);
	alloc_one(test, __LINE__, DBDEV_CON_KVM_SLOTS(1), DBDEV_KVM_SLOT(3));

	alloc_one(test, __LINE__, DBDEV_CON_MAC(),
		  mac_res(0x02, 0xdb, 0xde, 0, 0, 0));
	alloc_one(test, __LINE__, DBDEV_CON_MAC(),
		  mac_res(0x02, 0xdb, 0xde, 0, 0, 1));
}

/* A failed allocation takes nothing, whatever part of it failed. */
static void alloc_all_or_nothing(struct kunit *test)
{
	struct dbdev_constraint con[] = {
		DBDEV_CON_PIO(8),
		DBDEV_CON_MMIO(0x1000),
		DBDEV_CON_KVM_SLOTS(2),
		DBDEV_CON_LEGACY_IRQ_AT(7),
	};
	struct dbdev_constraint *many;
	struct dbdev_resource *res;
	unsigned int i;

	res = kunit_kcalloc(test, DBDEV_MAX_RESOURCES + 1, sizeof(*res),
			    GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, res);

	alloc_one(test, __LINE__, DBDEV_CON_LEGACY_IRQ_AT(7),
		  DBDEV_LEGACY_IRQ(7));
	KUNIT_EXPECT_EQ(test, dbdev_alloc(test->priv, con, 4, res, 5), -EBUSY);
	/* room for four, but the slots make five */
	con[3] = DBDEV_CON_LEGACY_IRQ_AT(8);
	KUNIT_EXPECT_EQ(test, dbdev_alloc(test->priv, con, 4, res, 4), -E2BIG);
	con[3] = DBDEV_CON_MSI(DBDEV_CON_PCI_MSI, 0);
	KUNIT_EXPECT_EQ(test, dbdev_alloc(test->priv, con, 4, res, 5), -EINVAL);

	many = kunit_kcalloc(test, DBDEV_MAX_RESOURCES + 1, sizeof(*many),
			     GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, many);
	for (i = 0; i <= DBDEV_MAX_RESOURCES; i++)
		many[i] = DBDEV_CON_PIO(1);
	KUNIT_EXPECT_EQ(test, dbdev_alloc(test->priv, many,
					  DBDEV_MAX_RESOURCES + 1, res,
					  DBDEV_MAX_RESOURCES + 1), -E2BIG);

	/* nothing was taken */
	con[3] = DBDEV_CON_LEGACY_IRQ();
	KUNIT_ASSERT_EQ(test, dbdev_alloc(test->priv, con, 4, res, 5), 5);
	expect_res(test, __LINE__, &res[0], DBDEV_PIO(0, 8));
	expect_res(test, __LINE__, &res[1], DBDEV_MMIO(0xd0000000, 0x1000));
	expect_res(test, __LINE__, &res[2], DBDEV_KVM_SLOT(0));
	expect_res(test, __LINE__, &res[3], DBDEV_KVM_SLOT(1));
	expect_res(test, __LINE__, &res[4], DBDEV_LEGACY_IRQ(5));
}

static void alloc_free_and_merge(struct kunit *test)
{
	struct dbdev_manager *mgr = test->priv;
	struct dbdev_resource a = DBDEV_PIO(0, 0x10);
	struct dbdev_resource b = DBDEV_PIO(0x10, 0x10);
	struct dbdev_resource c = DBDEV_PIO(0x20, 0x10);
	struct dbdev_resource pair[2];
	struct dbdev_resource r;

	alloc_one(test, __LINE__, DBDEV_CON_PIO(0x10), a);
	alloc_one(test, __LINE__, DBDEV_CON_PIO(0x10), b);
	alloc_one(test, __LINE__, DBDEV_CON_PIO(0x10), c);

	KUNIT_EXPECT_EQ(test, dbdev_free(mgr, &a, 1), 0);
	KUNIT_EXPECT_EQ(test, dbdev_free(mgr, &a, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, dbdev_free(mgr, &b, 1), 0);
	/* a and b merged: 0x20 ports fit at 0 */
	alloc_one(test, __LINE__, DBDEV_CON_PIO(0x20), DBDEV_PIO(0, 0x20));

	/* part of an allocation, twice the same, never allocated */
	r = DBDEV_PIO(0x20, 8);
	KUNIT_EXPECT_EQ(test, dbdev_free(mgr, &r, 1), -EINVAL);
	r = DBDEV_PIO(0x28, 8);
	KUNIT_EXPECT_EQ(test, dbdev_free(mgr, &r, 1), -EINVAL);
	pair[0] = c;
	pair[1] = c;
	KUNIT_EXPECT_EQ(test, dbdev_free(mgr, pair, 2), -EINVAL);
	pair[1] = DBDEV_PIO(0x1000, 4);
	KUNIT_EXPECT_EQ(test, dbdev_free(mgr, pair, 2), -EINVAL);
	r = DBDEV_PIO(0x20, 0);
	KUNIT_EXPECT_EQ(test, dbdev_free(mgr, &r, 1), -EINVAL);
	/* c was not freed by any of that */
	alloc_fail(test, __LINE__,
		   DBDEV_CON_WINDOW(DBDEV_CON_PIO, 1, 1, 0x20, 0x2f), -ENOSPC);
	KUNIT_EXPECT_EQ(test, dbdev_free(mgr, &c, 1), 0);
	alloc_one(test, __LINE__,
		  DBDEV_CON_WINDOW(DBDEV_CON_PIO, 1, 1, 0x20, 0x2f),
		  DBDEV_PIO(0x20, 1));

	/* several at once, of several kinds */
	alloc_one(test, __LINE__, DBDEV_CON_LEGACY_IRQ(), DBDEV_LEGACY_IRQ(5));
	alloc_one(test, __LINE__, DBDEV_CON_MSI(DBDEV_CON_PCI_MSIX, 4),
		  DBDEV_MSI(DBDEV_MSI_PCI_MSIX, 24, 4));
	pair[0] = DBDEV_LEGACY_IRQ(5);
	pair[1] = DBDEV_MSI(DBDEV_MSI_PCI_MSIX, 24, 4);
	KUNIT_EXPECT_EQ(test, dbdev_free(mgr, pair, 2), 0);
	alloc_one(test, __LINE__, DBDEV_CON_LEGACY_IRQ(), DBDEV_LEGACY_IRQ(5));
	alloc_one(test, __LINE__, DBDEV_CON_MSI(DBDEV_CON_GENERIC_MSI, 4),
		  DBDEV_MSI(DBDEV_MSI_GENERIC, 24, 4));

	/* KVM slots come back one by one */
	alloc_one(test, __LINE__, DBDEV_CON_KVM_SLOTS(1), DBDEV_KVM_SLOT(0));
	alloc_one(test, __LINE__, DBDEV_CON_KVM_SLOTS(1), DBDEV_KVM_SLOT(1));
	r = DBDEV_KVM_SLOT(0);
	KUNIT_EXPECT_EQ(test, dbdev_free(mgr, &r, 1), 0);
	alloc_one(test, __LINE__, DBDEV_CON_KVM_SLOTS(1), DBDEV_KVM_SLOT(0));
}

/* Explicitly registered resources are used; allocated ones are taken. */
static void alloc_vs_register(struct kunit *test)
{
	struct dbdev_manager *mgr = test->priv;
	static const struct dbdev_device_ops ops = { };
	struct dbdev_device *a, *b;
	struct dbdev_resource ra[] = {
		DBDEV_MEM(0x100000000ULL, 0x1000),
		DBDEV_LEGACY_IRQ(5),
		DBDEV_KVM_SLOT(0),
	};
	struct dbdev_resource r;

	a = kunit_kzalloc(test, sizeof(*a), GFP_KERNEL);
	b = kunit_kzalloc(test, sizeof(*b), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, b);
	dbdev_device_init(a, &ops, 0);
	dbdev_device_init(b, &ops, 0);

	KUNIT_ASSERT_EQ(test, dbdev_register(mgr, a, ra, ARRAY_SIZE(ra)), 0);
	alloc_one(test, __LINE__, DBDEV_CON_MEM(0x1000),
		  DBDEV_MEM(0x100001000ULL, 0x1000));
	alloc_one(test, __LINE__, DBDEV_CON_LEGACY_IRQ(), DBDEV_LEGACY_IRQ(6));
	alloc_one(test, __LINE__, DBDEV_CON_KVM_SLOTS(1), DBDEV_KVM_SLOT(1));
	alloc_fail(test, __LINE__, DBDEV_CON_LEGACY_IRQ_AT(5), -EBUSY);

	/* a registered device's resource is not freed through the pools */
	r = DBDEV_LEGACY_IRQ(5);
	KUNIT_EXPECT_EQ(test, dbdev_free(mgr, &r, 1), -EBUSY);
	/* nor can another device register what is taken in a pool */
	KUNIT_EXPECT_EQ(test, dbdev_register(mgr, b, &r, 1), -EBUSY);
	r = DBDEV_MEM(0x100000800ULL, 0x1000);
	KUNIT_EXPECT_EQ(test, dbdev_register(mgr, b, &r, 1), -EBUSY);
	/* only part of an allocation */
	r = DBDEV_MEM(0x100001000ULL, 0x800);
	KUNIT_EXPECT_EQ(test, dbdev_register(mgr, b, &r, 1), -EBUSY);

	/* unregistering gives them back */
	KUNIT_EXPECT_EQ(test, dbdev_unregister(mgr, a), 0);
	alloc_one(test, __LINE__, DBDEV_CON_LEGACY_IRQ(), DBDEV_LEGACY_IRQ(5));
	alloc_one(test, __LINE__, DBDEV_CON_MEM(0x1000),
		  DBDEV_MEM(0x100000000ULL, 0x1000));
	alloc_one(test, __LINE__, DBDEV_CON_KVM_SLOTS(1), DBDEV_KVM_SLOT(0));
	/* outside every pool: not tracked */
	r = DBDEV_LEGACY_IRQ(4);
	KUNIT_EXPECT_EQ(test, dbdev_register(mgr, b, &r, 1), 0);
	KUNIT_EXPECT_EQ(test, dbdev_unregister(mgr, b), 0);
	KUNIT_EXPECT_EQ(test, dbdev_register(mgr, a, &r, 1), 0);
}

/*
 * Allocate first, register later: a resource that is exactly one of a
 * grant is handed over to the device that registers it, then is the
 * device's; a cancelled transaction gives it back to the grant.
 */
static void alloc_then_register(struct kunit *test)
{
	struct dbdev_manager *mgr = test->priv;
	static const struct dbdev_device_ops ops = { };
	struct dbdev_constraint con[] = {
		DBDEV_CON_MEM(0x1000),
		DBDEV_CON_LEGACY_IRQ(),
		DBDEV_CON_MSI(DBDEV_CON_PCI_MSI, 4),
		DBDEV_CON_KVM_SLOTS(2),
	};
	static const struct dbdev_constraint two[] = {
		DBDEV_CON_LEGACY_IRQ(), DBDEV_CON_LEGACY_IRQ(),
	};
	struct dbdev_resource g[5], r;
	struct dbdev_device *a, *b, *c;
	struct dbdev_tx *tx;

	a = kunit_kzalloc(test, sizeof(*a), GFP_KERNEL);
	b = kunit_kzalloc(test, sizeof(*b), GFP_KERNEL);
	c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_ASSERT_NOT_NULL(test, c);
	dbdev_device_init(a, &ops, 0);
	dbdev_device_init(b, &ops, 0);
	dbdev_device_init(c, &ops, 0);
	KUNIT_ASSERT_EQ(test, dbdev_alloc(mgr, con, ARRAY_SIZE(con), g, 5), 5);
	expect_res(test, __LINE__, &g[1], DBDEV_LEGACY_IRQ(5));
	expect_res(test, __LINE__, &g[3], DBDEV_KVM_SLOT(0));

	/* the MSI block of another type is not the grant's */
	r = DBDEV_MSI(DBDEV_MSI_GENERIC, g[2].msi.base, 4);
	KUNIT_EXPECT_EQ(test, dbdev_register(mgr, a, &r, 1), -EBUSY);

	/* memory, the line and one slot go to a; the grant keeps the rest */
	r = g[3];
	g[3] = g[2];
	g[2] = r;
	KUNIT_ASSERT_EQ(test, dbdev_register(mgr, a, g, 3), 0);
	KUNIT_EXPECT_EQ(test, dbdev_free(mgr, &g[0], 1), -EBUSY);
	KUNIT_EXPECT_EQ(test, dbdev_free(mgr, &g[1], 1), -EBUSY);
	alloc_fail(test, __LINE__, DBDEV_CON_LEGACY_IRQ_AT(5), -EBUSY);
	KUNIT_EXPECT_EQ(test, dbdev_free(mgr, &g[3], 2), 0);

	/* a's unregistration gives them back to the pools, not the grant */
	KUNIT_ASSERT_EQ(test, dbdev_unregister(mgr, a), 0);
	KUNIT_EXPECT_EQ(test, dbdev_free(mgr, &g[1], 1), -EINVAL);
	alloc_one(test, __LINE__, DBDEV_CON_LEGACY_IRQ(), DBDEV_LEGACY_IRQ(5));
	alloc_one(test, __LINE__, DBDEV_CON_KVM_SLOTS(1), DBDEV_KVM_SLOT(0));

	/* in a transaction: a cancel gives the resource back to its grant */
	alloc_one(test, __LINE__, DBDEV_CON_LEGACY_IRQ(), DBDEV_LEGACY_IRQ(6));
	r = DBDEV_LEGACY_IRQ(6);
	tx = dbdev_tx_begin(mgr);
	KUNIT_ASSERT_FALSE(test, IS_ERR(tx));
	KUNIT_ASSERT_EQ(test, dbdev_tx_register(tx, b, &r, 1), 0);
	dbdev_tx_cancel(tx);
	KUNIT_EXPECT_EQ(test, dbdev_free(mgr, &r, 1), 0);
	/* ... a commit makes the handover final */
	alloc_one(test, __LINE__, DBDEV_CON_LEGACY_IRQ(), DBDEV_LEGACY_IRQ(6));
	tx = dbdev_tx_begin(mgr);
	KUNIT_ASSERT_FALSE(test, IS_ERR(tx));
	KUNIT_ASSERT_EQ(test, dbdev_tx_register(tx, b, &r, 1), 0);
	KUNIT_ASSERT_EQ(test, dbdev_tx_commit(tx), 0);
	KUNIT_EXPECT_EQ(test, dbdev_free(mgr, &r, 1), -EBUSY);
	KUNIT_ASSERT_EQ(test, dbdev_unregister(mgr, b), 0);
	KUNIT_EXPECT_EQ(test, dbdev_free(mgr, &r, 1), -EINVAL);
	alloc_one(test, __LINE__, DBDEV_CON_LEGACY_IRQ(), DBDEV_LEGACY_IRQ(6));

	/* one commit, several handovers, two of them out of one grant */
	KUNIT_ASSERT_EQ(test, dbdev_alloc(mgr, two, 2, g, 2), 2);
	KUNIT_ASSERT_EQ(test, dbdev_alloc(mgr, two, 1, &g[2], 1), 1);
	tx = dbdev_tx_begin(mgr);
	KUNIT_ASSERT_FALSE(test, IS_ERR(tx));
	KUNIT_ASSERT_EQ(test, dbdev_tx_register(tx, a, &g[0], 1), 0);
	KUNIT_ASSERT_EQ(test, dbdev_tx_register(tx, b, &g[1], 1), 0);
	KUNIT_ASSERT_EQ(test, dbdev_tx_register(tx, c, &g[2], 1), 0);
	KUNIT_ASSERT_EQ(test, dbdev_tx_commit(tx), 0);
	KUNIT_EXPECT_EQ(test, dbdev_free(mgr, g, 1), -EBUSY);
	KUNIT_EXPECT_EQ(test, dbdev_free(mgr, &g[2], 1), -EBUSY);
	KUNIT_EXPECT_EQ(test, dbdev_unregister(mgr, a), 0);
	KUNIT_EXPECT_EQ(test, dbdev_unregister(mgr, b), 0);
	KUNIT_EXPECT_EQ(test, dbdev_unregister(mgr, c), 0);
	KUNIT_EXPECT_EQ(test, dbdev_free(mgr, g, 3), -EINVAL);
}

/* A test device for dbdev_register_alloc(): records where it was hit. */
struct adev {
	struct dbdev_device dev;
	unsigned int calls;
	u64 last_base;
	u64 last_off;
};

static int adev_note(struct dbdev_device *dev, u64 base, u64 off)
{
	struct adev *a = container_of(dev, struct adev, dev);

	a->calls++;
	a->last_base = base;
	a->last_off = off;
	return 0;
}

static int adev_read(struct dbdev_caller *caller, struct dbdev_device *dev,
		     u64 base, u64 offset, void *data, unsigned int len)
{
	return adev_note(dev, base, offset);
}

static int adev_write(struct dbdev_caller *caller, struct dbdev_device *dev,
		      u64 base, u64 offset, const void *data, unsigned int len)
{
	return adev_note(dev, base, offset);
}

static int adev_pio_read(struct dbdev_caller *caller, struct dbdev_device *dev,
			 u16 base, u16 offset, void *data, unsigned int len)
{
	return adev_note(dev, base, offset);
}

static int adev_pio_write(struct dbdev_caller *caller, struct dbdev_device *dev,
			  u16 base, u16 offset, const void *data,
			  unsigned int len)
{
	return adev_note(dev, base, offset);
}

static const struct dbdev_device_ops adev_ops = {
	.read = adev_read,
	.write = adev_write,
	.pio_read = adev_pio_read,
	.pio_write = adev_pio_write,
};

static struct adev *adev_new(struct kunit *test)
{
	struct adev *a = kunit_kzalloc(test, sizeof(*a), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, a);
	dbdev_device_init(&a->dev, &adev_ops, 0);
	return a;
}

static void alloc_register_alloc(struct kunit *test)
{
	struct dbdev_manager *mgr = test->priv;
	struct adev *a = adev_new(test);
	struct adev *b = adev_new(test);
	struct adev *c = adev_new(test);
	struct dbdev_constraint con[] = {
		DBDEV_CON_PIO(8),
		DBDEV_CON_MMIO(0x1000),
		DBDEV_CON_LEGACY_IRQ(),
		DBDEV_CON_KVM_SLOTS(2),
		DBDEV_CON_MAC(),
	};
	struct dbdev_resources list;
	struct dbdev_resource res[3];
	u8 buf[4];

	KUNIT_ASSERT_EQ(test, dbdev_register_alloc(mgr, &a->dev, con,
						   ARRAY_SIZE(con)), 0);
	list = dbdev_device_resources(&a->dev);
	KUNIT_ASSERT_EQ(test, list.nr, 6U);
	expect_res(test, __LINE__, &list.res[0], DBDEV_PIO(0, 8));
	expect_res(test, __LINE__, &list.res[1], DBDEV_MMIO(0xd0000000, 0x1000));
	expect_res(test, __LINE__, &list.res[2], DBDEV_LEGACY_IRQ(5));
	expect_res(test, __LINE__, &list.res[3], DBDEV_KVM_SLOT(0));
	expect_res(test, __LINE__, &list.res[4], DBDEV_KVM_SLOT(1));
	expect_res(test, __LINE__, &list.res[5],
		   mac_res(0x02, 0xdb, 0xde, 0, 0, 0));
	KUNIT_EXPECT_EQ(test, dbdev_device_trapped(&a->dev).nr, 2U);

	KUNIT_EXPECT_EQ(test, dbdev_pio_read(CALLER(mgr), 7, buf, 1), 0);
	KUNIT_EXPECT_EQ(test, a->last_base, 0ULL);
	KUNIT_EXPECT_EQ(test, a->last_off, 7ULL);
	KUNIT_EXPECT_EQ(test, dbdev_mmio_write(CALLER(mgr), 0xd0000ffc, buf, 4), 0);
	KUNIT_EXPECT_EQ(test, a->last_base, 0xd0000000ULL);
	KUNIT_EXPECT_EQ(test, a->last_off, 0xffcULL);
	KUNIT_EXPECT_EQ(test, a->calls, 2U);

	/* the next device gets the next places */
	KUNIT_ASSERT_EQ(test, dbdev_register_alloc(mgr, &b->dev, con, 3), 0);
	list = dbdev_device_resources(&b->dev);
	KUNIT_ASSERT_EQ(test, list.nr, 3U);
	expect_res(test, __LINE__, &list.res[0], DBDEV_PIO(8, 8));
	expect_res(test, __LINE__, &list.res[1], DBDEV_MMIO(0xd0001000, 0x1000));
	expect_res(test, __LINE__, &list.res[2], DBDEV_LEGACY_IRQ(6));
	KUNIT_EXPECT_EQ(test, dbdev_register_alloc(mgr, &b->dev, con, 3),
			-EBUSY);

	/* unregistering a gives its places back */
	KUNIT_EXPECT_EQ(test, dbdev_unregister(mgr, &a->dev), 0);
	KUNIT_EXPECT_EQ(test, dbdev_pio_read(CALLER(mgr), 7, buf, 1), -ENODEV);
	KUNIT_ASSERT_EQ(test, dbdev_register_alloc(mgr, &a->dev, con,
						   ARRAY_SIZE(con)), 0);
	list = dbdev_device_resources(&a->dev);
	KUNIT_ASSERT_EQ(test, list.nr, 6U);
	expect_res(test, __LINE__, &list.res[0], DBDEV_PIO(0, 8));
	expect_res(test, __LINE__, &list.res[2], DBDEV_LEGACY_IRQ(5));
	expect_res(test, __LINE__, &list.res[5],
		   mac_res(0x02, 0xdb, 0xde, 0, 0, 0));

	/* a failed one takes nothing: slot 0 is a's */
	con[3] = DBDEV_CON_KVM_SLOTS_AT(0, 1);
	KUNIT_EXPECT_EQ(test, dbdev_register_alloc(mgr, &c->dev, con, 4),
			-EBUSY);
	KUNIT_EXPECT_EQ(test, dbdev_device_resources(&c->dev).nr, 0U);
	KUNIT_EXPECT_EQ(test, dbdev_unregister(mgr, &c->dev), -ENOENT);
	/* and so does an explicit one that meets a used pool entry */
	res[0] = DBDEV_MMIO(0x9000, 0x10);
	res[1] = DBDEV_PIO(0x200, 4);
	res[2] = DBDEV_LEGACY_IRQ(5);
	KUNIT_EXPECT_EQ(test, dbdev_register(mgr, &c->dev, res, 3), -EBUSY);
	KUNIT_EXPECT_EQ(test, dbdev_mmio_read(CALLER(mgr), 0x9000, buf, 1), -ENODEV);
	KUNIT_EXPECT_EQ(test, dbdev_pio_read(CALLER(mgr), 0x200, buf, 1), -ENODEV);
	KUNIT_EXPECT_EQ(test, dbdev_device_resources(&c->dev).nr, 0U);
	KUNIT_EXPECT_EQ(test, c->calls, 0U);
	alloc_one(test, __LINE__, DBDEV_CON_PIO(8), DBDEV_PIO(0x10, 8));
	alloc_one(test, __LINE__, DBDEV_CON_LEGACY_IRQ(), DBDEV_LEGACY_IRQ(7));
}

static void alloc_in_tx(struct kunit *test)
{
	struct dbdev_manager *mgr = test->priv;
	struct adev *a = adev_new(test);
	struct adev *b = adev_new(test);
	struct dbdev_constraint con[] = {
		DBDEV_CON_PIO(4),
		DBDEV_CON_LEGACY_IRQ(),
	};
	struct dbdev_resource res[2];
	struct dbdev_resources list;
	struct dbdev_pool_config cfg;
	struct dbdev_tx *tx;
	u8 buf[1];

	tx = dbdev_tx_begin(mgr);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, tx);
	KUNIT_EXPECT_EQ(test, dbdev_alloc(mgr, con, 2, res, 2), -EBUSY);
	res[0] = DBDEV_PIO(0, 4);
	KUNIT_EXPECT_EQ(test, dbdev_free(mgr, res, 1), -EBUSY);
	dbdev_pools_get(mgr, &cfg);
	KUNIT_EXPECT_EQ(test, dbdev_pools_set(mgr, &cfg), -EBUSY);

	/* taken at once: b gets the next places */
	KUNIT_EXPECT_EQ(test, dbdev_tx_register_alloc(tx, &a->dev, con, 2), 0);
	KUNIT_EXPECT_EQ(test, dbdev_tx_register_alloc(tx, &b->dev, con, 2), 0);
	KUNIT_EXPECT_EQ(test, dbdev_pio_read(CALLER(mgr), 0, buf, 1), -ENODEV);
	KUNIT_ASSERT_EQ(test, dbdev_tx_commit(tx), 0);
	list = dbdev_device_resources(&b->dev);
	KUNIT_ASSERT_EQ(test, list.nr, 2U);
	expect_res(test, __LINE__, &list.res[0], DBDEV_PIO(4, 4));
	expect_res(test, __LINE__, &list.res[1], DBDEV_LEGACY_IRQ(6));
	KUNIT_EXPECT_EQ(test, dbdev_pio_read(CALLER(mgr), 5, buf, 1), 0);
	KUNIT_EXPECT_EQ(test, b->last_base, 4ULL);
	KUNIT_EXPECT_EQ(test, b->last_off, 1ULL);
	KUNIT_EXPECT_EQ(test, a->calls, 0U);

	/* a cancelled transaction gives its places back */
	tx = dbdev_tx_begin(mgr);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, tx);
	KUNIT_EXPECT_EQ(test, dbdev_tx_unregister(tx, &a->dev), 0);
	KUNIT_EXPECT_EQ(test, dbdev_tx_unregister(tx, &b->dev), 0);
	dbdev_tx_cancel(tx);
	alloc_one(test, __LINE__, DBDEV_CON_PIO(4), DBDEV_PIO(8, 4));
	tx = dbdev_tx_begin(mgr);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, tx);
	KUNIT_EXPECT_EQ(test, dbdev_tx_unregister(tx, &a->dev), 0);
	KUNIT_EXPECT_EQ(test, dbdev_tx_register_alloc(tx, &a->dev, con, 2), 0);
	dbdev_tx_cancel(tx);
	list = dbdev_device_resources(&a->dev);
	KUNIT_ASSERT_EQ(test, list.nr, 2U);
	expect_res(test, __LINE__, &list.res[0], DBDEV_PIO(0, 4));
	alloc_one(test, __LINE__, DBDEV_CON_PIO(4), DBDEV_PIO(0xc, 4));
	alloc_one(test, __LINE__, DBDEV_CON_LEGACY_IRQ(), DBDEV_LEGACY_IRQ(7));
}

/*
 * The long cases below are cut into steps, static noinline_for_stack
 * helpers called one after the other on the same manager: with KASAN,
 * every constraint and resource passed by value gets a slot of its own in
 * the frame, and one frame for a whole case would pass the 2048 bytes of
 * the frame size warning.
 */

/* Malformed pool configurations are refused and change nothing. */
static noinline_for_stack void
pool_config_malformed(struct kunit *test, const struct dbdev_pool_config *cfg)
{
	struct dbdev_manager *mgr = test->priv;
	struct dbdev_pool_config got, bad;

	bad = *cfg;
	bad.pio.max = 0x10000;
	KUNIT_EXPECT_EQ(test, dbdev_pools_set(mgr, &bad), -EINVAL);
	bad = *cfg;
	bad.legacy_irq.min = 5;
	KUNIT_EXPECT_EQ(test, dbdev_pools_set(mgr, &bad), -EINVAL);
	bad = *cfg;
	bad.nr_mmio = 0;
	KUNIT_EXPECT_EQ(test, dbdev_pools_set(mgr, &bad), -EINVAL);
	bad = *cfg;
	bad.nr_mmio = DBDEV_MAX_MMIO_WINDOWS + 1;
	KUNIT_EXPECT_EQ(test, dbdev_pools_set(mgr, &bad), -EINVAL);
	bad = *cfg;
	bad.mmio[1].min = 0x1000ffff;
	KUNIT_EXPECT_EQ(test, dbdev_pools_set(mgr, &bad), -EINVAL);
	bad = *cfg;
	bad.mmio[0] = cfg->mmio[1];
	bad.mmio[1] = cfg->mmio[0];
	KUNIT_EXPECT_EQ(test, dbdev_pools_set(mgr, &bad), -EINVAL);
	bad = *cfg;
	bad.mac_prefix[0] = 0x07;	/* multicast */
	KUNIT_EXPECT_EQ(test, dbdev_pools_set(mgr, &bad), -EINVAL);
	bad = *cfg;
	bad.mac_prefix[0] = 0x04;	/* not locally administered */
	KUNIT_EXPECT_EQ(test, dbdev_pools_set(mgr, &bad), -EINVAL);
	dbdev_pools_get(mgr, &got);
	KUNIT_EXPECT_EQ(test, got.pio.min, 0ULL);
	KUNIT_EXPECT_EQ(test, got.nr_mmio, 2U);
}

/* Allocations from the pools alloc_pool_config() set, to their ends. */
static noinline_for_stack void pool_config_allocs(struct kunit *test)
{
	struct dbdev_manager *mgr = test->priv;
	struct dbdev_constraint con;
	struct dbdev_resource res[8];

	alloc_one(test, __LINE__, DBDEV_CON_PIO(1), DBDEV_PIO(0x1000, 1));
	alloc_one(test, __LINE__, DBDEV_CON_MMIO(0x1000),
		  DBDEV_MMIO(0x10000000, 0x1000));
	alloc_one(test, __LINE__, DBDEV_CON_MMIO(0x100000),
		  DBDEV_MMIO(0x40000000, 0x100000));
	alloc_one(test, __LINE__, DBDEV_CON_MEM(0x1000),
		  DBDEV_MEM(0x200000000ULL, 0x1000));
	alloc_one(test, __LINE__, DBDEV_CON_LEGACY_IRQ(), DBDEV_LEGACY_IRQ(3));
	alloc_one(test, __LINE__, DBDEV_CON_LEGACY_IRQ(), DBDEV_LEGACY_IRQ(4));
	alloc_fail(test, __LINE__, DBDEV_CON_LEGACY_IRQ(), -ENOSPC);
	alloc_one(test, __LINE__, DBDEV_CON_MSI(DBDEV_CON_PCI_MSI, 4),
		  DBDEV_MSI(DBDEV_MSI_PCI, 100, 4));
	alloc_one(test, __LINE__, DBDEV_CON_KVM_SLOTS(1), DBDEV_KVM_SLOT(5));
	/* room for all five results, but only four slots left in [5, 9] */
	con = DBDEV_CON_KVM_SLOTS(5);
	KUNIT_EXPECT_EQ(test, dbdev_alloc(mgr, &con, 1, res, ARRAY_SIZE(res)),
			-ENOSPC);
	/* five results in room for four: -E2BIG comes before placing */
	KUNIT_EXPECT_EQ(test, dbdev_alloc(mgr, &con, 1, res, 4), -E2BIG);
	/* four fit in [6, 9] but not in room for three; nothing was taken */
	con = DBDEV_CON_KVM_SLOTS(4);
	KUNIT_EXPECT_EQ(test, dbdev_alloc(mgr, &con, 1, res, 3), -E2BIG);
	KUNIT_ASSERT_EQ(test, dbdev_alloc(mgr, &con, 1, res, 4), 4);
	expect_res(test, __LINE__, &res[0], DBDEV_KVM_SLOT(6));
	expect_res(test, __LINE__, &res[1], DBDEV_KVM_SLOT(7));
	expect_res(test, __LINE__, &res[2], DBDEV_KVM_SLOT(8));
	expect_res(test, __LINE__, &res[3], DBDEV_KVM_SLOT(9));
	alloc_fail(test, __LINE__, DBDEV_CON_KVM_SLOTS(1), -ENOSPC);
	alloc_one(test, __LINE__, DBDEV_CON_MAC(),
		  mac_res(0x06, 0x11, 0x22, 0, 0, 0));
}

static void alloc_pool_config(struct kunit *test)
{
	struct dbdev_manager *mgr = test->priv;
	struct dbdev_pool_config cfg, got;

	memset(&cfg, 0, sizeof(cfg));
	cfg.pio.min = 0x1000;
	cfg.pio.max = 0x1fff;
	cfg.mmio[0].min = 0x10000000;
	cfg.mmio[0].max = 0x1000ffff;
	cfg.mmio[1].min = 0x40000000;
	cfg.mmio[1].max = 0x4fffffff;
	cfg.nr_mmio = 2;
	cfg.mem.min = 0x200000000ULL;
	cfg.mem.max = 0x2ffffffffULL;
	cfg.legacy_irq.min = 3;
	cfg.legacy_irq.max = 4;
	cfg.msi.min = 100;
	cfg.msi.max = 199;
	cfg.kvm_slot.min = 5;
	cfg.kvm_slot.max = 9;
	cfg.mac_prefix[0] = 0x06;
	cfg.mac_prefix[1] = 0x11;
	cfg.mac_prefix[2] = 0x22;

	/* malformed ones first */
	pool_config_malformed(test, &cfg);

	KUNIT_ASSERT_EQ(test, dbdev_pools_set(mgr, &cfg), 0);
	dbdev_pools_get(mgr, &got);
	KUNIT_EXPECT_EQ(test, got.pio.min, 0x1000ULL);
	KUNIT_EXPECT_EQ(test, got.pio.max, 0x1fffULL);
	KUNIT_EXPECT_EQ(test, got.nr_mmio, 2U);
	KUNIT_EXPECT_EQ(test, got.mmio[1].max, 0x4fffffffULL);
	KUNIT_EXPECT_EQ(test, got.kvm_slot.min, 5ULL);
	KUNIT_EXPECT_EQ(test, got.mac_prefix[0], 0x06);

	pool_config_allocs(test);

	/* not once something is allocated */
	KUNIT_EXPECT_EQ(test, dbdev_pools_set(mgr, &cfg), -EBUSY);
}

/*
 * What the next allocation for @con gets: it must be @want, and it is given
 * back at once, so the pools are as before.
 */
static void alloc_peek(struct kunit *test, int line, struct dbdev_constraint con,
		       struct dbdev_resource want)
{
	struct dbdev_resource res[2] = { };

	KUNIT_ASSERT_EQ_MSG(test, dbdev_alloc(test->priv, &con, 1, res, 2), 1,
			    "line %d", line);
	expect_res(test, line, &res[0], want);
	KUNIT_EXPECT_EQ_MSG(test, dbdev_free(test->priv, res, 1), 0,
			    "line %d", line);
}

/* Frees one resource; the result must be @err. */
static void free_one(struct kunit *test, int line, struct dbdev_resource r,
		     int err)
{
	KUNIT_EXPECT_EQ_MSG(test, dbdev_free(test->priv, &r, 1), err,
			    "line %d", line);
}

/* First fit with alignment and windows, to the exact base. */
static void alloc_align_windows(struct kunit *test)
{
	/* the lowest aligned place; an unaligned hole is used later */
	alloc_one(test, __LINE__, DBDEV_CON_PIO(3), DBDEV_PIO(0, 3));
	alloc_one(test, __LINE__, DBDEV_CON_ADDR(DBDEV_CON_PIO, 4, 4, 0, 0, 0),
		  DBDEV_PIO(4, 4));
	alloc_one(test, __LINE__, DBDEV_CON_PIO(1), DBDEV_PIO(3, 1));
	alloc_one(test, __LINE__,
		  DBDEV_CON_ADDR(DBDEV_CON_PIO, 0x10, 0x100, 0, 0, 0),
		  DBDEV_PIO(0x100, 0x10));
	alloc_one(test, __LINE__, DBDEV_CON_PIO(0x10), DBDEV_PIO(8, 0x10));
	/* 0x18 is free but only 8-aligned */
	alloc_one(test, __LINE__, DBDEV_CON_ADDR(DBDEV_CON_PIO, 2, 0x10, 0, 0, 0),
		  DBDEV_PIO(0x20, 2));
	alloc_one(test, __LINE__, DBDEV_CON_ADDR(DBDEV_CON_PIO, 8, 8, 0, 0, 0),
		  DBDEV_PIO(0x18, 8));

	/* windows: the first aligned base at or above min, all below max */
	alloc_one(test, __LINE__,
		  DBDEV_CON_WINDOW(DBDEV_CON_PIO, 0x10, 0x10, 0x101, 0x1ff),
		  DBDEV_PIO(0x110, 0x10));
	alloc_fail(test, __LINE__,
		   DBDEV_CON_WINDOW(DBDEV_CON_PIO, 8, 1, 0x105, 0x11c), -ENOSPC);
	alloc_one(test, __LINE__,
		  DBDEV_CON_WINDOW(DBDEV_CON_PIO, 8, 8, 0x120, 0x127),
		  DBDEV_PIO(0x120, 8));
	alloc_fail(test, __LINE__,
		   DBDEV_CON_WINDOW(DBDEV_CON_PIO, 8, 8, 0x121, 0x12e), -ENOSPC);
	alloc_one(test, __LINE__,
		  DBDEV_CON_WINDOW(DBDEV_CON_PIO, 8, 8, 0x121, 0x12f),
		  DBDEV_PIO(0x128, 8));
	alloc_one(test, __LINE__,
		  DBDEV_CON_WINDOW(DBDEV_CON_PIO, 4, 1, 0x11e, 0x200),
		  DBDEV_PIO(0x130, 4));
	/* a window smaller than the size */
	alloc_fail(test, __LINE__,
		   DBDEV_CON_WINDOW(DBDEV_CON_PIO, 0x10, 1, 0x300, 0x30e),
		   -ENOSPC);

	/* large alignments, up to the end of the port space */
	alloc_one(test, __LINE__,
		  DBDEV_CON_ADDR(DBDEV_CON_PIO, 1, 0x8000, 0, 0, 0),
		  DBDEV_PIO(0x8000, 1));
	alloc_fail(test, __LINE__,
		   DBDEV_CON_ADDR(DBDEV_CON_PIO, 1, 0x8000, 0, 0, 0), -ENOSPC);
	alloc_one(test, __LINE__,
		  DBDEV_CON_WINDOW(DBDEV_CON_PIO, 0x10, 0x10, 0xfff0, 0xffff),
		  DBDEV_PIO(0xfff0, 0x10));
	alloc_fail(test, __LINE__,
		   DBDEV_CON_WINDOW(DBDEV_CON_PIO, 1, 1, 0xfff0, 0xffff),
		   -ENOSPC);
	/* [0x22, 0xff] is too small; [0x134, 0x7fff] is the first that fits */
	alloc_one(test, __LINE__, DBDEV_CON_PIO(0x7000),
		  DBDEV_PIO(0x134, 0x7000));

	alloc_one(test, __LINE__,
		  DBDEV_CON_WINDOW(DBDEV_CON_MMIO, 0x1000, 0x10000,
				   0x8000001000ULL, 0x8000ffffffULL),
		  DBDEV_MMIO(0x8000010000ULL, 0x1000));
	alloc_one(test, __LINE__,
		  DBDEV_CON_WINDOW(DBDEV_CON_MMIO, 0x100000, 0x100000, 0xfeb00000,
				   0xfebfffff),
		  DBDEV_MMIO(0xfeb00000, 0x100000));
	/* a full window does not spill into the other pool */
	alloc_fail(test, __LINE__,
		   DBDEV_CON_WINDOW(DBDEV_CON_MMIO, 0x100000, 0x100000,
				    0xfeb00000, 0xfebfffff), -ENOSPC);
	alloc_one(test, __LINE__, DBDEV_CON_MMIO(0x1000),
		  DBDEV_MMIO(0xd0000000, 0x1000));

	alloc_one(test, __LINE__,
		  DBDEV_CON_WINDOW(DBDEV_CON_MEM, 0x1000, 0x200000,
				   0x100000001ULL, 0x1ffffffffULL),
		  DBDEV_MEM(0x100200000ULL, 0x1000));
	alloc_one(test, __LINE__, DBDEV_CON_MEM(0x1000),
		  DBDEV_MEM(0x100000000ULL, 0x1000));
}

/*
 * A window that meets a pool is placed in the part they share: below the
 * top of the 32-bit hole, or in either of two pools it spans, the first
 * that has room; one that meets none is refused.
 */
static void alloc_window_meets_pool(struct kunit *test)
{
	alloc_one(test, __LINE__,
		  DBDEV_CON_WINDOW(DBDEV_CON_MMIO, 0x1000, 0x1000, 0xfebff000,
				   0xfec00fff),
		  DBDEV_MMIO(0xfebff000, 0x1000));
	alloc_fail(test, __LINE__,
		   DBDEV_CON_WINDOW(DBDEV_CON_MMIO, 0x1000, 0x1000, 0xfebff000,
				    0xfec00fff), -ENOSPC);
	alloc_one(test, __LINE__,
		  DBDEV_CON_WINDOW(DBDEV_CON_MMIO, 0x1000, 0x1000, 0xfebff000,
				   0x8000000fffULL),
		  DBDEV_MMIO(0x8000000000ULL, 0x1000));
	alloc_one(test, __LINE__,
		  DBDEV_CON_WINDOW(DBDEV_CON_MMIO, 0x2000, 0x1000, 0xc0000000,
				   0xd0001fff),
		  DBDEV_MMIO(0xd0000000, 0x2000));
	alloc_fail(test, __LINE__,
		   DBDEV_CON_WINDOW(DBDEV_CON_MMIO, 0x1000, 0x1000, 0xfec00000,
				    0xfeffffff), -EINVAL);
	alloc_fail(test, __LINE__,
		   DBDEV_CON_WINDOW(DBDEV_CON_PIO, 1, 1, 0x10000, 0x1ffff),
		   -EINVAL);
}

/* alloc_exhaust_reuse() on ports, [0x100, 0x13f]: eight blocks of eight. */
static noinline_for_stack void exhaust_reuse_pio(struct kunit *test)
{
	struct dbdev_resource r[2];
	unsigned int i;

	for (i = 0; i < 8; i++)
		alloc_one(test, __LINE__, DBDEV_CON_PIO(8),
			  DBDEV_PIO(0x100 + 8 * i, 8));
	alloc_fail(test, __LINE__, DBDEV_CON_PIO(1), -ENOSPC);
	free_one(test, __LINE__, DBDEV_PIO(0x118, 8), 0);
	alloc_one(test, __LINE__, DBDEV_CON_PIO(8), DBDEV_PIO(0x118, 8));
	alloc_fail(test, __LINE__, DBDEV_CON_PIO(1), -ENOSPC);
	/* two holes: the lower one first, while the request fits */
	r[0] = DBDEV_PIO(0x128, 8);
	r[1] = DBDEV_PIO(0x110, 8);
	KUNIT_EXPECT_EQ(test, dbdev_free(test->priv, r, 2), 0);
	alloc_one(test, __LINE__, DBDEV_CON_PIO(4), DBDEV_PIO(0x110, 4));
	alloc_one(test, __LINE__, DBDEV_CON_PIO(8), DBDEV_PIO(0x128, 8));
	alloc_one(test, __LINE__, DBDEV_CON_PIO(4), DBDEV_PIO(0x114, 4));
	alloc_fail(test, __LINE__, DBDEV_CON_PIO(1), -ENOSPC);
	/* the lowest hole that is aligned */
	r[0] = DBDEV_PIO(0x108, 8);
	r[1] = DBDEV_PIO(0x130, 8);
	KUNIT_EXPECT_EQ(test, dbdev_free(test->priv, r, 2), 0);
	alloc_one(test, __LINE__, DBDEV_CON_ADDR(DBDEV_CON_PIO, 8, 0x10, 0, 0, 0),
		  DBDEV_PIO(0x130, 8));
	alloc_one(test, __LINE__, DBDEV_CON_PIO(8), DBDEV_PIO(0x108, 8));
	alloc_fail(test, __LINE__, DBDEV_CON_PIO(1), -ENOSPC);
}

/* alloc_exhaust_reuse() on lines [3, 6] and vectors [32, 47]. */
static noinline_for_stack void exhaust_reuse_irq_msi(struct kunit *test)
{
	unsigned int i;

	for (i = 3; i <= 6; i++)
		alloc_one(test, __LINE__, DBDEV_CON_LEGACY_IRQ(),
			  DBDEV_LEGACY_IRQ(i));
	alloc_fail(test, __LINE__, DBDEV_CON_LEGACY_IRQ(), -ENOSPC);
	free_one(test, __LINE__, DBDEV_LEGACY_IRQ(4), 0);
	alloc_one(test, __LINE__, DBDEV_CON_LEGACY_IRQ(), DBDEV_LEGACY_IRQ(4));
	alloc_fail(test, __LINE__, DBDEV_CON_LEGACY_IRQ(), -ENOSPC);

	for (i = 0; i < 4; i++)
		alloc_one(test, __LINE__, DBDEV_CON_MSI(DBDEV_CON_GENERIC_MSI, 4),
			  DBDEV_MSI(DBDEV_MSI_GENERIC, 32 + 4 * i, 4));
	alloc_fail(test, __LINE__, DBDEV_CON_MSI(DBDEV_CON_GENERIC_MSI, 1),
		   -ENOSPC);
	free_one(test, __LINE__, DBDEV_MSI(DBDEV_MSI_GENERIC, 36, 4), 0);
	alloc_one(test, __LINE__, DBDEV_CON_MSI(DBDEV_CON_PCI_MSI, 4),
		  DBDEV_MSI(DBDEV_MSI_PCI, 36, 4));
	alloc_fail(test, __LINE__, DBDEV_CON_MSI(DBDEV_CON_GENERIC_MSI, 1),
		   -ENOSPC);
}

/* alloc_exhaust_reuse() on slots [5, 9]. */
static noinline_for_stack void exhaust_reuse_slots(struct kunit *test)
{
	struct dbdev_manager *mgr = test->priv;
	struct dbdev_constraint con = DBDEV_CON_KVM_SLOTS(5);
	struct dbdev_resource res[8], r[2];

	KUNIT_ASSERT_EQ(test, dbdev_alloc(mgr, &con, 1, res, 8), 5);
	alloc_fail(test, __LINE__, DBDEV_CON_KVM_SLOTS(1), -ENOSPC);
	r[0] = DBDEV_KVM_SLOT(7);
	r[1] = DBDEV_KVM_SLOT(6);
	KUNIT_EXPECT_EQ(test, dbdev_free(mgr, r, 2), 0);
	con = DBDEV_CON_KVM_SLOTS(2);
	KUNIT_ASSERT_EQ(test, dbdev_alloc(mgr, &con, 1, res, 8), 2);
	expect_res(test, __LINE__, &res[0], DBDEV_KVM_SLOT(6));
	expect_res(test, __LINE__, &res[1], DBDEV_KVM_SLOT(7));
	alloc_fail(test, __LINE__, DBDEV_CON_KVM_SLOTS(1), -ENOSPC);
}

/* A full pool refuses; freeing one block makes exactly that hole the next. */
static void alloc_exhaust_reuse(struct kunit *test)
{
	struct dbdev_manager *mgr = test->priv;
	struct dbdev_pool_config cfg;

	dbdev_pools_get(mgr, &cfg);
	cfg.pio = (struct dbdev_window){ 0x100, 0x13f };
	cfg.legacy_irq = (struct dbdev_window){ 3, 6 };
	cfg.msi = (struct dbdev_window){ 32, 47 };
	cfg.kvm_slot = (struct dbdev_window){ 5, 9 };
	KUNIT_ASSERT_EQ(test, dbdev_pools_set(mgr, &cfg), 0);

	exhaust_reuse_pio(test);
	exhaust_reuse_irq_msi(test);
	exhaust_reuse_slots(test);
}

/* alloc_fixed_conflicts() on lines: fixed ones beside allocated ones. */
static noinline_for_stack void fixed_conflicts_irqs(struct kunit *test)
{
	alloc_one(test, __LINE__, DBDEV_CON_LEGACY_IRQ(), DBDEV_LEGACY_IRQ(5));
	alloc_fail(test, __LINE__, DBDEV_CON_LEGACY_IRQ_AT(5), -EBUSY);
	alloc_one(test, __LINE__, DBDEV_CON_LEGACY_IRQ_AT(6),
		  DBDEV_LEGACY_IRQ(6));
	alloc_one(test, __LINE__, DBDEV_CON_LEGACY_IRQ(), DBDEV_LEGACY_IRQ(7));
	alloc_fail(test, __LINE__, DBDEV_CON_LEGACY_IRQ_AT(4), -EINVAL);
	alloc_fail(test, __LINE__, DBDEV_CON_LEGACY_IRQ_AT(0), -EINVAL);
	alloc_one(test, __LINE__, DBDEV_CON_LEGACY_IRQ_AT(23),
		  DBDEV_LEGACY_IRQ(23));
	alloc_fail(test, __LINE__, DBDEV_CON_LEGACY_IRQ_AT(23), -EBUSY);
	alloc_fail(test, __LINE__, DBDEV_CON_LEGACY_IRQ_AT(24), -EINVAL);
	alloc_fail(test, __LINE__, DBDEV_CON_LEGACY_IRQ_AT(U32_MAX), -EINVAL);
	/* none of the failures took a line */
	alloc_one(test, __LINE__, DBDEV_CON_LEGACY_IRQ(), DBDEV_LEGACY_IRQ(8));
}

/* alloc_fixed_conflicts() on slots: fixed runs beside allocated ones. */
static noinline_for_stack void fixed_conflicts_slots(struct kunit *test)
{
	struct dbdev_manager *mgr = test->priv;
	struct dbdev_constraint con = DBDEV_CON_KVM_SLOTS(4);
	struct dbdev_resource res[4];

	KUNIT_ASSERT_EQ(test, dbdev_alloc(mgr, &con, 1, res, 4), 4);
	alloc_fail(test, __LINE__, DBDEV_CON_KVM_SLOTS_AT(3, 1), -EBUSY);
	/* 2 is taken, 4 is not: the whole run must be free */
	alloc_fail(test, __LINE__, DBDEV_CON_KVM_SLOTS_AT(2, 3), -EBUSY);
	con = DBDEV_CON_KVM_SLOTS_AT(4, 2);
	KUNIT_ASSERT_EQ(test, dbdev_alloc(mgr, &con, 1, res, 4), 2);
	expect_res(test, __LINE__, &res[0], DBDEV_KVM_SLOT(4));
	expect_res(test, __LINE__, &res[1], DBDEV_KVM_SLOT(5));
	alloc_one(test, __LINE__, DBDEV_CON_KVM_SLOTS(1), DBDEV_KVM_SLOT(6));
	alloc_one(test, __LINE__, DBDEV_CON_KVM_SLOTS_AT(32763, 1),
		  DBDEV_KVM_SLOT(32763));
	alloc_fail(test, __LINE__, DBDEV_CON_KVM_SLOTS_AT(32762, 2), -EBUSY);
	alloc_fail(test, __LINE__, DBDEV_CON_KVM_SLOTS_AT(32763, 2), -EINVAL);
	alloc_fail(test, __LINE__, DBDEV_CON_KVM_SLOTS_AT(32764, 1), -EINVAL);
	alloc_fail(test, __LINE__, DBDEV_CON_KVM_SLOTS_AT(U32_MAX, 1), -EINVAL);
	alloc_one(test, __LINE__, DBDEV_CON_KVM_SLOTS(1), DBDEV_KVM_SLOT(7));
}

/* alloc_fixed_conflicts() with a registered device holding line 9, slot 20. */
static noinline_for_stack void fixed_conflicts_registered(struct kunit *test)
{
	struct dbdev_manager *mgr = test->priv;
	static const struct dbdev_device_ops ops = { };
	struct dbdev_constraint con;
	struct dbdev_resource owned[] = {
		DBDEV_LEGACY_IRQ(9),
		DBDEV_KVM_SLOT(20),
	};
	struct dbdev_resource res[16];
	struct dbdev_device *dev;
	unsigned int i;

	dev = kunit_kzalloc(test, sizeof(*dev), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, dev);
	dbdev_device_init(dev, &ops, 0);
	KUNIT_ASSERT_EQ(test, dbdev_register(mgr, dev, owned,
					     ARRAY_SIZE(owned)), 0);
	alloc_fail(test, __LINE__, DBDEV_CON_LEGACY_IRQ_AT(9), -EBUSY);
	alloc_one(test, __LINE__, DBDEV_CON_LEGACY_IRQ(), DBDEV_LEGACY_IRQ(10));
	alloc_fail(test, __LINE__, DBDEV_CON_KVM_SLOTS_AT(20, 1), -EBUSY);
	alloc_fail(test, __LINE__, DBDEV_CON_KVM_SLOTS_AT(19, 3), -EBUSY);
	alloc_one(test, __LINE__, DBDEV_CON_KVM_SLOTS_AT(19, 1),
		  DBDEV_KVM_SLOT(19));
	/* [8, 18] holds 11 slots; 12 go after the device's slot 20 */
	con = DBDEV_CON_KVM_SLOTS(12);
	KUNIT_ASSERT_EQ(test, dbdev_alloc(mgr, &con, 1, res, 16), 12);
	for (i = 0; i < 12; i++)
		expect_res(test, __LINE__, &res[i], DBDEV_KVM_SLOT(21 + i));
	con = DBDEV_CON_KVM_SLOTS(11);
	KUNIT_ASSERT_EQ(test, dbdev_alloc(mgr, &con, 1, res, 16), 11);
	for (i = 0; i < 11; i++)
		expect_res(test, __LINE__, &res[i], DBDEV_KVM_SLOT(8 + i));
}

/* Fixed IRQs and slots: -EBUSY when taken, -EINVAL outside the pool. */
static void alloc_fixed_conflicts(struct kunit *test)
{
	fixed_conflicts_irqs(test);
	fixed_conflicts_slots(test);
	/* what a registered device holds is taken for fixed requests too */
	fixed_conflicts_registered(test);
}

/*
 * alloc_msi_alignment() in a pool of [26, 33], whose eight vectors are
 * not at a multiple of eight; all of it is given back at the end.
 */
static noinline_for_stack void msi_alignment_small(struct kunit *test)
{
	struct dbdev_resource r[3];

	/* eight vectors are free, but not at a multiple of eight */
	alloc_fail(test, __LINE__, DBDEV_CON_MSI(DBDEV_CON_PCI_MSI, 8), -ENOSPC);
	alloc_fail(test, __LINE__, DBDEV_CON_MSI(DBDEV_CON_PCI_MSI, 5), -ENOSPC);
	alloc_peek(test, __LINE__, DBDEV_CON_MSI(DBDEV_CON_PCI_MSIX, 8),
		   DBDEV_MSI(DBDEV_MSI_PCI_MSIX, 26, 8));
	alloc_peek(test, __LINE__, DBDEV_CON_MSI(DBDEV_CON_GENERIC_MSI, 8),
		   DBDEV_MSI(DBDEV_MSI_GENERIC, 26, 8));
	alloc_one(test, __LINE__, DBDEV_CON_MSI(DBDEV_CON_PCI_MSI, 3),
		  DBDEV_MSI(DBDEV_MSI_PCI, 28, 3));
	alloc_one(test, __LINE__, DBDEV_CON_MSI(DBDEV_CON_GENERIC_MSI, 2),
		  DBDEV_MSI(DBDEV_MSI_GENERIC, 26, 2));
	alloc_one(test, __LINE__, DBDEV_CON_MSI(DBDEV_CON_PCI_MSI, 2),
		  DBDEV_MSI(DBDEV_MSI_PCI, 32, 2));
	/* 31 is free, and one vector needs no alignment */
	alloc_fail(test, __LINE__, DBDEV_CON_MSI(DBDEV_CON_PCI_MSI, 2), -ENOSPC);
	alloc_one(test, __LINE__, DBDEV_CON_MSI(DBDEV_CON_PCI_MSI, 1),
		  DBDEV_MSI(DBDEV_MSI_PCI, 31, 1));
	alloc_fail(test, __LINE__, DBDEV_CON_MSI(DBDEV_CON_PCI_MSIX, 1), -ENOSPC);
	r[0] = DBDEV_MSI(DBDEV_MSI_PCI, 28, 3);
	r[1] = DBDEV_MSI(DBDEV_MSI_GENERIC, 26, 2);
	r[2] = DBDEV_MSI(DBDEV_MSI_PCI, 32, 2);
	KUNIT_EXPECT_EQ(test, dbdev_free(test->priv, r, 3), 0);
	free_one(test, __LINE__, DBDEV_MSI(DBDEV_MSI_PCI, 31, 1), 0);
}

/* alloc_msi_alignment() in the default pool, [24, 4095]: aligned blocks. */
static noinline_for_stack void msi_alignment_aligned(struct kunit *test)
{
	alloc_one(test, __LINE__, DBDEV_CON_MSI(DBDEV_CON_PCI_MSI, 1),
		  DBDEV_MSI(DBDEV_MSI_PCI, 24, 1));
	alloc_one(test, __LINE__, DBDEV_CON_MSI(DBDEV_CON_PCI_MSI, 3),
		  DBDEV_MSI(DBDEV_MSI_PCI, 28, 3));
	alloc_one(test, __LINE__, DBDEV_CON_MSI(DBDEV_CON_PCI_MSI, 5),
		  DBDEV_MSI(DBDEV_MSI_PCI, 32, 5));
	alloc_one(test, __LINE__, DBDEV_CON_MSI(DBDEV_CON_PCI_MSIX, 3),
		  DBDEV_MSI(DBDEV_MSI_PCI_MSIX, 25, 3));
	alloc_one(test, __LINE__, DBDEV_CON_MSI(DBDEV_CON_GENERIC_MSI, 1),
		  DBDEV_MSI(DBDEV_MSI_GENERIC, 31, 1));
	alloc_one(test, __LINE__, DBDEV_CON_MSI(DBDEV_CON_PCI_MSI, 2),
		  DBDEV_MSI(DBDEV_MSI_PCI, 38, 2));
	alloc_one(test, __LINE__, DBDEV_CON_MSI(DBDEV_CON_GENERIC_MSI, 1),
		  DBDEV_MSI(DBDEV_MSI_GENERIC, 37, 1));
	alloc_one(test, __LINE__, DBDEV_CON_MSI(DBDEV_CON_PCI_MSI, 17),
		  DBDEV_MSI(DBDEV_MSI_PCI, 64, 17));
	alloc_one(test, __LINE__, DBDEV_CON_MSI(DBDEV_CON_PCI_MSI, 32),
		  DBDEV_MSI(DBDEV_MSI_PCI, 96, 32));
}

/* alloc_msi_alignment() in the default pool, after msi_alignment_aligned(). */
static noinline_for_stack void msi_alignment_holes(struct kunit *test)
{
	alloc_one(test, __LINE__, DBDEV_CON_MSI(DBDEV_CON_PCI_MSIX, 24),
		  DBDEV_MSI(DBDEV_MSI_PCI_MSIX, 40, 24));
	alloc_one(test, __LINE__, DBDEV_CON_MSI(DBDEV_CON_GENERIC_MSI, 15),
		  DBDEV_MSI(DBDEV_MSI_GENERIC, 81, 15));
	alloc_one(test, __LINE__, DBDEV_CON_MSI(DBDEV_CON_PCI_MSI, 16),
		  DBDEV_MSI(DBDEV_MSI_PCI, 128, 16));
	alloc_one(test, __LINE__, DBDEV_CON_MSI(DBDEV_CON_PCI_MSI, 1),
		  DBDEV_MSI(DBDEV_MSI_PCI, 144, 1));
	alloc_one(test, __LINE__, DBDEV_CON_MSI(DBDEV_CON_PCI_MSIX, 2048),
		  DBDEV_MSI(DBDEV_MSI_PCI_MSIX, 145, 2048));
	alloc_one(test, __LINE__, DBDEV_CON_MSI(DBDEV_CON_PCI_MSI, 32),
		  DBDEV_MSI(DBDEV_MSI_PCI, 2208, 32));
	alloc_one(test, __LINE__, DBDEV_CON_MSI(DBDEV_CON_GENERIC_MSI, 1),
		  DBDEV_MSI(DBDEV_MSI_GENERIC, 2193, 1));
}

/* PCI MSI is aligned to its size rounded up to a power of two; the rest not. */
static void alloc_msi_alignment(struct kunit *test)
{
	struct dbdev_manager *mgr = test->priv;
	struct dbdev_pool_config cfg, defaults;

	dbdev_pools_get(mgr, &defaults);
	cfg = defaults;
	cfg.msi = (struct dbdev_window){ 26, 33 };
	KUNIT_ASSERT_EQ(test, dbdev_pools_set(mgr, &cfg), 0);
	msi_alignment_small(test);
	KUNIT_ASSERT_EQ(test, dbdev_pools_set(mgr, &defaults), 0);

	/* the default pool, [24, 4095] */
	msi_alignment_aligned(test);
	/* unaligned blocks fill the holes the aligned ones left exactly */
	msi_alignment_holes(test);
}

/* Freed neighbours merge with the hole below, above, and the pool's end. */
static void alloc_fragment_coalesce(struct kunit *test)
{
	struct dbdev_manager *mgr = test->priv;
	struct dbdev_constraint con = DBDEV_CON_KVM_SLOTS(6);
	struct dbdev_resource r[4], res[8];
	struct dbdev_pool_config cfg;
	unsigned int i;

	dbdev_pools_get(mgr, &cfg);
	cfg.pio = (struct dbdev_window){ 0x200, 0x27f };
	cfg.kvm_slot = (struct dbdev_window){ 0, 5 };
	KUNIT_ASSERT_EQ(test, dbdev_pools_set(mgr, &cfg), 0);

	for (i = 0; i < 8; i++)
		alloc_one(test, __LINE__, DBDEV_CON_PIO(0x10),
			  DBDEV_PIO(0x200 + 0x10 * i, 0x10));
	/* every other block: 0x40 ports free, no two together */
	for (i = 0; i < 4; i++)
		r[i] = DBDEV_PIO(0x210 + 0x20 * i, 0x10);
	KUNIT_EXPECT_EQ(test, dbdev_free(mgr, r, 4), 0);
	alloc_fail(test, __LINE__, DBDEV_CON_PIO(0x11), -ENOSPC);
	alloc_fail(test, __LINE__, DBDEV_CON_PIO(0x20), -ENOSPC);

	/* 0x220 joins the holes on both sides */
	free_one(test, __LINE__, DBDEV_PIO(0x220, 0x10), 0);
	/* the merged hole was never one allocation */
	free_one(test, __LINE__, DBDEV_PIO(0x210, 0x30), -EINVAL);
	alloc_fail(test, __LINE__, DBDEV_CON_PIO(0x31), -ENOSPC);
	alloc_peek(test, __LINE__, DBDEV_CON_PIO(0x30), DBDEV_PIO(0x210, 0x30));
	/* 0x260 joins the hole below and the free end of the pool */
	free_one(test, __LINE__, DBDEV_PIO(0x260, 0x10), 0);
	alloc_fail(test, __LINE__, DBDEV_CON_PIO(0x31), -ENOSPC);
	alloc_peek(test, __LINE__, DBDEV_CON_PIO(0x30), DBDEV_PIO(0x210, 0x30));
	alloc_peek(test, __LINE__,
		   DBDEV_CON_WINDOW(DBDEV_CON_PIO, 0x30, 1, 0x240, 0x27f),
		   DBDEV_PIO(0x250, 0x30));
	/* 0x240 joins the two */
	free_one(test, __LINE__, DBDEV_PIO(0x240, 0x10), 0);
	alloc_fail(test, __LINE__, DBDEV_CON_PIO(0x71), -ENOSPC);
	alloc_peek(test, __LINE__, DBDEV_CON_PIO(0x70), DBDEV_PIO(0x210, 0x70));
	/* and 0x200 the start of the pool: all of it is one hole again */
	free_one(test, __LINE__, DBDEV_PIO(0x200, 0x10), 0);
	alloc_fail(test, __LINE__, DBDEV_CON_PIO(0x81), -ENOSPC);
	alloc_one(test, __LINE__, DBDEV_CON_PIO(0x80), DBDEV_PIO(0x200, 0x80));
	alloc_fail(test, __LINE__, DBDEV_CON_PIO(1), -ENOSPC);

	/* single slots merge into runs */
	KUNIT_ASSERT_EQ(test, dbdev_alloc(mgr, &con, 1, res, 8), 6);
	r[0] = DBDEV_KVM_SLOT(1);
	r[1] = DBDEV_KVM_SLOT(3);
	KUNIT_EXPECT_EQ(test, dbdev_free(mgr, r, 2), 0);
	alloc_fail(test, __LINE__, DBDEV_CON_KVM_SLOTS(2), -ENOSPC);
	free_one(test, __LINE__, DBDEV_KVM_SLOT(2), 0);
	con = DBDEV_CON_KVM_SLOTS(3);
	KUNIT_ASSERT_EQ(test, dbdev_alloc(mgr, &con, 1, res, 8), 3);
	expect_res(test, __LINE__, &res[0], DBDEV_KVM_SLOT(1));
	expect_res(test, __LINE__, &res[1], DBDEV_KVM_SLOT(2));
	expect_res(test, __LINE__, &res[2], DBDEV_KVM_SLOT(3));
}

/*
 * The pools of alloc_free_errors() are as it set them up: the next port,
 * line, slot, vector and MAC address are the ones just above what it took.
 */
static void free_errors_unchanged(struct kunit *test, int line)
{
	const struct dbdev_constraint con[] = {
		DBDEV_CON_PIO(1),
		DBDEV_CON_LEGACY_IRQ(),
		DBDEV_CON_KVM_SLOTS(1),
		DBDEV_CON_MSI(DBDEV_CON_GENERIC_MSI, 1),
		DBDEV_CON_MAC(),
	};
	struct dbdev_resource res[5];

	KUNIT_ASSERT_EQ_MSG(test, dbdev_alloc(test->priv, con, 5, res, 5), 5,
			    "line %d", line);
	expect_res(test, line, &res[0], DBDEV_PIO(0x28, 1));
	expect_res(test, line, &res[1], DBDEV_LEGACY_IRQ(7));
	expect_res(test, line, &res[2], DBDEV_KVM_SLOT(2));
	expect_res(test, line, &res[3], DBDEV_MSI(DBDEV_MSI_GENERIC, 28, 1));
	expect_res(test, line, &res[4], mac_res(0x02, 0xdb, 0xde, 0, 0, 1));
	KUNIT_EXPECT_EQ_MSG(test, dbdev_free(test->priv, res, 5), 0,
			    "line %d", line);
}

/* A free of @nr entries that must fail with @err and change nothing. */
static void free_refused(struct kunit *test, int line,
			 const struct dbdev_resource *res, unsigned int nr,
			 int err)
{
	KUNIT_EXPECT_EQ_MSG(test, dbdev_free(test->priv, res, nr), err,
			    "line %d", line);
	free_errors_unchanged(test, line);
}

/* Every way to get dbdev_free() wrong, and none of them changes the pools. */
static void alloc_free_errors(struct kunit *test)
{
	struct dbdev_manager *mgr = test->priv;
	static const struct dbdev_device_ops irq_ops = { };
	const struct dbdev_constraint dcon[] = {
		DBDEV_CON_PIO(8),
		DBDEV_CON_LEGACY_IRQ(),
	};
	const struct dbdev_resource owned[] = {
		DBDEV_LEGACY_IRQ(6),
		DBDEV_KVM_SLOT(3),
	};
	struct dbdev_constraint con = DBDEV_CON_KVM_SLOTS(2);
	const struct dbdev_resource a = DBDEV_PIO(0, 0x10);
	const struct dbdev_resource b = DBDEV_PIO(0x10, 0x10);
	const struct dbdev_resource m = DBDEV_MSI(DBDEV_MSI_PCI_MSIX, 24, 4);
	const struct dbdev_resource s0 = DBDEV_KVM_SLOT(0);
	const struct dbdev_resource never = DBDEV_PIO(0x1000, 4);
	struct dbdev_resource r[3], res[2];
	struct dbdev_device *e;
	struct adev *d = adev_new(test);

	e = kunit_kzalloc(test, sizeof(*e), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, e);
	dbdev_device_init(e, &irq_ops, 0);

	alloc_one(test, __LINE__, DBDEV_CON_PIO(0x10), a);
	alloc_one(test, __LINE__, DBDEV_CON_PIO(0x10), b);
	KUNIT_ASSERT_EQ(test, dbdev_register_alloc(mgr, &d->dev, dcon,
						   ARRAY_SIZE(dcon)), 0);
	expect_res(test, __LINE__, &dbdev_device_resources(&d->dev).res[0],
		   DBDEV_PIO(0x20, 8));
	expect_res(test, __LINE__, &dbdev_device_resources(&d->dev).res[1],
		   DBDEV_LEGACY_IRQ(5));
	KUNIT_ASSERT_EQ(test, dbdev_register(mgr, e, owned,
					     ARRAY_SIZE(owned)), 0);
	alloc_one(test, __LINE__, DBDEV_CON_MSI(DBDEV_CON_PCI_MSIX, 4), m);
	KUNIT_ASSERT_EQ(test, dbdev_alloc(mgr, &con, 1, res, 2), 2);
	expect_res(test, __LINE__, &res[0], s0);
	expect_res(test, __LINE__, &res[1], DBDEV_KVM_SLOT(1));
	alloc_one(test, __LINE__, DBDEV_CON_MAC(),
		  mac_res(0x02, 0xdb, 0xde, 0, 0, 0));
	free_errors_unchanged(test, __LINE__);

	/* never allocated */
	free_refused(test, __LINE__, &never, 1, -EINVAL);
	r[0] = DBDEV_LEGACY_IRQ(8);
	free_refused(test, __LINE__, r, 1, -EINVAL);
	r[0] = DBDEV_KVM_SLOT(2);
	free_refused(test, __LINE__, r, 1, -EINVAL);
	r[0] = DBDEV_MSI(DBDEV_MSI_PCI_MSIX, 100, 4);
	free_refused(test, __LINE__, r, 1, -EINVAL);
	r[0] = mac_res(0x02, 0xdb, 0xde, 0, 0, 1);
	free_refused(test, __LINE__, r, 1, -EINVAL);
	r[0] = mac_res(0x02, 0xdb, 0xdf, 0, 0, 0);
	free_refused(test, __LINE__, r, 1, -EINVAL);
	r[0] = DBDEV_MMIO(0xd0000000, 0x1000);
	free_refused(test, __LINE__, r, 1, -EINVAL);

	/* part of an allocation */
	r[0] = DBDEV_PIO(0, 8);
	free_refused(test, __LINE__, r, 1, -EINVAL);
	r[0] = DBDEV_PIO(8, 8);
	free_refused(test, __LINE__, r, 1, -EINVAL);
	r[0] = DBDEV_PIO(4, 4);
	free_refused(test, __LINE__, r, 1, -EINVAL);
	r[0] = DBDEV_MSI(DBDEV_MSI_PCI_MSIX, 24, 2);
	free_refused(test, __LINE__, r, 1, -EINVAL);
	r[0] = DBDEV_MSI(DBDEV_MSI_PCI_MSIX, 26, 2);
	free_refused(test, __LINE__, r, 1, -EINVAL);

	/* a superset of one, of two, or across two */
	r[0] = DBDEV_PIO(0, 0x11);
	free_refused(test, __LINE__, r, 1, -EINVAL);
	r[0] = DBDEV_PIO(0, 0x20);
	free_refused(test, __LINE__, r, 1, -EINVAL);
	r[0] = DBDEV_PIO(0xf, 2);
	free_refused(test, __LINE__, r, 1, -EINVAL);
	r[0] = DBDEV_MSI(DBDEV_MSI_PCI_MSIX, 24, 5);
	free_refused(test, __LINE__, r, 1, -EINVAL);
	r[0] = DBDEV_MSI(DBDEV_MSI_PCI_MSIX, 23, 5);
	free_refused(test, __LINE__, r, 1, -EINVAL);

	/* the same entry twice in one call */
	r[0] = a;
	r[1] = a;
	free_refused(test, __LINE__, r, 2, -EINVAL);
	r[0] = s0;
	r[1] = s0;
	free_refused(test, __LINE__, r, 2, -EINVAL);
	r[0] = a;
	r[1] = b;
	r[2] = a;
	free_refused(test, __LINE__, r, 3, -EINVAL);

	/* a good entry is not freed beside a bad one, in either order */
	r[0] = a;
	r[1] = never;
	free_refused(test, __LINE__, r, 2, -EINVAL);
	r[0] = never;
	r[1] = a;
	free_refused(test, __LINE__, r, 2, -EINVAL);
	r[0] = s0;
	r[1] = DBDEV_PIO(0x20, 0);
	free_refused(test, __LINE__, r, 2, -EINVAL);

	/* invalid resources */
	r[0] = DBDEV_PIO(0x20, 0);
	free_refused(test, __LINE__, r, 1, -EINVAL);
	r[0] = DBDEV_PIO(0xffff, 2);
	free_refused(test, __LINE__, r, 1, -EINVAL);
	r[0] = DBDEV_MSI(DBDEV_MSI_PCI, 24, 33);
	free_refused(test, __LINE__, r, 1, -EINVAL);

	/* held by registered devices, allocated for them or explicit */
	r[0] = DBDEV_PIO(0x20, 8);
	free_refused(test, __LINE__, r, 1, -EBUSY);
	r[0] = DBDEV_LEGACY_IRQ(5);
	free_refused(test, __LINE__, r, 1, -EBUSY);
	r[0] = DBDEV_LEGACY_IRQ(6);
	free_refused(test, __LINE__, r, 1, -EBUSY);
	r[0] = DBDEV_KVM_SLOT(3);
	free_refused(test, __LINE__, r, 1, -EBUSY);
	r[0] = a;
	r[1] = DBDEV_LEGACY_IRQ(5);
	free_refused(test, __LINE__, r, 2, -EBUSY);

	/* double free, each proven by where the next allocation goes */
	free_one(test, __LINE__, a, 0);
	free_one(test, __LINE__, a, -EINVAL);
	r[0] = b;
	r[1] = a;
	KUNIT_EXPECT_EQ(test, dbdev_free(mgr, r, 2), -EINVAL);
	alloc_peek(test, __LINE__, DBDEV_CON_PIO(0x10), a);
	alloc_fail(test, __LINE__,
		   DBDEV_CON_WINDOW(DBDEV_CON_PIO, 0x11, 1, 0, 0x27), -ENOSPC);
	free_one(test, __LINE__, b, 0);
	free_one(test, __LINE__, b, -EINVAL);
	alloc_peek(test, __LINE__, DBDEV_CON_PIO(0x20), DBDEV_PIO(0, 0x20));
	free_one(test, __LINE__, s0, 0);
	free_one(test, __LINE__, s0, -EINVAL);
	alloc_peek(test, __LINE__, DBDEV_CON_KVM_SLOTS(1), s0);
	free_one(test, __LINE__, m, 0);
	free_one(test, __LINE__, m, -EINVAL);
	alloc_peek(test, __LINE__, DBDEV_CON_MSI(DBDEV_CON_PCI_MSIX, 4), m);

	/* an unregistered device's resources were never allocated */
	KUNIT_ASSERT_EQ(test, dbdev_unregister(mgr, &d->dev), 0);
	free_one(test, __LINE__, DBDEV_PIO(0x20, 8), -EINVAL);
	free_one(test, __LINE__, DBDEV_LEGACY_IRQ(5), -EINVAL);
	alloc_peek(test, __LINE__, DBDEV_CON_PIO(0x28), DBDEV_PIO(0, 0x28));
	alloc_peek(test, __LINE__, DBDEV_CON_LEGACY_IRQ(), DBDEV_LEGACY_IRQ(5));
}

/* An MSI block is freed as the type it was allocated as, not another. */
static void alloc_free_msi_type(struct kunit *test)
{
	struct dbdev_resource r;

	alloc_one(test, __LINE__, DBDEV_CON_MSI(DBDEV_CON_GENERIC_MSI, 4),
		  DBDEV_MSI(DBDEV_MSI_GENERIC, 24, 4));
	/*
	 * dbdev_free() takes each resource "exactly as dbdev_alloc() returned
	 * it": an MSI-X or PCI MSI block over the same vectors was never
	 * allocated.  Stop at the first refusal that fails.
	 */
	r = DBDEV_MSI(DBDEV_MSI_PCI_MSIX, 24, 4);
	KUNIT_ASSERT_EQ(test, dbdev_free(test->priv, &r, 1), -EINVAL);
	r = DBDEV_MSI(DBDEV_MSI_PCI, 24, 4);
	KUNIT_ASSERT_EQ(test, dbdev_free(test->priv, &r, 1), -EINVAL);
	/* the block is still allocated, and frees as what it is */
	alloc_peek(test, __LINE__, DBDEV_CON_MSI(DBDEV_CON_GENERIC_MSI, 1),
		   DBDEV_MSI(DBDEV_MSI_GENERIC, 28, 1));
	free_one(test, __LINE__, DBDEV_MSI(DBDEV_MSI_GENERIC, 24, 4), 0);
	alloc_peek(test, __LINE__, DBDEV_CON_MSI(DBDEV_CON_PCI_MSIX, 4),
		   DBDEV_MSI(DBDEV_MSI_PCI_MSIX, 24, 4));
}

/*
 * Nothing of a failed alloc_rollback() request was kept: the next port,
 * slots and line are the lowest free ones.
 */
static void rollback_unchanged(struct kunit *test, int line)
{
	const struct dbdev_constraint con[] = {
		DBDEV_CON_PIO(8),
		DBDEV_CON_KVM_SLOTS(3),
		DBDEV_CON_LEGACY_IRQ(),
	};
	struct dbdev_resource res[5];

	KUNIT_ASSERT_EQ_MSG(test, dbdev_alloc(test->priv, con, 3, res, 5), 5,
			    "line %d", line);
	expect_res(test, line, &res[0], DBDEV_PIO(0, 8));
	expect_res(test, line, &res[1], DBDEV_KVM_SLOT(0));
	expect_res(test, line, &res[2], DBDEV_KVM_SLOT(1));
	expect_res(test, line, &res[3], DBDEV_KVM_SLOT(2));
	expect_res(test, line, &res[4], DBDEV_LEGACY_IRQ(6));
	KUNIT_EXPECT_EQ_MSG(test, dbdev_free(test->priv, res, 5), 0,
			    "line %d", line);
}

/* Four constraints, one of them failing: what came before it is given back. */
static void rollback_fails(struct kunit *test, int line,
			   const struct dbdev_constraint *con, int err)
{
	struct dbdev_resource res[8];

	KUNIT_EXPECT_EQ_MSG(test, dbdev_alloc(test->priv, con, 4, res, 8), err,
			    "line %d", line);
	rollback_unchanged(test, line);
}

static void alloc_rollback(struct kunit *test)
{
	struct dbdev_manager *mgr = test->priv;
	struct dbdev_constraint con[4];
	struct dbdev_pool_config cfg;
	struct dbdev_resource res[4];
	unsigned int i;

	dbdev_pools_get(mgr, &cfg);
	cfg.legacy_irq = (struct dbdev_window){ 5, 9 };
	KUNIT_ASSERT_EQ(test, dbdev_pools_set(mgr, &cfg), 0);
	alloc_one(test, __LINE__, DBDEV_CON_LEGACY_IRQ_AT(9),
		  DBDEV_LEGACY_IRQ(9));
	alloc_one(test, __LINE__, DBDEV_CON_LEGACY_IRQ(), DBDEV_LEGACY_IRQ(5));
	rollback_unchanged(test, __LINE__);

	/* the third of four fails, each way it can */
	con[0] = DBDEV_CON_PIO(8);
	con[1] = DBDEV_CON_KVM_SLOTS(3);
	con[3] = DBDEV_CON_MMIO(0x1000);
	con[2] = DBDEV_CON_LEGACY_IRQ_AT(9);
	rollback_fails(test, __LINE__, con, -EBUSY);
	con[2] = DBDEV_CON_WINDOW(DBDEV_CON_PIO, 0x10, 1, 0x100, 0x107);
	rollback_fails(test, __LINE__, con, -ENOSPC);
	con[2] = DBDEV_CON_WINDOW(DBDEV_CON_MMIO, 0x1000, 0x1000, 0x10000000,
				  0x1fffffff);
	rollback_fails(test, __LINE__, con, -EINVAL);
	con[2] = DBDEV_CON_LEGACY_IRQ_AT(4);
	rollback_fails(test, __LINE__, con, -EINVAL);
	con[2] = DBDEV_CON_MSI(DBDEV_CON_PCI_MSI, 33);
	rollback_fails(test, __LINE__, con, -EINVAL);
	/* the fourth: a slot the second took */
	con[2] = DBDEV_CON_LEGACY_IRQ();
	con[3] = DBDEV_CON_KVM_SLOTS_AT(1, 1);
	rollback_fails(test, __LINE__, con, -EBUSY);

	/* the third fails only because the first two took what was left */
	con[0] = DBDEV_CON_LEGACY_IRQ();
	con[1] = DBDEV_CON_LEGACY_IRQ();
	con[2] = DBDEV_CON_LEGACY_IRQ_AT(6);
	con[3] = DBDEV_CON_PIO(8);
	rollback_fails(test, __LINE__, con, -EBUSY);
	con[2] = DBDEV_CON_LEGACY_IRQ();
	con[3] = DBDEV_CON_LEGACY_IRQ();
	rollback_fails(test, __LINE__, con, -ENOSPC);

	KUNIT_ASSERT_EQ(test, dbdev_alloc(mgr, con, 3, res, 4), 3);
	for (i = 0; i < 3; i++)
		expect_res(test, __LINE__, &res[i], DBDEV_LEGACY_IRQ(6 + i));
	alloc_fail(test, __LINE__, DBDEV_CON_LEGACY_IRQ(), -ENOSPC);
}

/*
 * alloc_tx_constraints(), committed: a with @acon, of @nr constraints, and
 * b, which asks for a's fixed line first, in one transaction.
 */
static noinline_for_stack void
tx_constraints_commit(struct kunit *test, struct adev *a, struct adev *b,
		      const struct dbdev_constraint *acon, unsigned int nr)
{
	struct dbdev_manager *mgr = test->priv;
	const struct dbdev_constraint bcon[] = {
		DBDEV_CON_WINDOW(DBDEV_CON_PIO, 8, 8, 0x100, 0x1ff),
		DBDEV_CON_LEGACY_IRQ_AT(10),
		DBDEV_CON_KVM_SLOTS(2),
		DBDEV_CON_MSI(DBDEV_CON_PCI_MSIX, 2),
	};
	struct dbdev_resources list;
	struct dbdev_tx *tx;
	u8 buf[1];

	tx = dbdev_tx_begin(mgr);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, tx);
	KUNIT_ASSERT_EQ(test, dbdev_tx_register_alloc(tx, &a->dev, acon, nr), 0);
	list = dbdev_device_resources(&a->dev);
	KUNIT_ASSERT_EQ(test, list.nr, 5U);
	expect_res(test, __LINE__, &list.res[0], DBDEV_PIO(0x100, 8));
	expect_res(test, __LINE__, &list.res[1], DBDEV_LEGACY_IRQ(9));
	expect_res(test, __LINE__, &list.res[2], DBDEV_KVM_SLOT(4));
	expect_res(test, __LINE__, &list.res[3], DBDEV_KVM_SLOT(5));
	expect_res(test, __LINE__, &list.res[4], DBDEV_MSI(DBDEV_MSI_PCI, 24, 3));
	/* a's fixed line is taken for the later steps; the step fails alone */
	KUNIT_EXPECT_EQ(test, dbdev_tx_register_alloc(tx, &b->dev, acon, nr),
			-EBUSY);
	KUNIT_EXPECT_EQ(test, dbdev_device_resources(&b->dev).nr, 0U);
	KUNIT_ASSERT_EQ(test, dbdev_tx_register_alloc(tx, &b->dev, bcon,
						      ARRAY_SIZE(bcon)), 0);
	list = dbdev_device_resources(&b->dev);
	KUNIT_ASSERT_EQ(test, list.nr, 5U);
	expect_res(test, __LINE__, &list.res[0], DBDEV_PIO(0x108, 8));
	expect_res(test, __LINE__, &list.res[1], DBDEV_LEGACY_IRQ(10));
	expect_res(test, __LINE__, &list.res[2], DBDEV_KVM_SLOT(0));
	expect_res(test, __LINE__, &list.res[3], DBDEV_KVM_SLOT(1));
	expect_res(test, __LINE__, &list.res[4],
		   DBDEV_MSI(DBDEV_MSI_PCI_MSIX, 27, 2));
	KUNIT_EXPECT_EQ(test, dbdev_pio_read(CALLER(mgr), 0x104, buf, 1), -ENODEV);
	KUNIT_ASSERT_EQ(test, dbdev_tx_commit(tx), 0);

	KUNIT_EXPECT_EQ(test, dbdev_pio_read(CALLER(mgr), 0x104, buf, 1), 0);
	KUNIT_EXPECT_EQ(test, a->last_base, 0x100ULL);
	KUNIT_EXPECT_EQ(test, a->last_off, 4ULL);
	KUNIT_EXPECT_EQ(test, dbdev_pio_read(CALLER(mgr), 0x10f, buf, 1), 0);
	KUNIT_EXPECT_EQ(test, b->last_base, 0x108ULL);
	KUNIT_EXPECT_EQ(test, b->last_off, 7ULL);
	alloc_fail(test, __LINE__, DBDEV_CON_LEGACY_IRQ_AT(9), -EBUSY);
	alloc_fail(test, __LINE__, DBDEV_CON_LEGACY_IRQ_AT(10), -EBUSY);
	alloc_fail(test, __LINE__, DBDEV_CON_KVM_SLOTS_AT(5, 1), -EBUSY);
	alloc_fail(test, __LINE__,
		   DBDEV_CON_WINDOW(DBDEV_CON_PIO, 1, 1, 0x100, 0x10f), -ENOSPC);
	free_one(test, __LINE__, DBDEV_PIO(0x100, 8), -EBUSY);
	free_one(test, __LINE__, DBDEV_MSI(DBDEV_MSI_PCI_MSIX, 27, 2), -EBUSY);
}

/*
 * alloc_tx_constraints(), cancelled: c's places and d's (a's, with @acon of
 * @nr constraints, free inside the transaction) come back; then c registers
 * again, outside a transaction, at the same places.
 */
static noinline_for_stack void
tx_constraints_cancel(struct kunit *test, struct adev *a, struct adev *c,
		      struct adev *d, const struct dbdev_constraint *acon,
		      unsigned int nr)
{
	struct dbdev_manager *mgr = test->priv;
	const struct dbdev_constraint ccon[] = {
		DBDEV_CON_WINDOW(DBDEV_CON_PIO, 8, 8, 0x100, 0x1ff),
		DBDEV_CON_LEGACY_IRQ_AT(11),
		DBDEV_CON_KVM_SLOTS(2),
		DBDEV_CON_MSI(DBDEV_CON_GENERIC_MSI, 4),
	};
	const struct dbdev_resource cres[] = {
		DBDEV_PIO(0x110, 8),
		DBDEV_LEGACY_IRQ(11),
		DBDEV_KVM_SLOT(2),
		DBDEV_KVM_SLOT(3),
		DBDEV_MSI(DBDEV_MSI_GENERIC, 29, 4),
	};
	struct dbdev_resource res[8];
	struct dbdev_resources list;
	struct dbdev_tx *tx;
	unsigned int i;
	u8 buf[1];

	tx = dbdev_tx_begin(mgr);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, tx);
	KUNIT_ASSERT_EQ(test, dbdev_tx_register_alloc(tx, &c->dev, ccon,
						      ARRAY_SIZE(ccon)), 0);
	list = dbdev_device_resources(&c->dev);
	KUNIT_ASSERT_EQ(test, list.nr, 5U);
	for (i = 0; i < 5; i++)
		expect_res(test, __LINE__, &list.res[i], cres[i]);
	KUNIT_EXPECT_EQ(test, dbdev_tx_unregister(tx, &a->dev), 0);
	KUNIT_ASSERT_EQ(test, dbdev_tx_register_alloc(tx, &d->dev, acon, nr), 0);
	list = dbdev_device_resources(&d->dev);
	KUNIT_ASSERT_EQ(test, list.nr, 5U);
	expect_res(test, __LINE__, &list.res[0], DBDEV_PIO(0x100, 8));
	expect_res(test, __LINE__, &list.res[1], DBDEV_LEGACY_IRQ(9));
	expect_res(test, __LINE__, &list.res[2], DBDEV_KVM_SLOT(4));
	expect_res(test, __LINE__, &list.res[4], DBDEV_MSI(DBDEV_MSI_PCI, 24, 3));
	dbdev_tx_cancel(tx);

	KUNIT_EXPECT_EQ(test, dbdev_device_resources(&c->dev).nr, 0U);
	KUNIT_EXPECT_EQ(test, dbdev_device_resources(&d->dev).nr, 0U);
	KUNIT_EXPECT_EQ(test, dbdev_unregister(mgr, &c->dev), -ENOENT);
	KUNIT_EXPECT_EQ(test, dbdev_unregister(mgr, &d->dev), -ENOENT);
	list = dbdev_device_resources(&a->dev);
	KUNIT_ASSERT_EQ(test, list.nr, 5U);
	expect_res(test, __LINE__, &list.res[1], DBDEV_LEGACY_IRQ(9));
	KUNIT_EXPECT_EQ(test, dbdev_pio_read(CALLER(mgr), 0x101, buf, 1), 0);
	KUNIT_EXPECT_EQ(test, a->last_off, 1ULL);
	KUNIT_EXPECT_EQ(test, dbdev_pio_read(CALLER(mgr), 0x110, buf, 1), -ENODEV);
	KUNIT_EXPECT_EQ(test, c->calls + d->calls, 0U);
	alloc_fail(test, __LINE__, DBDEV_CON_LEGACY_IRQ_AT(9), -EBUSY);
	alloc_fail(test, __LINE__, DBDEV_CON_KVM_SLOTS_AT(4, 1), -EBUSY);
	KUNIT_ASSERT_EQ(test, dbdev_alloc(mgr, ccon, ARRAY_SIZE(ccon), res, 8),
			5);
	for (i = 0; i < 5; i++)
		expect_res(test, __LINE__, &res[i], cres[i]);
	KUNIT_EXPECT_EQ(test, dbdev_free(mgr, res, 5), 0);

	/* c registers again, outside a transaction, at the same places */
	KUNIT_ASSERT_EQ(test, dbdev_register_alloc(mgr, &c->dev, ccon,
						   ARRAY_SIZE(ccon)), 0);
	list = dbdev_device_resources(&c->dev);
	KUNIT_ASSERT_EQ(test, list.nr, 5U);
	for (i = 0; i < 5; i++)
		expect_res(test, __LINE__, &list.res[i], cres[i]);
	KUNIT_EXPECT_EQ(test, dbdev_pio_read(CALLER(mgr), 0x112, buf, 1), 0);
	KUNIT_EXPECT_EQ(test, c->last_base, 0x110ULL);
}

/* Registration with constraints in a committed and a cancelled transaction. */
static void alloc_tx_constraints(struct kunit *test)
{
	struct adev *a = adev_new(test);
	struct adev *b = adev_new(test);
	struct adev *c = adev_new(test);
	struct adev *d = adev_new(test);
	const struct dbdev_constraint acon[] = {
		DBDEV_CON_WINDOW(DBDEV_CON_PIO, 8, 8, 0x100, 0x1ff),
		DBDEV_CON_LEGACY_IRQ_AT(9),
		DBDEV_CON_KVM_SLOTS_AT(4, 2),
		DBDEV_CON_MSI(DBDEV_CON_PCI_MSI, 3),
	};

	tx_constraints_commit(test, a, b, acon, ARRAY_SIZE(acon));
	/* cancelled: c's places and d's (a's, free inside tx) come back */
	tx_constraints_cancel(test, a, c, d, acon, ARRAY_SIZE(acon));
}

static struct kunit_case dbdev_alloc_cases[] = {
	KUNIT_CASE(alloc_pool_defaults),
	KUNIT_CASE(alloc_addresses),
	KUNIT_CASE(alloc_irqs_and_msi),
	KUNIT_CASE(alloc_slots_and_macs),
	KUNIT_CASE(alloc_all_or_nothing),
	KUNIT_CASE(alloc_free_and_merge),
	KUNIT_CASE(alloc_vs_register),
	KUNIT_CASE(alloc_then_register),
	KUNIT_CASE(alloc_register_alloc),
	KUNIT_CASE(alloc_in_tx),
	KUNIT_CASE(alloc_pool_config),
	KUNIT_CASE(alloc_align_windows),
	KUNIT_CASE(alloc_window_meets_pool),
	KUNIT_CASE(alloc_exhaust_reuse),
	KUNIT_CASE(alloc_fixed_conflicts),
	KUNIT_CASE(alloc_msi_alignment),
	KUNIT_CASE(alloc_fragment_coalesce),
	KUNIT_CASE(alloc_free_errors),
	KUNIT_CASE(alloc_free_msi_type),
	KUNIT_CASE(alloc_rollback),
	KUNIT_CASE(alloc_tx_constraints),
	{}
};

static struct kunit_suite dbdev_alloc_suite = {
	.name = "dbdev_alloc",
	.init = alloc_init,
	.exit = alloc_exit,
	.test_cases = dbdev_alloc_cases,
};

kunit_test_suites(&dbdev_alloc_suite);
