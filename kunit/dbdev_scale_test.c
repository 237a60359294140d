// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for dbdev at scale: 100,000 ranges on one manager, every one
 * of them found with the right device, base and offset, its end exclusive,
 * then all unregistered.
 *
 * SCALE_DEVS devices with SCALE_RANGES ranges each; the ranges of different
 * devices interleave, with a hole after each, so a lookup that lands one
 * range off or one byte past the end is caught.  The first SCALE_PIO ranges
 * of each device are port I/O (16,000 of them, 4 ports apart), the rest
 * MMIO (84,000, 0x40 bytes apart, above 4 GiB).
 */
#include <kunit/test.h>
#include <linux/err.h>
#include <linux/errno.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include "dbdev.h"

/* A caller of its own, for an access made outside any callback */
#define CALLER(mgr)	(&(struct dbdev_caller)DBDEV_CALLER_INIT(mgr))

#define SCALE_DEVS	2000
#define SCALE_RANGES	50
#define SCALE_PIO	8
#define SCALE_MMIO_BASE	0x100000000ULL

struct scale_ctx;

struct sdev {
	struct dbdev_device dev;
	struct scale_ctx *ctx;
	unsigned int idx;
};

struct scale_ctx {
	struct dbdev_manager *mgr;
	struct sdev *devs;
	/* what the last callback saw */
	unsigned int calls;
	unsigned int last_idx;
	bool last_pio;
	u64 last_base;
	u64 last_off;
	unsigned int last_len;
	/* mismatches printed so far */
	unsigned int reported;
};

static int sdev_io(struct dbdev_device *dev, bool pio, u64 base, u64 off,
		   void *data, unsigned int len)
{
	struct sdev *s = container_of(dev, struct sdev, dev);
	struct scale_ctx *ctx = s->ctx;

	ctx->calls++;
	ctx->last_idx = s->idx;
	ctx->last_pio = pio;
	ctx->last_base = base;
	ctx->last_off = off;
	ctx->last_len = len;
	if (data && len <= DBDEV_MAX_ACCESS)
		memset(data, (u8)s->idx, len);
	return 0;
}

static int sdev_read(struct dbdev_caller *caller, struct dbdev_device *dev,
		     u64 base, u64 offset, void *data, unsigned int len)
{
	return sdev_io(dev, false, base, offset, data, len);
}

static int sdev_write(struct dbdev_caller *caller, struct dbdev_device *dev,
		      u64 base, u64 offset, const void *data, unsigned int len)
{
	return sdev_io(dev, false, base, offset, NULL, len);
}

static int sdev_pio_read(struct dbdev_caller *caller, struct dbdev_device *dev,
			 u16 base, u16 offset, void *data, unsigned int len)
{
	return sdev_io(dev, true, base, offset, data, len);
}

static int sdev_pio_write(struct dbdev_caller *caller, struct dbdev_device *dev,
			  u16 base, u16 offset, const void *data,
			  unsigned int len)
{
	return sdev_io(dev, true, base, offset, NULL, len);
}

static const struct dbdev_device_ops sdev_ops = {
	.read = sdev_read,
	.write = sdev_write,
	.pio_read = sdev_pio_read,
	.pio_write = sdev_pio_write,
};

/* Range @j of device @i. */
static struct dbdev_resource scale_range(unsigned int i, unsigned int j)
{
	if (j < SCALE_PIO)
		return DBDEV_PIO((u64)(j * SCALE_DEVS + i) * 4,
				 1 + (i + j) % 3);
	return DBDEV_MMIO(SCALE_MMIO_BASE +
			  (u64)((j - SCALE_PIO) * SCALE_DEVS + i) * 0x40,
			  8 * (1 + (i + j) % 4));
}

static int scale_rd(struct scale_ctx *ctx, bool pio, u64 addr,
		    unsigned int len)
{
	u8 buf[DBDEV_MAX_ACCESS];

	if (pio)
		return dbdev_pio_read(CALLER(ctx->mgr), addr, buf, len);
	return dbdev_mmio_read(CALLER(ctx->mgr), addr, buf, len);
}

static void scale_report(struct kunit *test, struct scale_ctx *ctx,
			 unsigned int i, const struct dbdev_resource *r,
			 int ret)
{
	KUNIT_FAIL(test, "device %u %s %#llx+%#llx: ret %d, saw %u %#llx+%#llx",
		   i, r->type == DBDEV_RES_PIO ? "pio" : "mmio",
		   r->range.base, r->range.size, ret, ctx->last_idx,
		   ctx->last_base, ctx->last_off);
}

/*
 * Looks up every range of device @i: its first and last byte reach @i with
 * the right base and offset, the byte after it is a hole, and an access
 * across its end is refused.  Returns the number of mismatches.
 */
static unsigned int scale_check_dev(struct kunit *test, struct scale_ctx *ctx,
				    unsigned int i, bool present)
{
	unsigned int j, len, bad = 0, calls, before;
	struct dbdev_resource r;
	bool pio;
	u64 base, size;
	int ret;

	for (j = 0; j < SCALE_RANGES; j++) {
		r = scale_range(i, j);
		pio = r.type == DBDEV_RES_PIO;
		base = r.range.base;
		size = r.range.size;
		calls = ctx->calls;
		before = bad;

		ret = scale_rd(ctx, pio, base + size - 1, 1);
		if (!present) {
			bad += ret != -ENODEV;
			bad += scale_rd(ctx, pio, base, 1) != -ENODEV;
			bad += ctx->calls != calls;
			continue;
		}
		if (ret || ctx->last_idx != i || ctx->last_pio != pio ||
		    ctx->last_base != base || ctx->last_off != size - 1 ||
		    ctx->last_len != 1)
			bad++;

		len = min_t(u64, size, DBDEV_MAX_ACCESS);
		ret = scale_rd(ctx, pio, base, len);
		if (ret || ctx->last_idx != i || ctx->last_base != base ||
		    ctx->last_off != 0 || ctx->last_len != len)
			bad++;

		bad += scale_rd(ctx, pio, base + size, 1) != -ENODEV;
		bad += scale_rd(ctx, pio, base + size - 1, 2) != -ERANGE;
		bad += ctx->calls != calls + 2;

		if (bad != before && ctx->reported++ < 5)
			scale_report(test, ctx, i, &r, ret);
	}
	return bad;
}

static int scale_init(struct kunit *test)
{
	struct scale_ctx *ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	unsigned int i;

	if (!ctx)
		return -ENOMEM;
	ctx->devs = kvcalloc(SCALE_DEVS, sizeof(*ctx->devs), GFP_KERNEL);
	if (!ctx->devs)
		return -ENOMEM;
	for (i = 0; i < SCALE_DEVS; i++) {
		dbdev_device_init(&ctx->devs[i].dev, &sdev_ops, 0);
		ctx->devs[i].ctx = ctx;
		ctx->devs[i].idx = i;
	}
	ctx->mgr = dbdev_manager_create();
	if (IS_ERR_OR_NULL(ctx->mgr)) {
		kvfree(ctx->devs);
		return -ENOMEM;
	}
	test->priv = ctx;
	return 0;
}

static void scale_exit(struct kunit *test)
{
	struct scale_ctx *ctx = test->priv;

	if (!ctx)
		return;
	dbdev_manager_destroy(ctx->mgr);
	kvfree(ctx->devs);
}

static void scale_100k_ranges(struct kunit *test)
{
	struct scale_ctx *ctx = test->priv;
	struct dbdev_resource *res;
	unsigned int i, j, bad = 0, bad_reg = 0;
	unsigned long start = jiffies;
	int ret;

	res = kunit_kcalloc(test, SCALE_RANGES, sizeof(*res), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, res);

	/* the PIO space holds all of the port ranges */
	KUNIT_ASSERT_LE(test, scale_range(SCALE_DEVS - 1, SCALE_PIO - 1).range.base + 4,
			DBDEV_PIO_LIMIT);

	for (i = 0; i < SCALE_DEVS; i++) {
		/* list each device's ranges last to first */
		for (j = 0; j < SCALE_RANGES; j++)
			res[j] = scale_range(i, SCALE_RANGES - 1 - j);
		ret = dbdev_register(ctx->mgr, &ctx->devs[i].dev, res,
				     SCALE_RANGES);
		if (ret) {
			if (!bad_reg)
				KUNIT_FAIL(test, "device %u: register %d", i,
					   ret);
			bad_reg++;
		}
	}
	KUNIT_ASSERT_EQ(test, bad_reg, 0U);
	kunit_info(test, "registered in %u ms",
		   jiffies_to_msecs(jiffies - start));
	KUNIT_EXPECT_EQ(test, dbdev_device_trapped(&ctx->devs[7].dev).nr,
			(unsigned int)SCALE_RANGES);

	/* no range can be taken twice, even at this size */
	res[0] = scale_range(1234, 3);
	res[0].range.size = 1;
	res[1] = scale_range(1234, 40);
	res[1].range.base += res[1].range.size - 1;
	res[1].range.size = 2;
	KUNIT_EXPECT_EQ(test, dbdev_unregister(ctx->mgr, &ctx->devs[5].dev),
			0);
	KUNIT_EXPECT_EQ(test, dbdev_register(ctx->mgr, &ctx->devs[5].dev,
					     &res[1], 1), -EEXIST);
	KUNIT_EXPECT_EQ(test, dbdev_register(ctx->mgr, &ctx->devs[5].dev,
					     res, 1), -EEXIST);
	for (j = 0; j < SCALE_RANGES; j++)
		res[j] = scale_range(5, j);
	KUNIT_ASSERT_EQ(test, dbdev_register(ctx->mgr, &ctx->devs[5].dev, res,
					     SCALE_RANGES), 0);

	/* every one of the 100,000 ranges, found */
	ctx->calls = 0;
	for (i = 0; i < SCALE_DEVS; i++)
		bad += scale_check_dev(test, ctx, i, true);
	KUNIT_EXPECT_EQ(test, bad, 0U);
	KUNIT_EXPECT_EQ(test, ctx->calls, 2U * SCALE_DEVS * SCALE_RANGES);

	/* half of them gone: exactly those stop answering */
	for (i = 0; i < SCALE_DEVS; i += 2)
		KUNIT_EXPECT_EQ(test, dbdev_unregister(ctx->mgr,
						       &ctx->devs[i].dev), 0);
	bad = 0;
	for (i = 0; i < SCALE_DEVS; i++)
		bad += scale_check_dev(test, ctx, i, i & 1);
	KUNIT_EXPECT_EQ(test, bad, 0U);

	for (i = 1; i < SCALE_DEVS; i += 2)
		KUNIT_EXPECT_EQ(test, dbdev_unregister(ctx->mgr,
						       &ctx->devs[i].dev), 0);
	bad = 0;
	for (i = 0; i < SCALE_DEVS; i += 97)
		bad += scale_check_dev(test, ctx, i, false);
	KUNIT_EXPECT_EQ(test, bad, 0U);
	KUNIT_EXPECT_EQ(test, dbdev_device_resources(&ctx->devs[1].dev).nr, 0U);
	kunit_info(test, "done in %u ms", jiffies_to_msecs(jiffies - start));
}

static struct kunit_case dbdev_scale_cases[] = {
	KUNIT_CASE(scale_100k_ranges),
	{}
};

static struct kunit_suite dbdev_scale_suite = {
	.name = "dbdev_scale",
	.init = scale_init,
	.exit = scale_exit,
	.test_cases = dbdev_scale_cases,
};

kunit_test_suites(&dbdev_scale_suite);
