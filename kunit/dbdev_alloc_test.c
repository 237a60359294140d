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
	r = DBDEV_LEGACY_IRQ(6);
	KUNIT_EXPECT_EQ(test, dbdev_register(mgr, b, &r, 1), -EBUSY);
	r = DBDEV_MEM(0x100000800ULL, 0x1000);
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

static int adev_read(struct dbdev_device *dev, u64 base, u64 offset,
		     void *data, unsigned int len)
{
	return adev_note(dev, base, offset);
}

static int adev_write(struct dbdev_device *dev, u64 base, u64 offset,
		      const void *data, unsigned int len)
{
	return adev_note(dev, base, offset);
}

static int adev_pio_read(struct dbdev_device *dev, u16 base, u16 offset,
			 void *data, unsigned int len)
{
	return adev_note(dev, base, offset);
}

static int adev_pio_write(struct dbdev_device *dev, u16 base, u16 offset,
			  const void *data, unsigned int len)
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

	KUNIT_EXPECT_EQ(test, dbdev_pio_read(mgr, 7, buf, 1), 0);
	KUNIT_EXPECT_EQ(test, a->last_base, 0ULL);
	KUNIT_EXPECT_EQ(test, a->last_off, 7ULL);
	KUNIT_EXPECT_EQ(test, dbdev_mmio_write(mgr, 0xd0000ffc, buf, 4), 0);
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
	KUNIT_EXPECT_EQ(test, dbdev_pio_read(mgr, 7, buf, 1), -ENODEV);
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
	KUNIT_EXPECT_EQ(test, dbdev_mmio_read(mgr, 0x9000, buf, 1), -ENODEV);
	KUNIT_EXPECT_EQ(test, dbdev_pio_read(mgr, 0x200, buf, 1), -ENODEV);
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
	KUNIT_EXPECT_EQ(test, dbdev_pio_read(mgr, 0, buf, 1), -ENODEV);
	KUNIT_ASSERT_EQ(test, dbdev_tx_commit(tx), 0);
	list = dbdev_device_resources(&b->dev);
	KUNIT_ASSERT_EQ(test, list.nr, 2U);
	expect_res(test, __LINE__, &list.res[0], DBDEV_PIO(4, 4));
	expect_res(test, __LINE__, &list.res[1], DBDEV_LEGACY_IRQ(6));
	KUNIT_EXPECT_EQ(test, dbdev_pio_read(mgr, 5, buf, 1), 0);
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

static void alloc_pool_config(struct kunit *test)
{
	struct dbdev_manager *mgr = test->priv;
	struct dbdev_pool_config cfg, got, bad;

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
	bad = cfg;
	bad.pio.max = 0x10000;
	KUNIT_EXPECT_EQ(test, dbdev_pools_set(mgr, &bad), -EINVAL);
	bad = cfg;
	bad.legacy_irq.min = 5;
	KUNIT_EXPECT_EQ(test, dbdev_pools_set(mgr, &bad), -EINVAL);
	bad = cfg;
	bad.nr_mmio = 0;
	KUNIT_EXPECT_EQ(test, dbdev_pools_set(mgr, &bad), -EINVAL);
	bad = cfg;
	bad.nr_mmio = DBDEV_MAX_MMIO_WINDOWS + 1;
	KUNIT_EXPECT_EQ(test, dbdev_pools_set(mgr, &bad), -EINVAL);
	bad = cfg;
	bad.mmio[1].min = 0x1000ffff;
	KUNIT_EXPECT_EQ(test, dbdev_pools_set(mgr, &bad), -EINVAL);
	bad = cfg;
	bad.mmio[0] = cfg.mmio[1];
	bad.mmio[1] = cfg.mmio[0];
	KUNIT_EXPECT_EQ(test, dbdev_pools_set(mgr, &bad), -EINVAL);
	bad = cfg;
	bad.mac_prefix[0] = 0x07;	/* multicast */
	KUNIT_EXPECT_EQ(test, dbdev_pools_set(mgr, &bad), -EINVAL);
	bad = cfg;
	bad.mac_prefix[0] = 0x04;	/* not locally administered */
	KUNIT_EXPECT_EQ(test, dbdev_pools_set(mgr, &bad), -EINVAL);
	dbdev_pools_get(mgr, &got);
	KUNIT_EXPECT_EQ(test, got.pio.min, 0ULL);
	KUNIT_EXPECT_EQ(test, got.nr_mmio, 2U);

	KUNIT_ASSERT_EQ(test, dbdev_pools_set(mgr, &cfg), 0);
	dbdev_pools_get(mgr, &got);
	KUNIT_EXPECT_EQ(test, got.pio.min, 0x1000ULL);
	KUNIT_EXPECT_EQ(test, got.pio.max, 0x1fffULL);
	KUNIT_EXPECT_EQ(test, got.nr_mmio, 2U);
	KUNIT_EXPECT_EQ(test, got.mmio[1].max, 0x4fffffffULL);
	KUNIT_EXPECT_EQ(test, got.kvm_slot.min, 5ULL);
	KUNIT_EXPECT_EQ(test, got.mac_prefix[0], 0x06);

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
	alloc_fail(test, __LINE__, DBDEV_CON_KVM_SLOTS(5), -ENOSPC);
	alloc_one(test, __LINE__, DBDEV_CON_MAC(),
		  mac_res(0x06, 0x11, 0x22, 0, 0, 0));

	/* not once something is allocated */
	KUNIT_EXPECT_EQ(test, dbdev_pools_set(mgr, &cfg), -EBUSY);
}

static struct kunit_case dbdev_alloc_cases[] = {
	KUNIT_CASE(alloc_pool_defaults),
	KUNIT_CASE(alloc_addresses),
	KUNIT_CASE(alloc_irqs_and_msi),
	KUNIT_CASE(alloc_slots_and_macs),
	KUNIT_CASE(alloc_all_or_nothing),
	KUNIT_CASE(alloc_free_and_merge),
	KUNIT_CASE(alloc_vs_register),
	KUNIT_CASE(alloc_register_alloc),
	KUNIT_CASE(alloc_in_tx),
	KUNIT_CASE(alloc_pool_config),
	{}
};

static struct kunit_suite dbdev_alloc_suite = {
	.name = "dbdev_alloc",
	.init = alloc_init,
	.exit = alloc_exit,
	.test_cases = dbdev_alloc_cases,
};

kunit_test_suites(&dbdev_alloc_suite);
