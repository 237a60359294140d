// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for dbdev transactions: nothing is visible before commit,
 * cancel drops everything, each step is checked against the state the
 * earlier steps of the transaction leave, and plain registration waits for
 * no open transaction but fails with -EBUSY.
 */
#include <kunit/test.h>
#include <linux/err.h>
#include <linux/errno.h>
#include <linux/kernel.h>

#include "dbdev.h"

/* A caller of its own, for an access made outside any callback */
#define CALLER(mgr)	(&(struct dbdev_caller)DBDEV_CALLER_INIT(mgr))

/* A device whose reads return its @id in every byte. */
struct txdev {
	struct dbdev_device dev;
	u8 id;
	unsigned int calls;
	u64 last_base;
	u64 last_off;
	unsigned int releases;
};

static struct txdev *to_txdev(struct dbdev_device *dev)
{
	return container_of(dev, struct txdev, dev);
}

static int txdev_io(struct dbdev_device *dev, u64 base, u64 off, u8 *data,
		    unsigned int len)
{
	struct txdev *t = to_txdev(dev);
	unsigned int i;

	t->calls++;
	t->last_base = base;
	t->last_off = off;
	for (i = 0; data && i < len && i < DBDEV_MAX_ACCESS; i++)
		data[i] = t->id;
	return 0;
}

static int txdev_read(struct dbdev_caller *caller, struct dbdev_device *dev,
		      u64 base, u64 offset, void *data, unsigned int len)
{
	return txdev_io(dev, base, offset, data, len);
}

static int txdev_write(struct dbdev_caller *caller, struct dbdev_device *dev,
		       u64 base, u64 offset, const void *data, unsigned int len)
{
	return txdev_io(dev, base, offset, NULL, len);
}

static int txdev_pio_read(struct dbdev_caller *caller, struct dbdev_device *dev,
			  u16 base, u16 offset, void *data, unsigned int len)
{
	return txdev_io(dev, base, offset, data, len);
}

static int txdev_pio_write(struct dbdev_caller *caller,
			   struct dbdev_device *dev, u16 base, u16 offset,
			   const void *data, unsigned int len)
{
	return txdev_io(dev, base, offset, NULL, len);
}

static void txdev_release(struct dbdev_device *dev)
{
	to_txdev(dev)->releases++;
}

static const struct dbdev_device_ops txdev_ops = {
	.read = txdev_read,
	.write = txdev_write,
	.pio_read = txdev_pio_read,
	.pio_write = txdev_pio_write,
	.release = txdev_release,
};

static const struct dbdev_device_ops txdev_pio_only_ops = {
	.pio_read = txdev_pio_read,
	.pio_write = txdev_pio_write,
};

static struct txdev *txdev_new(struct kunit *test, u8 id)
{
	struct txdev *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, t);
	dbdev_device_init(&t->dev, &txdev_ops, 0);
	t->id = id;
	return t;
}

/*
 * Reads one byte at @addr: the id of the device that answered, or the
 * negative errno of the dispatch.
 */
static int who_mmio(struct dbdev_manager *mgr, u64 addr)
{
	u8 b = 0;
	int ret = dbdev_mmio_read(CALLER(mgr), addr, &b, 1);

	return ret ? ret : b;
}

static int who_pio(struct dbdev_manager *mgr, u16 port)
{
	u8 b = 0;
	int ret = dbdev_pio_read(CALLER(mgr), port, &b, 1);

	return ret ? ret : b;
}

static int tx_reg1(struct dbdev_tx *tx, struct txdev *t,
		   struct dbdev_resource r)
{
	return dbdev_tx_register(tx, &t->dev, &r, 1);
}

static int reg1(struct dbdev_manager *mgr, struct txdev *t,
		struct dbdev_resource r)
{
	return dbdev_register(mgr, &t->dev, &r, 1);
}

static int tx_init(struct kunit *test)
{
	struct dbdev_manager *mgr = dbdev_manager_create();

	if (IS_ERR_OR_NULL(mgr))
		return -ENOMEM;
	test->priv = mgr;
	return 0;
}

static void tx_exit(struct kunit *test)
{
	if (test->priv)
		dbdev_manager_destroy(test->priv);
}

/* Open a transaction or stop the test. */
static struct dbdev_tx *begin(struct kunit *test, struct dbdev_manager *mgr)
{
	struct dbdev_tx *tx = dbdev_tx_begin(mgr);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, tx);
	return tx;
}

static void tx_invisible_until_commit(struct kunit *test)
{
	struct dbdev_manager *mgr = test->priv;
	struct txdev *a = txdev_new(test, 0xa);
	struct txdev *b = txdev_new(test, 0xb);
	struct dbdev_resource rb[] = {
		DBDEV_PIO(0x200, 8),
		DBDEV_MMIO(0x20000, 0x100),
	};
	struct dbdev_tx *tx;

	tx = begin(test, mgr);
	KUNIT_EXPECT_EQ(test, tx_reg1(tx, a, DBDEV_MMIO(0x10000, 0x100)), 0);
	KUNIT_EXPECT_EQ(test, dbdev_tx_register(tx, &b->dev, rb, 2), 0);
	KUNIT_EXPECT_EQ(test, who_mmio(mgr, 0x10000), -ENODEV);
	KUNIT_EXPECT_EQ(test, who_mmio(mgr, 0x100ff), -ENODEV);
	KUNIT_EXPECT_EQ(test, who_pio(mgr, 0x200), -ENODEV);
	KUNIT_EXPECT_EQ(test, who_mmio(mgr, 0x20000), -ENODEV);
	KUNIT_EXPECT_EQ(test, a->calls + b->calls, 0U);

	KUNIT_ASSERT_EQ(test, dbdev_tx_commit(tx), 0);
	KUNIT_EXPECT_EQ(test, who_mmio(mgr, 0x100ff), 0xa);
	KUNIT_EXPECT_EQ(test, a->last_base, 0x10000ULL);
	KUNIT_EXPECT_EQ(test, a->last_off, 0xffULL);
	KUNIT_EXPECT_EQ(test, who_pio(mgr, 0x207), 0xb);
	KUNIT_EXPECT_EQ(test, b->last_base, 0x200ULL);
	KUNIT_EXPECT_EQ(test, b->last_off, 7ULL);
	KUNIT_EXPECT_EQ(test, who_mmio(mgr, 0x20010), 0xb);
	KUNIT_EXPECT_EQ(test, b->last_base, 0x20000ULL);
	KUNIT_EXPECT_EQ(test, b->last_off, 0x10ULL);
	KUNIT_EXPECT_EQ(test, who_mmio(mgr, 0x10100), -ENODEV);
	KUNIT_EXPECT_EQ(test, dbdev_device_resources(&b->dev).nr, 2U);
	KUNIT_EXPECT_EQ(test, dbdev_device_trapped(&b->dev).nr, 2U);

	/* committed devices are registered like any other */
	KUNIT_EXPECT_EQ(test, reg1(mgr, a, DBDEV_MMIO(0x30000, 0x10)), -EBUSY);
	KUNIT_EXPECT_EQ(test, dbdev_unregister(mgr, &a->dev), 0);
	KUNIT_EXPECT_EQ(test, who_mmio(mgr, 0x10000), -ENODEV);
}

/* An unregistration is invisible before commit too. */
static void tx_unregister_invisible_until_commit(struct kunit *test)
{
	struct dbdev_manager *mgr = test->priv;
	struct txdev *a = txdev_new(test, 0xa);
	struct dbdev_tx *tx;

	KUNIT_ASSERT_EQ(test, reg1(mgr, a, DBDEV_PIO(0x60, 1)), 0);
	tx = begin(test, mgr);
	KUNIT_EXPECT_EQ(test, dbdev_tx_unregister(tx, &a->dev), 0);
	KUNIT_EXPECT_EQ(test, who_pio(mgr, 0x60), 0xa);
	KUNIT_EXPECT_EQ(test, a->calls, 1U);
	KUNIT_ASSERT_EQ(test, dbdev_tx_commit(tx), 0);
	KUNIT_EXPECT_EQ(test, who_pio(mgr, 0x60), -ENODEV);
	KUNIT_EXPECT_EQ(test, a->calls, 1U);
	KUNIT_EXPECT_EQ(test, dbdev_device_resources(&a->dev).nr, 0U);
	KUNIT_EXPECT_EQ(test, dbdev_unregister(mgr, &a->dev), -ENOENT);
	KUNIT_EXPECT_EQ(test, a->releases, 0U);
	/* and a may register again */
	KUNIT_EXPECT_EQ(test, reg1(mgr, a, DBDEV_PIO(0x61, 1)), 0);
	KUNIT_EXPECT_EQ(test, who_pio(mgr, 0x61), 0xa);
}

static void tx_cancel_drops_all(struct kunit *test)
{
	struct dbdev_manager *mgr = test->priv;
	struct txdev *a = txdev_new(test, 0xa);
	struct txdev *b = txdev_new(test, 0xb);
	struct txdev *c = txdev_new(test, 0xc);
	struct txdev *d = txdev_new(test, 0xd);
	struct dbdev_tx *tx;

	KUNIT_ASSERT_EQ(test, reg1(mgr, b, DBDEV_MMIO(0x2000, 0x100)), 0);
	KUNIT_ASSERT_EQ(test, reg1(mgr, d, DBDEV_PIO(0x300, 4)), 0);

	tx = begin(test, mgr);
	KUNIT_EXPECT_EQ(test, tx_reg1(tx, a, DBDEV_MMIO(0x1000, 0x100)), 0);
	KUNIT_EXPECT_EQ(test, dbdev_tx_unregister(tx, &b->dev), 0);
	/* c takes b's place, as the transaction sees it */
	KUNIT_EXPECT_EQ(test, tx_reg1(tx, c, DBDEV_MMIO(0x2000, 0x100)), 0);
	KUNIT_EXPECT_EQ(test, dbdev_tx_unregister(tx, &d->dev), 0);
	KUNIT_EXPECT_EQ(test, who_mmio(mgr, 0x2000), 0xb);
	KUNIT_EXPECT_EQ(test, who_pio(mgr, 0x300), 0xd);
	dbdev_tx_cancel(tx);

	KUNIT_EXPECT_EQ(test, who_mmio(mgr, 0x1000), -ENODEV);
	KUNIT_EXPECT_EQ(test, who_mmio(mgr, 0x20ff), 0xb);
	KUNIT_EXPECT_EQ(test, who_pio(mgr, 0x303), 0xd);
	KUNIT_EXPECT_EQ(test, a->calls + c->calls, 0U);
	KUNIT_EXPECT_EQ(test, b->calls, 2U);
	KUNIT_EXPECT_EQ(test, d->calls, 2U);
	KUNIT_EXPECT_EQ(test, dbdev_device_resources(&a->dev).nr, 0U);
	KUNIT_EXPECT_EQ(test, dbdev_device_resources(&c->dev).nr, 0U);
	KUNIT_EXPECT_EQ(test, dbdev_device_resources(&b->dev).nr, 1U);
	KUNIT_EXPECT_EQ(test, a->releases + b->releases + c->releases, 0U);

	/* the staged devices are free, the unstaged ones still registered */
	KUNIT_EXPECT_EQ(test, dbdev_unregister(mgr, &a->dev), -ENOENT);
	KUNIT_EXPECT_EQ(test, dbdev_unregister(mgr, &c->dev), -ENOENT);
	KUNIT_EXPECT_EQ(test, reg1(mgr, a, DBDEV_MMIO(0x1000, 0x100)), 0);
	KUNIT_EXPECT_EQ(test, reg1(mgr, c, DBDEV_MMIO(0x2000, 0x100)),
			-EEXIST);
	KUNIT_EXPECT_EQ(test, reg1(mgr, c, DBDEV_MMIO(0x3000, 0x100)), 0);
	KUNIT_EXPECT_EQ(test, reg1(mgr, b, DBDEV_MMIO(0x4000, 0x100)), -EBUSY);
	KUNIT_EXPECT_EQ(test, who_mmio(mgr, 0x1000), 0xa);
	KUNIT_EXPECT_EQ(test, who_mmio(mgr, 0x3000), 0xc);
	KUNIT_EXPECT_EQ(test, dbdev_unregister(mgr, &b->dev), 0);
	KUNIT_EXPECT_EQ(test, dbdev_unregister(mgr, &d->dev), 0);

	/* the manager takes a new transaction after a cancel */
	tx = begin(test, mgr);
	dbdev_tx_cancel(tx);
}

static void tx_register_then_unregister(struct kunit *test)
{
	struct dbdev_manager *mgr = test->priv;
	struct txdev *a = txdev_new(test, 0xa);
	struct txdev *b = txdev_new(test, 0xb);
	struct dbdev_tx *tx;

	tx = begin(test, mgr);
	KUNIT_EXPECT_EQ(test, tx_reg1(tx, a, DBDEV_MMIO(0x1000, 0x100)), 0);
	KUNIT_EXPECT_EQ(test, dbdev_tx_unregister(tx, &a->dev), 0);
	KUNIT_EXPECT_EQ(test, dbdev_tx_unregister(tx, &a->dev), -ENOENT);
	/* a's range is free again in the transaction's view */
	KUNIT_EXPECT_EQ(test, tx_reg1(tx, b, DBDEV_MMIO(0x1080, 0x100)), 0);
	KUNIT_ASSERT_EQ(test, dbdev_tx_commit(tx), 0);

	KUNIT_EXPECT_EQ(test, who_mmio(mgr, 0x1000), -ENODEV);
	KUNIT_EXPECT_EQ(test, who_mmio(mgr, 0x1080), 0xb);
	KUNIT_EXPECT_EQ(test, b->last_base, 0x1080ULL);
	KUNIT_EXPECT_EQ(test, a->calls, 0U);
	KUNIT_EXPECT_EQ(test, a->releases, 0U);
	KUNIT_EXPECT_EQ(test, dbdev_unregister(mgr, &a->dev), -ENOENT);
	KUNIT_EXPECT_EQ(test, dbdev_device_resources(&a->dev).nr, 0U);
	KUNIT_EXPECT_EQ(test, reg1(mgr, a, DBDEV_MMIO(0x1000, 0x80)), 0);
	KUNIT_EXPECT_EQ(test, who_mmio(mgr, 0x107f), 0xa);
}

/* Unregister a, register b at a's range: legal in the transaction's view. */
static void tx_swap(struct kunit *test)
{
	struct dbdev_manager *mgr = test->priv;
	struct txdev *a = txdev_new(test, 0xa);
	struct txdev *b = txdev_new(test, 0xb);
	struct dbdev_resource ra[] = {
		DBDEV_MMIO(0x1000, 0x100),
		DBDEV_PIO(0x40, 4),
	};
	struct dbdev_tx *tx;

	KUNIT_ASSERT_EQ(test, dbdev_register(mgr, &a->dev, ra, 2), 0);
	tx = begin(test, mgr);
	/* not yet: a still holds the range as the transaction sees it */
	KUNIT_EXPECT_EQ(test, dbdev_tx_register(tx, &b->dev, ra, 2), -EEXIST);
	KUNIT_EXPECT_EQ(test, dbdev_tx_unregister(tx, &a->dev), 0);
	KUNIT_EXPECT_EQ(test, dbdev_tx_register(tx, &b->dev, ra, 2), 0);
	KUNIT_EXPECT_EQ(test, who_mmio(mgr, 0x1010), 0xa);
	KUNIT_EXPECT_EQ(test, who_pio(mgr, 0x41), 0xa);
	KUNIT_ASSERT_EQ(test, dbdev_tx_commit(tx), 0);

	KUNIT_EXPECT_EQ(test, who_mmio(mgr, 0x1010), 0xb);
	KUNIT_EXPECT_EQ(test, b->last_base, 0x1000ULL);
	KUNIT_EXPECT_EQ(test, b->last_off, 0x10ULL);
	KUNIT_EXPECT_EQ(test, who_pio(mgr, 0x41), 0xb);
	KUNIT_EXPECT_EQ(test, b->last_base, 0x40ULL);
	KUNIT_EXPECT_EQ(test, b->last_off, 1ULL);
	KUNIT_EXPECT_EQ(test, a->calls, 2U);
	KUNIT_EXPECT_EQ(test, b->calls, 2U);
	KUNIT_EXPECT_EQ(test, dbdev_device_resources(&a->dev).nr, 0U);
	KUNIT_EXPECT_EQ(test, dbdev_device_resources(&b->dev).nr, 2U);
	KUNIT_EXPECT_EQ(test, dbdev_unregister(mgr, &a->dev), -ENOENT);
	KUNIT_EXPECT_EQ(test, dbdev_unregister(mgr, &b->dev), 0);
}

/* A device unregistered in a transaction may register again in it. */
static void tx_move_device(struct kunit *test)
{
	struct dbdev_manager *mgr = test->priv;
	struct txdev *a = txdev_new(test, 0xa);
	struct dbdev_resources list;
	struct dbdev_tx *tx;

	KUNIT_ASSERT_EQ(test, reg1(mgr, a, DBDEV_MMIO(0x1000, 0x100)), 0);

	/* moved, then cancelled: a stays where it was */
	tx = begin(test, mgr);
	KUNIT_EXPECT_EQ(test, tx_reg1(tx, a, DBDEV_MMIO(0x8000, 0x10)), -EBUSY);
	KUNIT_EXPECT_EQ(test, dbdev_tx_unregister(tx, &a->dev), 0);
	KUNIT_EXPECT_EQ(test, tx_reg1(tx, a, DBDEV_MMIO(0x8000, 0x10)), 0);
	KUNIT_EXPECT_EQ(test, tx_reg1(tx, a, DBDEV_MMIO(0x9000, 0x10)), -EBUSY);
	dbdev_tx_cancel(tx);
	KUNIT_EXPECT_EQ(test, who_mmio(mgr, 0x1000), 0xa);
	KUNIT_EXPECT_EQ(test, who_mmio(mgr, 0x8000), -ENODEV);
	list = dbdev_device_resources(&a->dev);
	KUNIT_ASSERT_EQ(test, list.nr, 1U);
	KUNIT_EXPECT_EQ(test, list.res[0].range.base, 0x1000ULL);

	/* moved and committed */
	tx = begin(test, mgr);
	KUNIT_EXPECT_EQ(test, dbdev_tx_unregister(tx, &a->dev), 0);
	KUNIT_EXPECT_EQ(test, tx_reg1(tx, a, DBDEV_MMIO(0x10f0, 0x20)), 0);
	KUNIT_ASSERT_EQ(test, dbdev_tx_commit(tx), 0);
	KUNIT_EXPECT_EQ(test, who_mmio(mgr, 0x1000), -ENODEV);
	KUNIT_EXPECT_EQ(test, who_mmio(mgr, 0x110f), 0xa);
	KUNIT_EXPECT_EQ(test, a->last_base, 0x10f0ULL);
	KUNIT_EXPECT_EQ(test, a->last_off, 0x1fULL);
	list = dbdev_device_resources(&a->dev);
	KUNIT_ASSERT_EQ(test, list.nr, 1U);
	KUNIT_EXPECT_EQ(test, list.res[0].range.base, 0x10f0ULL);
	KUNIT_EXPECT_EQ(test, list.res[0].range.size, 0x20ULL);
	KUNIT_EXPECT_EQ(test, dbdev_unregister(mgr, &a->dev), 0);
	KUNIT_EXPECT_EQ(test, who_mmio(mgr, 0x1100), -ENODEV);
}

/* Overlaps are checked against the transaction's view, both ways. */
static void tx_overlap(struct kunit *test)
{
	struct dbdev_manager *mgr = test->priv;
	struct txdev *a = txdev_new(test, 0xa);
	struct txdev *b = txdev_new(test, 0xb);
	struct txdev *c = txdev_new(test, 0xc);
	struct txdev *d = txdev_new(test, 0xd);
	struct txdev *e = txdev_new(test, 0xe);
	struct dbdev_resource rd[] = {
		DBDEV_PIO(0x100, 0x10),
		DBDEV_MMIO(0x5000, 0x10),	/* inside c's staged range */
	};
	struct dbdev_tx *tx;

	KUNIT_ASSERT_EQ(test, reg1(mgr, a, DBDEV_MMIO(0x1000, 0x100)), 0);
	tx = begin(test, mgr);
	/* against the committed state */
	KUNIT_EXPECT_EQ(test, tx_reg1(tx, b, DBDEV_MMIO(0x10ff, 0x10)), -EEXIST);
	KUNIT_EXPECT_EQ(test, tx_reg1(tx, b, DBDEV_MMIO(0xf00, 0x101)), -EEXIST);
	/* against an earlier step */
	KUNIT_EXPECT_EQ(test, tx_reg1(tx, c, DBDEV_MMIO(0x4000, 0x2000)), 0);
	KUNIT_EXPECT_EQ(test, dbdev_tx_register(tx, &d->dev, rd, 2), -EEXIST);
	KUNIT_EXPECT_EQ(test, tx_reg1(tx, e, DBDEV_MMIO(0x5fff, 1)), -EEXIST);
	/* the other bus, and adjacent ranges, are fine */
	KUNIT_EXPECT_EQ(test, tx_reg1(tx, e, DBDEV_PIO(0x4000, 0x100)), 0);
	KUNIT_EXPECT_EQ(test, tx_reg1(tx, b, DBDEV_MMIO(0x6000, 0x10)), 0);
	KUNIT_ASSERT_EQ(test, dbdev_tx_commit(tx), 0);

	KUNIT_EXPECT_EQ(test, who_mmio(mgr, 0x10ff), 0xa);
	KUNIT_EXPECT_EQ(test, who_mmio(mgr, 0x5000), 0xc);
	KUNIT_EXPECT_EQ(test, who_mmio(mgr, 0x5fff), 0xc);
	KUNIT_EXPECT_EQ(test, who_mmio(mgr, 0x6000), 0xb);
	KUNIT_EXPECT_EQ(test, who_pio(mgr, 0x4000), 0xe);
	KUNIT_EXPECT_EQ(test, who_pio(mgr, 0x100), -ENODEV);
	KUNIT_EXPECT_EQ(test, d->calls, 0U);
	KUNIT_EXPECT_EQ(test, dbdev_device_resources(&d->dev).nr, 0U);
	/* d never got in: it is free to register now elsewhere */
	KUNIT_EXPECT_EQ(test, dbdev_unregister(mgr, &d->dev), -ENOENT);
	KUNIT_EXPECT_EQ(test, dbdev_register(mgr, &d->dev, rd, 1), 0);
	KUNIT_EXPECT_EQ(test, who_pio(mgr, 0x10f), 0xd);
}

/* Every error of a transaction step, each leaving the transaction usable. */
static void tx_errors(struct kunit *test)
{
	struct dbdev_manager *mgr = test->priv;
	struct txdev *a = txdev_new(test, 0xa);
	struct txdev *b = txdev_new(test, 0xb);
	struct txdev *c = txdev_new(test, 0xc);
	struct txdev *p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);
	struct dbdev_resource *many;
	struct dbdev_resource r;
	struct dbdev_tx *tx, *tx2;
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, p);
	dbdev_device_init(&p->dev, &txdev_pio_only_ops, 0);
	many = kunit_kcalloc(test, DBDEV_MAX_RESOURCES + 1, sizeof(*many),
			     GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, many);
	for (i = 0; i <= DBDEV_MAX_RESOURCES; i++)
		many[i] = DBDEV_PIO(0x1000 + i, 1);

	KUNIT_ASSERT_EQ(test, reg1(mgr, a, DBDEV_MMIO(0x1000, 0x100)), 0);
	tx = begin(test, mgr);

	/* one transaction at a time, and no plain (un)registration beside */
	tx2 = dbdev_tx_begin(mgr);
	KUNIT_EXPECT_TRUE(test, IS_ERR(tx2));
	KUNIT_EXPECT_EQ(test, PTR_ERR(tx2), -EBUSY);
	KUNIT_EXPECT_EQ(test, reg1(mgr, b, DBDEV_MMIO(0x2000, 0x100)), -EBUSY);
	KUNIT_EXPECT_EQ(test, dbdev_unregister(mgr, &a->dev), -EBUSY);
	KUNIT_EXPECT_EQ(test, who_mmio(mgr, 0x2000), -ENODEV);
	KUNIT_EXPECT_EQ(test, who_mmio(mgr, 0x1000), 0xa);

	/* the steps' own errors */
	KUNIT_EXPECT_EQ(test, tx_reg1(tx, a, DBDEV_MMIO(0x3000, 0x10)), -EBUSY);
	KUNIT_EXPECT_EQ(test, tx_reg1(tx, b, DBDEV_MMIO(0x2000, 0x100)), 0);
	KUNIT_EXPECT_EQ(test, tx_reg1(tx, b, DBDEV_MMIO(0x3000, 0x100)), -EBUSY);
	KUNIT_EXPECT_EQ(test, dbdev_tx_unregister(tx, &c->dev), -ENOENT);
	KUNIT_EXPECT_EQ(test, tx_reg1(tx, c, DBDEV_MMIO(0x3000, 0)), -EINVAL);
	KUNIT_EXPECT_EQ(test, tx_reg1(tx, c, DBDEV_PIO(0xfff0, 0x11)), -EINVAL);
	r = DBDEV_MSI(DBDEV_MSI_PCI, 0, 33);
	KUNIT_EXPECT_EQ(test, dbdev_tx_register(tx, &c->dev, &r, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, dbdev_tx_register(tx, &c->dev, many,
						DBDEV_MAX_RESOURCES + 1),
			-E2BIG);
	KUNIT_EXPECT_EQ(test, tx_reg1(tx, p, DBDEV_MMIO(0x7000, 0x10)), -EINVAL);
	KUNIT_EXPECT_EQ(test, dbdev_tx_unregister(tx, &a->dev), 0);
	KUNIT_EXPECT_EQ(test, dbdev_tx_unregister(tx, &a->dev), -ENOENT);

	/* after all that, the valid steps commit */
	KUNIT_EXPECT_EQ(test, dbdev_tx_register(tx, &c->dev, many,
						DBDEV_MAX_RESOURCES), 0);
	KUNIT_EXPECT_EQ(test, tx_reg1(tx, p, DBDEV_PIO(0x3000, 0x10)), 0);
	KUNIT_ASSERT_EQ(test, dbdev_tx_commit(tx), 0);

	KUNIT_EXPECT_EQ(test, who_mmio(mgr, 0x1000), -ENODEV);
	KUNIT_EXPECT_EQ(test, who_mmio(mgr, 0x2000), 0xb);
	KUNIT_EXPECT_EQ(test, who_mmio(mgr, 0x3000), -ENODEV);
	KUNIT_EXPECT_EQ(test, who_mmio(mgr, 0x7000), -ENODEV);
	KUNIT_EXPECT_EQ(test, who_pio(mgr, 0x1000), 0xc);
	KUNIT_EXPECT_EQ(test, who_pio(mgr, 0x1000 + DBDEV_MAX_RESOURCES - 1),
			0xc);
	KUNIT_EXPECT_EQ(test, who_pio(mgr, 0x1000 + DBDEV_MAX_RESOURCES),
			-ENODEV);
	KUNIT_EXPECT_EQ(test, dbdev_device_resources(&c->dev).nr,
			(unsigned int)DBDEV_MAX_RESOURCES);

	/* closed: plain registration and a new transaction work again */
	KUNIT_EXPECT_EQ(test, reg1(mgr, a, DBDEV_MMIO(0x1000, 0x100)), 0);
	KUNIT_EXPECT_EQ(test, dbdev_unregister(mgr, &b->dev), 0);
	tx = begin(test, mgr);
	KUNIT_ASSERT_EQ(test, dbdev_tx_commit(tx), 0);
	tx = begin(test, mgr);
	dbdev_tx_cancel(tx);
	KUNIT_EXPECT_EQ(test, who_mmio(mgr, 0x1000), 0xa);
}

#define ROUND_DEVS	8

/* The id of the device at slot @s after round @r of tx_rounds(). */
static int round_id(unsigned int r, unsigned int s)
{
	return (r & 1 ? 0x10 : 0) + (s + ROUND_DEVS - r % ROUND_DEVS) %
	       ROUND_DEVS + 1;
}

/*
 * Several rounds, each one commit on top of the last: round r unregisters
 * the set of devices that round r - 1 placed and registers the other set,
 * device i at slot (i + r) % 8.
 */
static void tx_rounds(struct kunit *test)
{
	struct dbdev_manager *mgr = test->priv;
	struct txdev *set[2][ROUND_DEVS];
	struct dbdev_tx *tx;
	unsigned int i, r;

	for (i = 0; i < ROUND_DEVS; i++) {
		set[0][i] = txdev_new(test, i + 1);
		set[1][i] = txdev_new(test, 0x10 + i + 1);
	}

	for (r = 0; r < 6; r++) {
		struct txdev **in = set[r & 1], **out = set[!(r & 1)];

		tx = begin(test, mgr);
		for (i = 0; r && i < ROUND_DEVS; i++)
			KUNIT_EXPECT_EQ(test, dbdev_tx_unregister(tx, &out[i]->dev),
					0);
		for (i = 0; i < ROUND_DEVS; i++)
			KUNIT_EXPECT_EQ(test,
					tx_reg1(tx, in[i],
						DBDEV_MMIO(0x1000 * ((i + r) % ROUND_DEVS),
							   0x1000)), 0);
		/* still the previous round's layout */
		for (i = 0; i < ROUND_DEVS; i++)
			KUNIT_EXPECT_EQ(test, who_mmio(mgr, 0x1000 * i + 1),
					r ? round_id(r - 1, i) : -ENODEV);
		KUNIT_ASSERT_EQ(test, dbdev_tx_commit(tx), 0);
		for (i = 0; i < ROUND_DEVS; i++) {
			KUNIT_EXPECT_EQ(test, who_mmio(mgr, 0x1000 * i + 2),
					round_id(r, i));
			KUNIT_EXPECT_EQ(test, dbdev_device_resources(&out[i]->dev).nr,
					0U);
		}
	}
}

static struct kunit_case dbdev_tx_cases[] = {
	KUNIT_CASE(tx_invisible_until_commit),
	KUNIT_CASE(tx_unregister_invisible_until_commit),
	KUNIT_CASE(tx_cancel_drops_all),
	KUNIT_CASE(tx_register_then_unregister),
	KUNIT_CASE(tx_swap),
	KUNIT_CASE(tx_move_device),
	KUNIT_CASE(tx_overlap),
	KUNIT_CASE(tx_errors),
	KUNIT_CASE(tx_rounds),
	{}
};

static struct kunit_suite dbdev_tx_suite = {
	.name = "dbdev_tx",
	.init = tx_init,
	.exit = tx_exit,
	.test_cases = dbdev_tx_cases,
};

kunit_test_suites(&dbdev_tx_suite);
