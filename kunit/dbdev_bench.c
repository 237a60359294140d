// SPDX-License-Identifier: GPL-2.0
/*
 * dbdev benchmarks: a KUnit suite that measures, it does not judge.
 * Built only with CONFIG_DBDEV_BENCH (`make bench`), in the same UML kernel
 * as the tests, KASAN and lockdep included, so absolute numbers are slow;
 * what matters is how the cost per operation grows with the number of live
 * ranges.  Each line of the table starts with "dbdev-bench:".
 */
#include <kunit/test.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/prandom.h>

#include "dbdev.h"

/* Operations timed per measurement, in rounds of BENCH_BATCH. */
#define BENCH_OPS	16384
#define BENCH_BATCH	256
/* An odd prime: stepping by it visits distinct indices of any live count. */
#define BENCH_STRIDE	104729

static const unsigned int bench_live[] = { 1000, 10000, 100000 };

struct bench_dev {
	struct dbdev_device dev;
};

static int bench_read(struct dbdev_device *dev, u64 base, u64 offset,
		      void *data, unsigned int len)
{
	memset(data, 0, len);
	return 0;
}

static int bench_write(struct dbdev_device *dev, u64 base, u64 offset,
		       const void *data, unsigned int len)
{
	return 0;
}

static const struct dbdev_device_ops bench_ops = {
	.read = bench_read,
	.write = bench_write,
};

static u64 bench_per_op(u64 ns, unsigned int ops)
{
	return div_u64(ns, ops);
}

/*
 * Keep @live single-page MMIO allocations, then repeatedly free a batch of
 * them and allocate the batch again: each new allocation takes the lowest
 * hole, which the gap-augmented tree finds without a scan.
 */
static void bench_alloc(struct kunit *test, unsigned int live, u64 *alloc_ns,
			u64 *free_ns)
{
	const struct dbdev_constraint con = DBDEV_CON_MMIO(0x1000);
	struct dbdev_resource *held;
	struct dbdev_manager *mgr;
	unsigned int i, k, round;
	u64 t0, t1, t2;

	mgr = dbdev_manager_create();
	KUNIT_ASSERT_FALSE(test, IS_ERR(mgr));
	held = kvcalloc(live, sizeof(*held), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, held);
	for (i = 0; i < live; i++)
		KUNIT_ASSERT_EQ(test, dbdev_alloc(mgr, &con, 1, &held[i], 1), 1);

	*alloc_ns = 0;
	*free_ns = 0;
	for (round = 0; round < BENCH_OPS / BENCH_BATCH; round++) {
		unsigned int first = prandom_u32_max(live);

		t0 = ktime_get_ns();
		for (k = 0; k < BENCH_BATCH; k++) {
			i = (first + (u64)k * BENCH_STRIDE) % live;
			KUNIT_ASSERT_EQ(test, dbdev_free(mgr, &held[i], 1), 0);
		}
		t1 = ktime_get_ns();
		for (k = 0; k < BENCH_BATCH; k++) {
			i = (first + (u64)k * BENCH_STRIDE) % live;
			KUNIT_ASSERT_EQ(test,
					dbdev_alloc(mgr, &con, 1, &held[i], 1),
					1);
		}
		t2 = ktime_get_ns();
		*free_ns += t1 - t0;
		*alloc_ns += t2 - t1;
	}
	dbdev_manager_destroy(mgr);
	kvfree(held);
}

/*
 * Register @live devices with one page of MMIO each, then dispatch reads to
 * random pages.
 */
static void bench_bus(struct kunit *test, unsigned int live, u64 *reg_ns,
		      u64 *dispatch_ns)
{
	struct bench_dev *devs;
	struct dbdev_manager *mgr;
	unsigned int i;
	u64 t0, t1;
	u32 v;

	mgr = dbdev_manager_create();
	KUNIT_ASSERT_FALSE(test, IS_ERR(mgr));
	devs = kvcalloc(live, sizeof(*devs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, devs);

	t0 = ktime_get_ns();
	for (i = 0; i < live; i++) {
		const struct dbdev_resource res =
			DBDEV_MMIO(0x100000000ULL + i * 0x1000ULL, 0x1000);

		dbdev_device_init(&devs[i].dev, &bench_ops, 0);
		KUNIT_ASSERT_EQ(test,
				dbdev_register(mgr, &devs[i].dev, &res, 1), 0);
	}
	t1 = ktime_get_ns();
	*reg_ns = t1 - t0;

	t0 = ktime_get_ns();
	for (i = 0; i < BENCH_OPS; i++) {
		u64 addr = 0x100000000ULL + prandom_u32_max(live) * 0x1000ULL;

		KUNIT_ASSERT_EQ(test, dbdev_mmio_read(mgr, addr, &v, 4), 0);
	}
	t1 = ktime_get_ns();
	*dispatch_ns = t1 - t0;

	dbdev_manager_destroy(mgr);
	kvfree(devs);
}

static void bench_table(struct kunit *test)
{
	u64 alloc_ns, free_ns, reg_ns, dispatch_ns, base = 0, cost;
	unsigned int n;

	pr_info("dbdev-bench: %8s %12s %12s %10s %10s %12s\n", "live",
		"allocs/s", "frees/s", "reg ns/op", "io ns/op", "alloc+free");
	for (n = 0; n < ARRAY_SIZE(bench_live); n++) {
		unsigned int live = bench_live[n];

		bench_alloc(test, live, &alloc_ns, &free_ns);
		bench_bus(test, live, &reg_ns, &dispatch_ns);
		cost = bench_per_op(alloc_ns + free_ns, BENCH_OPS);
		if (!base)
			base = cost;
		pr_info("dbdev-bench: %8u %12llu %12llu %10llu %10llu %7llu.%02llux\n",
			live, div64_u64(BENCH_OPS * NSEC_PER_SEC, alloc_ns ?: 1),
			div64_u64(BENCH_OPS * NSEC_PER_SEC, free_ns ?: 1),
			bench_per_op(reg_ns, live),
			bench_per_op(dispatch_ns, BENCH_OPS),
			div64_u64(cost, base),
			div64_u64(cost * 100, base) % 100);
	}
}

static struct kunit_case dbdev_bench_cases[] = {
	KUNIT_CASE(bench_table),
	{}
};

static struct kunit_suite dbdev_bench_suite = {
	.name = "dbdev_bench",
	.test_cases = dbdev_bench_cases,
};

kunit_test_suites(&dbdev_bench_suite);
