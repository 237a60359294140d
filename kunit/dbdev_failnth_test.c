// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for the kernel API under allocation failures.  Each entry
 * point that allocates is called with its Nth allocation failing
 * (current->fail_nth), for N = 1, 2, ... until it makes fewer than N: a
 * call that failed must fail with -ENOMEM and leave the manager as it was
 * (nothing reachable, no resource taken), so that the same call then
 * succeeds, and with the resources a call on an untouched manager gets.
 *
 * failslab and fail_page_alloc skip allocations that may sleep unless
 * their debugfs files say otherwise, which no kernel has at boot: this
 * suite runs when tools/stress.sh loads a dbdev.ko built with it
 * (CONFIG_DBDEV_KUNIT_FAILNTH) into the debug kernel, after setting them.
 * Each case also checks that some allocation failed, so that a kernel
 * without that setting fails the suite rather than passing it unseen.
 */
#include <kunit/test.h>
#include <linux/err.h>
#include <linux/sched.h>
#include <linux/slab.h>

#include "dbdev.h"

/* A caller of its own, for an access made outside any callback */
#define CALLER(mgr)	(&(struct dbdev_caller)DBDEV_CALLER_INIT(mgr))

#define MAX_N		1000
#define FN_MMIO		0xd0000000ULL
#define FN_PIO		0x3f8

struct fn_state {
	struct dbdev_manager *mgr;
	struct dbdev_device *dev;
	struct dbdev_tx *tx;
	struct dbdev_resource res[8];	/* what dbdev_alloc() gave */
	int nr;
};

static int fn_io(struct dbdev_caller *caller, struct dbdev_device *dev,
		 u64 base, u64 offset, void *data, unsigned int len)
{
	return 0;
}

static int fn_write(struct dbdev_caller *caller, struct dbdev_device *dev,
		    u64 base, u64 offset, const void *data, unsigned int len)
{
	return 0;
}

static int fn_pio_read(struct dbdev_caller *caller, struct dbdev_device *dev,
		       u16 base, u16 offset, void *data, unsigned int len)
{
	return 0;
}

static int fn_pio_write(struct dbdev_caller *caller, struct dbdev_device *dev,
			u16 base, u16 offset, const void *data,
			unsigned int len)
{
	return 0;
}

static const struct dbdev_device_ops fn_ops = {
	.read = fn_io,
	.write = fn_write,
	.pio_read = fn_pio_read,
	.pio_write = fn_pio_write,
};

static const struct dbdev_resource fn_res[] = {
	DBDEV_MMIO(FN_MMIO, 0x2000),
	DBDEV_PIO(FN_PIO, 8),
	DBDEV_LEGACY_IRQ(5),
	DBDEV_MSI(DBDEV_MSI_PCI_MSIX, 40, 8),
	DBDEV_KVM_SLOT(3),
};

static const struct dbdev_constraint fn_con[] = {
	DBDEV_CON_MMIO(0x2000),
	DBDEV_CON_PIO(8),
	DBDEV_CON_LEGACY_IRQ(),
	DBDEV_CON_MSI(DBDEV_CON_PCI_MSIX, 8),
	DBDEV_CON_KVM_SLOTS(2),
	DBDEV_CON_MAC(),
};

/* A fresh manager and device: 0 or -ENOMEM (outside any injection) */
static int fn_setup(struct fn_state *s)
{
	memset(s, 0, sizeof(*s));
	s->mgr = dbdev_manager_create();
	if (IS_ERR(s->mgr))
		return PTR_ERR(s->mgr);
	s->dev = kzalloc(sizeof(*s->dev), GFP_KERNEL);
	if (!s->dev) {
		dbdev_manager_destroy(s->mgr);
		return -ENOMEM;
	}
	dbdev_device_init(s->dev, &fn_ops, 0);
	return 0;
}

static void fn_teardown(struct fn_state *s)
{
	if (s->tx)
		dbdev_tx_cancel(s->tx);
	if (!IS_ERR_OR_NULL(s->mgr))
		dbdev_manager_destroy(s->mgr);
	kfree(s->dev);
}

/* Can an access reach the device's MMIO or ports? */
static bool fn_reachable(struct fn_state *s)
{
	u8 b;

	return !dbdev_mmio_read(CALLER(s->mgr), FN_MMIO, &b, 1) ||
	       !dbdev_pio_read(CALLER(s->mgr), FN_PIO, &b, 1);
}

/* The resources the device got, in a form to compare */
static unsigned int fn_got(struct fn_state *s, struct dbdev_resource *out)
{
	struct dbdev_resources r = dbdev_device_resources(s->dev);
	unsigned int i;

	for (i = 0; i < r.nr && i < 8; i++)
		out[i] = r.res[i];
	return i;
}

/* Do @a and @b name the same resources?  (Not memcmp(): padding.) */
static bool fn_same(const struct dbdev_resource *a,
		    const struct dbdev_resource *b, unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++, a++, b++) {
		if (a->type != b->type)
			return false;
		switch (a->type) {
		case DBDEV_RES_PIO:
		case DBDEV_RES_MMIO:
		case DBDEV_RES_MEM:
			if (a->range.base != b->range.base ||
			    a->range.size != b->range.size)
				return false;
			break;
		case DBDEV_RES_LEGACY_IRQ:
			if (a->irq != b->irq)
				return false;
			break;
		case DBDEV_RES_MSI:
			if (a->msi.type != b->msi.type ||
			    a->msi.base != b->msi.base ||
			    a->msi.size != b->msi.size)
				return false;
			break;
		case DBDEV_RES_KVM_SLOT:
			if (a->slot != b->slot)
				return false;
			break;
		case DBDEV_RES_MAC:
			if (memcmp(a->mac, b->mac, ETH_ALEN))
				return false;
			break;
		default:
			return false;
		}
	}
	return true;
}

struct fn_case {
	int (*setup)(struct fn_state *s);	/* after fn_setup(); 0 */
	int (*act)(struct fn_state *s);		/* the call; 0 or -errno */
	bool compare;				/* the device's resources */
};

static int fn_none(struct fn_state *s)
{
	return 0;
}

static int fn_begin(struct fn_state *s)
{
	s->tx = dbdev_tx_begin(s->mgr);
	return IS_ERR(s->tx) ? PTR_ERR(xchg(&s->tx, NULL)) : 0;
}

static int fn_registered_tx(struct fn_state *s)
{
	return dbdev_register(s->mgr, s->dev, fn_res, ARRAY_SIZE(fn_res)) ?:
	       fn_begin(s);
}

static int fn_register(struct fn_state *s)
{
	return dbdev_register(s->mgr, s->dev, fn_res, ARRAY_SIZE(fn_res));
}

static int fn_register_alloc(struct fn_state *s)
{
	return dbdev_register_alloc(s->mgr, s->dev, fn_con, ARRAY_SIZE(fn_con));
}

static int fn_tx_register(struct fn_state *s)
{
	return dbdev_tx_register(s->tx, s->dev, fn_res, ARRAY_SIZE(fn_res));
}

static int fn_tx_register_alloc(struct fn_state *s)
{
	return dbdev_tx_register_alloc(s->tx, s->dev, fn_con,
				       ARRAY_SIZE(fn_con));
}

static int fn_tx_unregister(struct fn_state *s)
{
	return dbdev_tx_unregister(s->tx, s->dev);
}

static int fn_alloc(struct fn_state *s)
{
	s->nr = dbdev_alloc(s->mgr, fn_con, ARRAY_SIZE(fn_con), s->res,
			    ARRAY_SIZE(s->res));
	return s->nr < 0 ? s->nr : 0;
}

/*
 * After a failed @c->act: the manager is as it was.  Registrations leave
 * the device unreachable (or, for an unregistration, reachable after the
 * commit); an allocation leaves its resources free, which the retry and
 * the comparison with an untouched manager show.
 */
static void fn_check_unchanged(struct kunit *test, const struct fn_case *c,
			       struct fn_state *s)
{
	if (c->act == fn_tx_unregister) {
		KUNIT_EXPECT_EQ(test, dbdev_tx_commit(s->tx), 0);
		s->tx = NULL;
		KUNIT_EXPECT_TRUE(test, fn_reachable(s));
		KUNIT_EXPECT_EQ(test, fn_begin(s), 0);
	} else if (c->act != fn_alloc) {
		KUNIT_EXPECT_FALSE(test, fn_reachable(s));
	}
}

static void fn_sweep(struct kunit *test, const struct fn_case *c)
{
	struct dbdev_resource want[8], got[8];
	unsigned int nr_want = 0, nr;
	struct fn_state s;
	int n, err, failed = 0;
	bool reached;

	/* what the call gives on an untouched manager */
	KUNIT_ASSERT_EQ(test, fn_setup(&s), 0);
	KUNIT_ASSERT_EQ(test, c->setup(&s), 0);
	KUNIT_ASSERT_EQ(test, c->act(&s), 0);
	if (c->compare)
		nr_want = fn_got(&s, want);
	if (c->act == fn_alloc) {
		nr_want = s.nr;
		memcpy(want, s.res, sizeof(want));
	}
	fn_teardown(&s);

	for (n = 1; n <= MAX_N; n++) {
		KUNIT_ASSERT_EQ(test, fn_setup(&s), 0);
		KUNIT_ASSERT_EQ(test, c->setup(&s), 0);
		current->fail_nth = n;
		err = c->act(&s);
		reached = !current->fail_nth;
		current->fail_nth = 0;
		if (!reached) {
			KUNIT_EXPECT_EQ(test, err, 0);
			fn_teardown(&s);
			break;
		}
		if (err) {
			failed++;
			KUNIT_EXPECT_EQ_MSG(test, err, -ENOMEM, "allocation %d", n);
			fn_check_unchanged(test, c, &s);
			KUNIT_EXPECT_EQ_MSG(test, c->act(&s), 0, "allocation %d", n);
			if (c->compare) {
				nr = fn_got(&s, got);
				KUNIT_EXPECT_EQ(test, nr, nr_want);
				KUNIT_EXPECT_TRUE(test, fn_same(got, want, nr_want));
			}
			if (c->act == fn_alloc) {
				KUNIT_EXPECT_EQ(test, s.nr, (int)nr_want);
				KUNIT_EXPECT_TRUE(test, fn_same(s.res, want, nr_want));
			}
		}
		fn_teardown(&s);
	}
	KUNIT_EXPECT_LE(test, n, MAX_N);
	/* no failure at all: the kernel skipped the allocations that sleep */
	KUNIT_EXPECT_GT(test, failed, 0);
	kunit_info(test, "%d allocations, %d failed calls", n - 1, failed);
}

#define FN_CASE(name, _setup, _act, _compare)				\
static void failnth_##name(struct kunit *test)				\
{									\
	static const struct fn_case c = {				\
		.setup = _setup, .act = _act, .compare = _compare,	\
	};								\
	fn_sweep(test, &c);						\
}

FN_CASE(register, fn_none, fn_register, true)
FN_CASE(register_alloc, fn_none, fn_register_alloc, true)
FN_CASE(tx_register, fn_begin, fn_tx_register, true)
FN_CASE(tx_register_alloc, fn_begin, fn_tx_register_alloc, true)
FN_CASE(tx_unregister, fn_registered_tx, fn_tx_unregister, false)
FN_CASE(alloc, fn_none, fn_alloc, false)

/* dbdev_manager_create() itself */
static void failnth_manager_create(struct kunit *test)
{
	struct dbdev_manager *mgr;
	int n, failed = 0;
	bool reached;

	for (n = 1; n <= MAX_N; n++) {
		current->fail_nth = n;
		mgr = dbdev_manager_create();
		reached = !current->fail_nth;
		current->fail_nth = 0;
		if (!IS_ERR(mgr))
			dbdev_manager_destroy(mgr);
		else
			KUNIT_EXPECT_EQ(test, PTR_ERR(mgr), -ENOMEM);
		failed += IS_ERR(mgr);
		if (!reached) {
			KUNIT_EXPECT_FALSE(test, IS_ERR(mgr));
			break;
		}
	}
	KUNIT_EXPECT_GT(test, failed, 0);
}

static struct kunit_case dbdev_failnth_cases[] = {
	KUNIT_CASE(failnth_manager_create),
	KUNIT_CASE(failnth_register),
	KUNIT_CASE(failnth_register_alloc),
	KUNIT_CASE(failnth_tx_register),
	KUNIT_CASE(failnth_tx_register_alloc),
	KUNIT_CASE(failnth_tx_unregister),
	KUNIT_CASE(failnth_alloc),
	{}
};

static struct kunit_suite dbdev_failnth_suite = {
	.name = "dbdev_failnth",
	.test_cases = dbdev_failnth_cases,
};

kunit_test_suites(&dbdev_failnth_suite);
