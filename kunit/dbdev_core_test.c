// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suites for the dbdev I/O manager, through the public API only:
 *
 *   dbdev_dispatch  - routing: base and offset as the device sees them, range
 *		       ends, both buses, data in both directions, length and
 *		       crossing errors, the edges of both address spaces; the
 *		       core's refusals apart from a device's errors,
 *		       callback results that are not errnos, and the
 *		       per-device I/O counters;
 *   dbdev_register  - registration and unregistration: overlap in every
 *		       shape, failures leaving no trace, every errno;
 *		       assigned and trapped resources;
 *   dbdev_reentry   - callbacks dispatching again through their caller:
 *		       into themselves, into other devices, past
 *		       DBDEV_MAX_NESTING; the caller's state throughout;
 *		       what a callback must not do, refused under lockdep;
 *   dbdev_teardown  - dbdev_manager_destroy() and ->release().
 */
#include <kunit/test.h>
#include <linux/err.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/string.h>
#include <asm/unaligned.h>

#include "dbdev.h"

/* A caller of its own, for an access made outside any callback */
#define CALLER(mgr)	(&(struct dbdev_caller)DBDEV_CALLER_INIT(mgr))

/* ------------------------------------------------------------------------
 * A test device: a small register file that records every call
 */

#define TDEV_REGS	64

enum tdev_op {
	TDEV_NONE,
	TDEV_MMIO_RD,
	TDEV_MMIO_WR,
	TDEV_PIO_RD,
	TDEV_PIO_WR,
};

struct tdev {
	struct dbdev_device dev;
	u8 regs[TDEV_REGS];
	/* what the last callback saw */
	unsigned int calls;
	enum tdev_op last_op;
	u64 last_base;
	u64 last_off;
	unsigned int last_len;
	/* what every callback returns */
	int ret;
	unsigned int releases;
	/* re-entry: with @nest, each callback reads a byte at @nest_addr first */
	bool nest;
	u64 nest_addr;
	bool nest_pio;
	int nest_ret;
	u8 nest_data;
	unsigned int inside;
	unsigned int max_inside;
	/* the caller as the last callback found it */
	unsigned int seen_depth;
	const struct dbdev_device *seen_outer;
	/* with @hook, each callback calls it first, its result in @hook_ret */
	int (*hook)(struct tdev *t);
	int hook_ret;
	struct dbdev_manager *hook_mgr;
	struct tdev *hook_other;
};

static struct tdev *to_tdev(struct dbdev_device *dev)
{
	return container_of(dev, struct tdev, dev);
}

static int tdev_io(struct dbdev_caller *caller, struct dbdev_device *dev,
		   enum tdev_op op, u64 base, u64 off, u8 *rd, const u8 *wr,
		   unsigned int len)
{
	struct tdev *t = to_tdev(dev);
	unsigned int i;

	t->calls++;
	t->last_op = op;
	t->last_base = base;
	t->last_off = off;
	t->last_len = len;
	if (++t->inside > t->max_inside)
		t->max_inside = t->inside;
	t->seen_depth = caller->depth;
	t->seen_outer = caller->inside[0];
	if (t->hook)
		t->hook_ret = t->hook(t);

	if (t->nest) {
		u8 buf[DBDEV_MAX_ACCESS] = { };

		if (t->nest_pio)
			t->nest_ret = dbdev_pio_read(caller, t->nest_addr, buf,
						     1);
		else
			t->nest_ret = dbdev_mmio_read(caller, t->nest_addr,
						      buf, 1);
		t->nest_data = buf[0];
	}

	for (i = 0; i < len && i < DBDEV_MAX_ACCESS; i++) {
		if (wr)
			t->regs[(off + i) % TDEV_REGS] = wr[i];
		else
			rd[i] = t->regs[(off + i) % TDEV_REGS];
	}
	t->inside--;
	return t->ret;
}

static int tdev_read(struct dbdev_caller *caller, struct dbdev_device *dev,
		     u64 base, u64 offset, void *data, unsigned int len)
{
	return tdev_io(caller, dev, TDEV_MMIO_RD, base, offset, data, NULL, len);
}

static int tdev_write(struct dbdev_caller *caller, struct dbdev_device *dev,
		      u64 base, u64 offset, const void *data, unsigned int len)
{
	return tdev_io(caller, dev, TDEV_MMIO_WR, base, offset, NULL, data, len);
}

static int tdev_pio_read(struct dbdev_caller *caller, struct dbdev_device *dev,
			 u16 base, u16 offset, void *data, unsigned int len)
{
	return tdev_io(caller, dev, TDEV_PIO_RD, base, offset, data, NULL, len);
}

static int tdev_pio_write(struct dbdev_caller *caller, struct dbdev_device *dev,
			  u16 base, u16 offset, const void *data,
			  unsigned int len)
{
	return tdev_io(caller, dev, TDEV_PIO_WR, base, offset, NULL, data, len);
}

static void tdev_release(struct dbdev_device *dev)
{
	to_tdev(dev)->releases++;
}

static const struct dbdev_device_ops tdev_ops = {
	.read = tdev_read,
	.write = tdev_write,
	.pio_read = tdev_pio_read,
	.pio_write = tdev_pio_write,
	.release = tdev_release,
};

static const struct dbdev_device_ops tdev_mmio_ops = {
	.read = tdev_read,
	.write = tdev_write,
	.release = tdev_release,
};

static const struct dbdev_device_ops tdev_pio_ops = {
	.pio_read = tdev_pio_read,
	.pio_write = tdev_pio_write,
	.release = tdev_release,
};

static const struct dbdev_device_ops tdev_mmio_read_only_ops = {
	.read = tdev_read,
	.pio_read = tdev_pio_read,
	.pio_write = tdev_pio_write,
};

static const struct dbdev_device_ops tdev_mmio_write_only_ops = {
	.write = tdev_write,
	.pio_read = tdev_pio_read,
	.pio_write = tdev_pio_write,
};

static const struct dbdev_device_ops tdev_pio_read_only_ops = {
	.read = tdev_read,
	.write = tdev_write,
	.pio_read = tdev_pio_read,
};

static const struct dbdev_device_ops tdev_pio_write_only_ops = {
	.read = tdev_read,
	.write = tdev_write,
	.pio_write = tdev_pio_write,
};

static const struct dbdev_device_ops tdev_no_io_ops = {
	.release = tdev_release,
};

static struct tdev *tdev_new_ops(struct kunit *test,
				 const struct dbdev_device_ops *ops,
				 unsigned int flags)
{
	struct tdev *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, t);
	dbdev_device_init(&t->dev, ops, flags);
	for (i = 0; i < TDEV_REGS; i++)
		t->regs[i] = i;
	return t;
}

static struct tdev *tdev_new(struct kunit *test)
{
	return tdev_new_ops(test, &tdev_ops, 0);
}

/* Checks what the last callback of @t saw; @line is the caller's. */
static void check_last(struct kunit *test, int line, const struct tdev *t,
		       enum tdev_op op, u64 base, u64 off, unsigned int len)
{
	KUNIT_EXPECT_EQ_MSG(test, t->last_op, op, "line %d", line);
	KUNIT_EXPECT_EQ_MSG(test, t->last_base, base, "line %d", line);
	KUNIT_EXPECT_EQ_MSG(test, t->last_off, off, "line %d", line);
	KUNIT_EXPECT_EQ_MSG(test, t->last_len, len, "line %d", line);
}

/*
 * The caller of the accesses below: one, kept from access to access as a
 * vCPU keeps its own, so that every test also checks that its hints (the
 * range the last access to a bus found) follow the changes it makes.
 * Each case starts it afresh (core_init()).
 */
static struct dbdev_caller core_caller;

static struct dbdev_caller *caller_of(struct dbdev_manager *mgr)
{
	if (core_caller.mgr != mgr)
		dbdev_caller_init(&core_caller, mgr);
	return &core_caller;
}

/* Dispatch helpers; @val is the little-endian value of the data buffer. */
static int mmio_rd(struct dbdev_manager *mgr, u64 addr, unsigned int len,
		   u64 *val)
{
	u8 buf[2 * DBDEV_MAX_ACCESS] = { };
	int ret;

	ret = dbdev_mmio_read(caller_of(mgr), addr, buf, len);
	if (val)
		*val = get_unaligned_le64(buf);
	return ret;
}

static int mmio_wr(struct dbdev_manager *mgr, u64 addr, unsigned int len,
		   u64 val)
{
	u8 buf[2 * DBDEV_MAX_ACCESS] = { };

	put_unaligned_le64(val, buf);
	return dbdev_mmio_write(caller_of(mgr), addr, buf, len);
}

static int pio_rd(struct dbdev_manager *mgr, u16 port, unsigned int len,
		  u64 *val)
{
	u8 buf[2 * DBDEV_MAX_ACCESS] = { };
	int ret;

	ret = dbdev_pio_read(caller_of(mgr), port, buf, len);
	if (val)
		*val = get_unaligned_le64(buf);
	return ret;
}

static int pio_wr(struct dbdev_manager *mgr, u16 port, unsigned int len,
		  u64 val)
{
	u8 buf[2 * DBDEV_MAX_ACCESS] = { };

	put_unaligned_le64(val, buf);
	return dbdev_pio_write(caller_of(mgr), port, buf, len);
}

static int reg1(struct dbdev_manager *mgr, struct tdev *t,
		struct dbdev_resource r)
{
	return dbdev_register(mgr, &t->dev, &r, 1);
}

/* ------------------------------------------------------------------------
 * Fixture: two managers per test, destroyed in .exit
 */

struct core_ctx {
	struct dbdev_manager *mgr;
	struct dbdev_manager *mgr2;
};

static int core_init(struct kunit *test)
{
	struct core_ctx *ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);

	memset(&core_caller, 0, sizeof(core_caller));
	if (!ctx)
		return -ENOMEM;
	ctx->mgr = dbdev_manager_create();
	if (IS_ERR_OR_NULL(ctx->mgr)) {
		ctx->mgr = NULL;
		return -ENOMEM;
	}
	ctx->mgr2 = dbdev_manager_create();
	if (IS_ERR_OR_NULL(ctx->mgr2)) {
		dbdev_manager_destroy(ctx->mgr);
		ctx->mgr = NULL;
		ctx->mgr2 = NULL;
		return -ENOMEM;
	}
	test->priv = ctx;
	return 0;
}

static void core_exit(struct kunit *test)
{
	struct core_ctx *ctx = test->priv;

	if (!ctx)
		return;
	if (ctx->mgr)
		dbdev_manager_destroy(ctx->mgr);
	if (ctx->mgr2)
		dbdev_manager_destroy(ctx->mgr2);
}

static struct dbdev_manager *mgr_of(struct kunit *test)
{
	return ((struct core_ctx *)test->priv)->mgr;
}

static struct dbdev_manager *mgr2_of(struct kunit *test)
{
	return ((struct core_ctx *)test->priv)->mgr2;
}

/* ------------------------------------------------------------------------
 * dbdev_dispatch
 */

static void dispatch_mmio_base_offset(struct kunit *test)
{
	struct dbdev_manager *mgr = mgr_of(test);
	struct tdev *a = tdev_new(test);
	u64 v;

	KUNIT_ASSERT_EQ(test, reg1(mgr, a, DBDEV_MMIO(0x10000000, 0x100)), 0);

	KUNIT_EXPECT_EQ(test, mmio_rd(mgr, 0x10000010, 4, &v), 0);
	KUNIT_EXPECT_EQ(test, a->calls, 1U);
	check_last(test, __LINE__, a, TDEV_MMIO_RD, 0x10000000, 0x10, 4);
	KUNIT_EXPECT_EQ(test, v, 0x13121110ULL);

	KUNIT_EXPECT_EQ(test, mmio_rd(mgr, 0x10000000, 1, NULL), 0);
	check_last(test, __LINE__, a, TDEV_MMIO_RD, 0x10000000, 0, 1);

	/* the last byte is inside, the one after is not */
	KUNIT_EXPECT_EQ(test, mmio_rd(mgr, 0x100000ff, 1, NULL), 0);
	KUNIT_EXPECT_EQ(test, a->calls, 3U);
	check_last(test, __LINE__, a, TDEV_MMIO_RD, 0x10000000, 0xff, 1);
	KUNIT_EXPECT_EQ(test, mmio_rd(mgr, 0x10000100, 1, NULL), -ENODEV);
	KUNIT_EXPECT_EQ(test, mmio_rd(mgr, 0x0fffffff, 1, NULL), -ENODEV);
	KUNIT_EXPECT_EQ(test, mmio_wr(mgr, 0x10000100, 4, 0), -ENODEV);
	KUNIT_EXPECT_EQ(test, a->calls, 3U);

	KUNIT_EXPECT_EQ(test, mmio_wr(mgr, 0x10000022, 2, 0xbeef), 0);
	KUNIT_EXPECT_EQ(test, a->calls, 4U);
	check_last(test, __LINE__, a, TDEV_MMIO_WR, 0x10000000, 0x22, 2);
	KUNIT_EXPECT_EQ(test, a->regs[0x22], 0xef);
	KUNIT_EXPECT_EQ(test, a->regs[0x23], 0xbe);

	/* MMIO accesses never reach the PIO callbacks, nor the PIO bus */
	KUNIT_EXPECT_EQ(test, pio_rd(mgr, 0x10, 1, NULL), -ENODEV);
	KUNIT_EXPECT_EQ(test, a->calls, 4U);
}

static void dispatch_pio_base_offset(struct kunit *test)
{
	struct dbdev_manager *mgr = mgr_of(test);
	struct tdev *a = tdev_new(test);
	struct dbdev_resource res[] = {
		DBDEV_PIO(0x3f8, 8),
		DBDEV_PIO(0x60, 1),
		DBDEV_PIO(0x64, 1),
	};
	u64 v;

	KUNIT_ASSERT_EQ(test, dbdev_register(mgr, &a->dev, res, 3), 0);

	KUNIT_EXPECT_EQ(test, pio_rd(mgr, 0x3fd, 1, &v), 0);
	KUNIT_EXPECT_EQ(test, a->calls, 1U);
	check_last(test, __LINE__, a, TDEV_PIO_RD, 0x3f8, 5, 1);
	KUNIT_EXPECT_EQ(test, v, 5ULL);

	KUNIT_EXPECT_EQ(test, pio_rd(mgr, 0x3ff, 1, NULL), 0);
	check_last(test, __LINE__, a, TDEV_PIO_RD, 0x3f8, 7, 1);
	KUNIT_EXPECT_EQ(test, pio_rd(mgr, 0x400, 1, NULL), -ENODEV);
	KUNIT_EXPECT_EQ(test, pio_rd(mgr, 0x3f7, 1, NULL), -ENODEV);

	KUNIT_EXPECT_EQ(test, pio_wr(mgr, 0x64, 1, 0xd1), 0);
	check_last(test, __LINE__, a, TDEV_PIO_WR, 0x64, 0, 1);
	KUNIT_EXPECT_EQ(test, a->regs[0], 0xd1);
	KUNIT_EXPECT_EQ(test, pio_rd(mgr, 0x60, 1, &v), 0);
	check_last(test, __LINE__, a, TDEV_PIO_RD, 0x60, 0, 1);
	KUNIT_EXPECT_EQ(test, v, 0xd1ULL);

	/* the ports between the two single-port ranges belong to nobody */
	KUNIT_EXPECT_EQ(test, pio_rd(mgr, 0x61, 1, NULL), -ENODEV);
	KUNIT_EXPECT_EQ(test, pio_rd(mgr, 0x63, 1, NULL), -ENODEV);
	KUNIT_EXPECT_EQ(test, pio_rd(mgr, 0x65, 1, NULL), -ENODEV);
	KUNIT_EXPECT_EQ(test, a->calls, 4U);

	/* port numbers are not MMIO addresses */
	KUNIT_EXPECT_EQ(test, mmio_rd(mgr, 0x3f8, 1, NULL), -ENODEV);
	KUNIT_EXPECT_EQ(test, a->calls, 4U);
}

/* A device with ranges on both buses answers on both, via the right ops. */
static void dispatch_both_buses(struct kunit *test)
{
	struct dbdev_manager *mgr = mgr_of(test);
	struct tdev *a = tdev_new(test);
	struct dbdev_resource res[] = {
		DBDEV_PIO(0x100, 0x10),
		DBDEV_MMIO(0x2000, 0x10),
	};

	KUNIT_ASSERT_EQ(test, dbdev_register(mgr, &a->dev, res, 2), 0);

	KUNIT_EXPECT_EQ(test, pio_rd(mgr, 0x104, 2, NULL), 0);
	check_last(test, __LINE__, a, TDEV_PIO_RD, 0x100, 4, 2);
	KUNIT_EXPECT_EQ(test, mmio_rd(mgr, 0x2008, 8, NULL), 0);
	check_last(test, __LINE__, a, TDEV_MMIO_RD, 0x2000, 8, 8);
	KUNIT_EXPECT_EQ(test, pio_wr(mgr, 0x10f, 1, 0), 0);
	check_last(test, __LINE__, a, TDEV_PIO_WR, 0x100, 0xf, 1);
	KUNIT_EXPECT_EQ(test, mmio_wr(mgr, 0x200c, 4, 0), 0);
	check_last(test, __LINE__, a, TDEV_MMIO_WR, 0x2000, 0xc, 4);
	KUNIT_EXPECT_EQ(test, a->calls, 4U);

	/* each range lives on its own bus only */
	KUNIT_EXPECT_EQ(test, mmio_rd(mgr, 0x104, 1, NULL), -ENODEV);
	KUNIT_EXPECT_EQ(test, pio_rd(mgr, 0x2008, 1, NULL), -ENODEV);
	KUNIT_EXPECT_EQ(test, a->calls, 4U);
}

/* The same numbers on the PIO and the MMIO bus are different places. */
static void dispatch_same_numbers_two_buses(struct kunit *test)
{
	struct dbdev_manager *mgr = mgr_of(test);
	struct tdev *a = tdev_new(test);
	struct tdev *b = tdev_new(test);
	struct tdev *c = tdev_new(test);
	struct dbdev_resource both[] = {
		DBDEV_PIO(0x800, 0x10),
		DBDEV_MMIO(0x800, 0x10),
	};

	KUNIT_ASSERT_EQ(test, reg1(mgr, a, DBDEV_PIO(0x100, 0x10)), 0);
	KUNIT_ASSERT_EQ(test, reg1(mgr, b, DBDEV_MMIO(0x100, 0x10)), 0);
	/* and within one registration */
	KUNIT_ASSERT_EQ(test, dbdev_register(mgr, &c->dev, both, 2), 0);

	KUNIT_EXPECT_EQ(test, pio_rd(mgr, 0x108, 1, NULL), 0);
	KUNIT_EXPECT_EQ(test, a->calls, 1U);
	KUNIT_EXPECT_EQ(test, b->calls, 0U);
	check_last(test, __LINE__, a, TDEV_PIO_RD, 0x100, 8, 1);

	KUNIT_EXPECT_EQ(test, mmio_rd(mgr, 0x108, 1, NULL), 0);
	KUNIT_EXPECT_EQ(test, a->calls, 1U);
	KUNIT_EXPECT_EQ(test, b->calls, 1U);
	check_last(test, __LINE__, b, TDEV_MMIO_RD, 0x100, 8, 1);

	KUNIT_EXPECT_EQ(test, pio_rd(mgr, 0x80f, 1, NULL), 0);
	check_last(test, __LINE__, c, TDEV_PIO_RD, 0x800, 0xf, 1);
	KUNIT_EXPECT_EQ(test, mmio_rd(mgr, 0x801, 1, NULL), 0);
	check_last(test, __LINE__, c, TDEV_MMIO_RD, 0x800, 1, 1);
	KUNIT_EXPECT_EQ(test, c->calls, 2U);
}

/* Accesses carry the device's state little-endian, both ways. */
static void dispatch_data_le(struct kunit *test)
{
	struct dbdev_manager *mgr = mgr_of(test);
	struct tdev *a = tdev_new(test);
	struct dbdev_resource res[] = {
		DBDEV_MMIO(0xfed00000, 0x40),
		DBDEV_PIO(0xcf8, 8),
	};
	u8 buf[DBDEV_MAX_ACCESS];
	u64 v;

	KUNIT_ASSERT_EQ(test, dbdev_register(mgr, &a->dev, res, 2), 0);
	a->regs[0] = 0x78;
	a->regs[1] = 0x56;
	a->regs[2] = 0x34;
	a->regs[3] = 0x12;

	memset(buf, 0xaa, sizeof(buf));
	KUNIT_EXPECT_EQ(test, dbdev_mmio_read(CALLER(mgr), 0xfed00000, buf, 4), 0);
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(buf), 0x12345678U);
	/* nothing past @len is touched */
	KUNIT_EXPECT_EQ(test, buf[4], 0xaa);

	KUNIT_EXPECT_EQ(test, mmio_wr(mgr, 0xfed00000, 4, 0xdeadbeef), 0);
	KUNIT_EXPECT_EQ(test, a->regs[0], 0xef);
	KUNIT_EXPECT_EQ(test, a->regs[1], 0xbe);
	KUNIT_EXPECT_EQ(test, a->regs[2], 0xad);
	KUNIT_EXPECT_EQ(test, a->regs[3], 0xde);
	KUNIT_EXPECT_EQ(test, a->regs[4], 4);
	KUNIT_EXPECT_EQ(test, mmio_rd(mgr, 0xfed00000, 4, &v), 0);
	KUNIT_EXPECT_EQ(test, v, 0xdeadbeefULL);

	KUNIT_EXPECT_EQ(test, mmio_wr(mgr, 0xfed00008, 8,
				      0x0123456789abcdefULL), 0);
	KUNIT_EXPECT_EQ(test, a->regs[8], 0xef);
	KUNIT_EXPECT_EQ(test, a->regs[15], 0x01);
	KUNIT_EXPECT_EQ(test, mmio_rd(mgr, 0xfed00008, 8, &v), 0);
	KUNIT_EXPECT_EQ(test, v, 0x0123456789abcdefULL);
	KUNIT_EXPECT_EQ(test, mmio_rd(mgr, 0xfed0000a, 2, &v), 0);
	KUNIT_EXPECT_EQ(test, v, 0x89abULL);

	/* port I/O at offset 4 of 0xcf8 */
	KUNIT_EXPECT_EQ(test, pio_wr(mgr, 0xcfc, 4, 0x80001234), 0);
	KUNIT_EXPECT_EQ(test, a->regs[4], 0x34);
	KUNIT_EXPECT_EQ(test, a->regs[7], 0x80);
	KUNIT_EXPECT_EQ(test, pio_rd(mgr, 0xcfc, 4, &v), 0);
	KUNIT_EXPECT_EQ(test, v, 0x80001234ULL);
	KUNIT_EXPECT_EQ(test, pio_rd(mgr, 0xcfd, 2, &v), 0);
	KUNIT_EXPECT_EQ(test, v, 0x0012ULL);
}

/* Refused lengths and crossings never reach a device. */
static void dispatch_length_and_crossing(struct kunit *test)
{
	struct dbdev_manager *mgr = mgr_of(test);
	struct tdev *a = tdev_new(test);
	struct tdev *b = tdev_new(test);
	struct dbdev_resource ra[] = {
		DBDEV_MMIO(0x1000, 0x10),
		DBDEV_PIO(0x70, 2),
	};
	struct dbdev_resource rb[] = {
		DBDEV_MMIO(0x1010, 0x10),
		DBDEV_PIO(0x72, 2),
	};

	KUNIT_ASSERT_EQ(test, dbdev_register(mgr, &a->dev, ra, 2), 0);
	KUNIT_ASSERT_EQ(test, dbdev_register(mgr, &b->dev, rb, 2), 0);

	KUNIT_EXPECT_EQ(test, mmio_rd(mgr, 0x1000, 0, NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, mmio_rd(mgr, 0x1000, 9, NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, mmio_rd(mgr, 0x1000, 16, NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, mmio_wr(mgr, 0x1000, 0, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, mmio_wr(mgr, 0x1000, 9, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, pio_rd(mgr, 0x70, 0, NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, pio_rd(mgr, 0x70, 9, NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, pio_wr(mgr, 0x70, 0, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, pio_wr(mgr, 0x70, 9, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, a->calls, 0U);

	/* up to the last byte is fine; one byte more crosses into b */
	KUNIT_EXPECT_EQ(test, mmio_rd(mgr, 0x1008, 8, NULL), 0);
	check_last(test, __LINE__, a, TDEV_MMIO_RD, 0x1000, 8, 8);
	KUNIT_EXPECT_EQ(test, mmio_rd(mgr, 0x1009, 8, NULL), -ERANGE);
	KUNIT_EXPECT_EQ(test, mmio_rd(mgr, 0x100f, 2, NULL), -ERANGE);
	KUNIT_EXPECT_EQ(test, mmio_wr(mgr, 0x100e, 4, 0), -ERANGE);
	KUNIT_EXPECT_EQ(test, pio_rd(mgr, 0x70, 2, NULL), 0);
	check_last(test, __LINE__, a, TDEV_PIO_RD, 0x70, 0, 2);
	KUNIT_EXPECT_EQ(test, pio_rd(mgr, 0x71, 2, NULL), -ERANGE);
	KUNIT_EXPECT_EQ(test, pio_wr(mgr, 0x70, 4, 0), -ERANGE);
	KUNIT_EXPECT_EQ(test, a->calls, 2U);
	KUNIT_EXPECT_EQ(test, b->calls, 0U);

	/* running past the last range into nothing is a crossing too */
	KUNIT_EXPECT_EQ(test, mmio_rd(mgr, 0x101c, 8, NULL), -ERANGE);
	KUNIT_EXPECT_EQ(test, pio_rd(mgr, 0x73, 4, NULL), -ERANGE);
	KUNIT_EXPECT_EQ(test, b->calls, 0U);

	/* starting in a hole and running into a range is no device */
	KUNIT_EXPECT_EQ(test, mmio_rd(mgr, 0xffe, 4, NULL), -ENODEV);
	KUNIT_EXPECT_EQ(test, pio_rd(mgr, 0x6f, 2, NULL), -ENODEV);
	KUNIT_EXPECT_EQ(test, a->calls, 2U);
	KUNIT_EXPECT_EQ(test, b->calls, 0U);
}

/* The very top of the 64-bit MMIO space, with no wrap-around. */
static void dispatch_top_of_space(struct kunit *test)
{
	struct dbdev_manager *mgr = mgr_of(test);
	struct tdev *a = tdev_new(test);
	struct tdev *b = tdev_new(test);
	struct tdev *c = tdev_new(test);
	const u64 top = 0xfffffffffffff000ULL;

	KUNIT_ASSERT_EQ(test, reg1(mgr, a, DBDEV_MMIO(top, 0x1000)), 0);
	KUNIT_ASSERT_EQ(test, reg1(mgr, b, DBDEV_MMIO(0, 0x10)), 0);

	KUNIT_EXPECT_EQ(test, mmio_rd(mgr, U64_MAX, 1, NULL), 0);
	check_last(test, __LINE__, a, TDEV_MMIO_RD, top, 0xfff, 1);
	KUNIT_EXPECT_EQ(test, mmio_wr(mgr, U64_MAX - 7, 8, 0), 0);
	check_last(test, __LINE__, a, TDEV_MMIO_WR, top, 0xff8, 8);
	KUNIT_EXPECT_EQ(test, mmio_rd(mgr, top, 8, NULL), 0);
	check_last(test, __LINE__, a, TDEV_MMIO_RD, top, 0, 8);
	KUNIT_EXPECT_EQ(test, a->calls, 3U);

	/* past the top is past the range; it does not wrap to b at 0 */
	KUNIT_EXPECT_EQ(test, mmio_rd(mgr, U64_MAX, 2, NULL), -ERANGE);
	KUNIT_EXPECT_EQ(test, mmio_rd(mgr, U64_MAX - 6, 8, NULL), -ERANGE);
	KUNIT_EXPECT_EQ(test, mmio_wr(mgr, U64_MAX - 3, 8, 0), -ERANGE);
	KUNIT_EXPECT_EQ(test, mmio_rd(mgr, top - 1, 1, NULL), -ENODEV);
	KUNIT_EXPECT_EQ(test, a->calls, 3U);
	KUNIT_EXPECT_EQ(test, b->calls, 0U);

	KUNIT_EXPECT_EQ(test, mmio_rd(mgr, 0, 1, NULL), 0);
	check_last(test, __LINE__, b, TDEV_MMIO_RD, 0, 0, 1);

	/* one byte too many does not fit the space */
	KUNIT_EXPECT_EQ(test, reg1(mgr, c, DBDEV_MMIO(top - 0x1000, 0x2001)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, reg1(mgr, c, DBDEV_MMIO(U64_MAX, 2)), -EINVAL);

	/* the largest range that fits: [1, U64_MAX] */
	KUNIT_ASSERT_EQ(test, dbdev_unregister(mgr, &a->dev), 0);
	KUNIT_ASSERT_EQ(test, dbdev_unregister(mgr, &b->dev), 0);
	KUNIT_ASSERT_EQ(test, reg1(mgr, c, DBDEV_MMIO(1, U64_MAX)), 0);
	KUNIT_EXPECT_EQ(test, mmio_rd(mgr, U64_MAX, 1, NULL), 0);
	check_last(test, __LINE__, c, TDEV_MMIO_RD, 1, U64_MAX - 1, 1);
	KUNIT_EXPECT_EQ(test, mmio_rd(mgr, 1, 8, NULL), 0);
	check_last(test, __LINE__, c, TDEV_MMIO_RD, 1, 0, 8);
	KUNIT_EXPECT_EQ(test, mmio_rd(mgr, 0, 1, NULL), -ENODEV);
	KUNIT_EXPECT_EQ(test, mmio_rd(mgr, U64_MAX, 4, NULL), -ERANGE);
	KUNIT_EXPECT_EQ(test, c->calls, 2U);
	KUNIT_EXPECT_EQ(test, reg1(mgr, a, DBDEV_MMIO(top, 0x1000)), -EEXIST);
	KUNIT_EXPECT_EQ(test, reg1(mgr, b, DBDEV_MMIO(0, 1)), 0);

	/* the last byte alone, beside a range at 0 in the same leaf */
	KUNIT_ASSERT_EQ(test, dbdev_unregister(mgr, &c->dev), 0);
	KUNIT_ASSERT_EQ(test, reg1(mgr, a, DBDEV_MMIO(U64_MAX, 1)), 0);
	KUNIT_EXPECT_EQ(test, mmio_rd(mgr, U64_MAX, 1, NULL), 0);
	check_last(test, __LINE__, a, TDEV_MMIO_RD, U64_MAX, 0, 1);
	KUNIT_EXPECT_EQ(test, mmio_rd(mgr, U64_MAX - 1, 1, NULL), -ENODEV);
	KUNIT_EXPECT_EQ(test, mmio_rd(mgr, U64_MAX - 1, 2, NULL), -ENODEV);
	KUNIT_EXPECT_EQ(test, mmio_rd(mgr, 0, 1, NULL), 0);
	check_last(test, __LINE__, b, TDEV_MMIO_RD, 0, 0, 1);
	KUNIT_EXPECT_EQ(test, a->calls, 4U);
}

/* The top of the 16-bit port space. */
static void dispatch_pio_top(struct kunit *test)
{
	struct dbdev_manager *mgr = mgr_of(test);
	struct tdev *a = tdev_new(test);
	struct tdev *b = tdev_new(test);

	KUNIT_EXPECT_EQ(test, reg1(mgr, b, DBDEV_PIO(0xfff0, 0x11)), -EINVAL);
	KUNIT_EXPECT_EQ(test, reg1(mgr, b, DBDEV_PIO(0x10000, 1)), -EINVAL);
	KUNIT_ASSERT_EQ(test, reg1(mgr, a, DBDEV_PIO(0xfff0, 0x10)), 0);

	KUNIT_EXPECT_EQ(test, pio_rd(mgr, 0xffff, 1, NULL), 0);
	check_last(test, __LINE__, a, TDEV_PIO_RD, 0xfff0, 0xf, 1);
	KUNIT_EXPECT_EQ(test, pio_wr(mgr, 0xfffc, 4, 0), 0);
	check_last(test, __LINE__, a, TDEV_PIO_WR, 0xfff0, 0xc, 4);
	KUNIT_EXPECT_EQ(test, pio_rd(mgr, 0xfff8, 8, NULL), 0);
	check_last(test, __LINE__, a, TDEV_PIO_RD, 0xfff0, 8, 8);
	KUNIT_EXPECT_EQ(test, pio_rd(mgr, 0xffff, 2, NULL), -ERANGE);
	KUNIT_EXPECT_EQ(test, pio_rd(mgr, 0xfffe, 4, NULL), -ERANGE);
	KUNIT_EXPECT_EQ(test, pio_rd(mgr, 0xffef, 1, NULL), -ENODEV);
	KUNIT_EXPECT_EQ(test, a->calls, 3U);

	/* port 0 too */
	KUNIT_ASSERT_EQ(test, reg1(mgr, b, DBDEV_PIO(0, 1)), 0);
	KUNIT_EXPECT_EQ(test, pio_rd(mgr, 0, 1, NULL), 0);
	check_last(test, __LINE__, b, TDEV_PIO_RD, 0, 0, 1);
	KUNIT_EXPECT_EQ(test, pio_rd(mgr, 0, 2, NULL), -ERANGE);
	KUNIT_EXPECT_EQ(test, b->calls, 1U);
}

/*
 * A caller's accesses that fall in the range its last one found skip the
 * lookup, but only while the buses are as they were: after every change,
 * published or not, each access reaches the device the buses have now.
 */
static void dispatch_hint_follows_changes(struct kunit *test)
{
	struct dbdev_manager *mgr = mgr_of(test);
	struct dbdev_resource r = DBDEV_MMIO(0x1000, 0x1000);
	struct dbdev_caller c = DBDEV_CALLER_INIT(mgr);
	struct tdev *a = tdev_new(test);
	struct tdev *b = tdev_new(test);
	struct tdev *p = tdev_new(test);
	struct dbdev_tx *tx;
	u8 buf[8];

	KUNIT_ASSERT_EQ(test, reg1(mgr, a, r), 0);
	KUNIT_ASSERT_EQ(test, reg1(mgr, p, DBDEV_PIO(0x60, 8)), 0);
	KUNIT_EXPECT_EQ(test, dbdev_mmio_read(&c, 0x1008, buf, 4), 0);
	/* the range found is kept for the next access */
	KUNIT_EXPECT_EQ(test, c.hint[DBDEV_BUS_MMIO].base, 0x1000ULL);
	KUNIT_EXPECT_NE(test, c.hint[DBDEV_BUS_MMIO].gen, 0ULL);
	KUNIT_EXPECT_EQ(test, c.hint[DBDEV_BUS_PIO].gen, 0ULL);
	KUNIT_EXPECT_EQ(test, dbdev_pio_read(&c, 0x64, buf, 1), 0);
	check_last(test, __LINE__, p, TDEV_PIO_RD, 0x60, 4, 1);
	KUNIT_EXPECT_EQ(test, dbdev_mmio_read(&c, 0x1ff8, buf, 8), 0);
	check_last(test, __LINE__, a, TDEV_MMIO_RD, 0x1000, 0xff8, 8);
	/* past the range: refused, and the range is still at hand */
	KUNIT_EXPECT_EQ(test, dbdev_mmio_read(&c, 0x2000, buf, 1), -ENODEV);
	KUNIT_EXPECT_EQ(test, dbdev_mmio_read(&c, 0x0fff, buf, 1), -ENODEV);
	KUNIT_EXPECT_EQ(test, dbdev_mmio_read(&c, 0x1ffc, buf, 8), -ERANGE);
	KUNIT_EXPECT_EQ(test, dbdev_mmio_write(&c, 0x1000, buf, 2), 0);
	check_last(test, __LINE__, a, TDEV_MMIO_WR, 0x1000, 0, 2);
	KUNIT_EXPECT_EQ(test, a->calls, 3U);

	/* gone: not reached again */
	KUNIT_ASSERT_EQ(test, dbdev_unregister(mgr, &a->dev), 0);
	KUNIT_EXPECT_EQ(test, dbdev_mmio_read(&c, 0x1008, buf, 4), -ENODEV);
	KUNIT_EXPECT_EQ(test, a->calls, 3U);
	/* another device in its place, the other bus's hint kept */
	KUNIT_ASSERT_EQ(test, reg1(mgr, b, r), 0);
	KUNIT_EXPECT_EQ(test, dbdev_pio_read(&c, 0x67, buf, 1), 0);
	check_last(test, __LINE__, p, TDEV_PIO_RD, 0x60, 7, 1);
	KUNIT_EXPECT_EQ(test, dbdev_mmio_read(&c, 0x1010, buf, 4), 0);
	check_last(test, __LINE__, b, TDEV_MMIO_RD, 0x1000, 0x10, 4);

	/* a transaction moves it: the old place until the commit */
	tx = dbdev_tx_begin(mgr);
	KUNIT_ASSERT_FALSE(test, IS_ERR(tx));
	KUNIT_ASSERT_EQ(test, dbdev_tx_unregister(tx, &b->dev), 0);
	r = DBDEV_MMIO(0x8000, 0x1000);
	KUNIT_ASSERT_EQ(test, dbdev_tx_register(tx, &b->dev, &r, 1), 0);
	KUNIT_EXPECT_EQ(test, dbdev_mmio_read(&c, 0x1018, buf, 4), 0);
	check_last(test, __LINE__, b, TDEV_MMIO_RD, 0x1000, 0x18, 4);
	KUNIT_ASSERT_EQ(test, dbdev_tx_commit(tx), 0);
	KUNIT_EXPECT_EQ(test, dbdev_mmio_read(&c, 0x1018, buf, 4), -ENODEV);
	KUNIT_EXPECT_EQ(test, dbdev_mmio_read(&c, 0x8018, buf, 4), 0);
	check_last(test, __LINE__, b, TDEV_MMIO_RD, 0x8000, 0x18, 4);
	KUNIT_EXPECT_EQ(test, b->calls, 3U);

	/* a transaction cancelled leaves it where it is */
	tx = dbdev_tx_begin(mgr);
	KUNIT_ASSERT_FALSE(test, IS_ERR(tx));
	KUNIT_ASSERT_EQ(test, dbdev_tx_unregister(tx, &b->dev), 0);
	dbdev_tx_cancel(tx);
	KUNIT_EXPECT_EQ(test, dbdev_mmio_read(&c, 0x8020, buf, 4), 0);
	check_last(test, __LINE__, b, TDEV_MMIO_RD, 0x8000, 0x20, 4);

	/* the caller taken to the other manager finds nothing of this one */
	dbdev_caller_init(&c, mgr2_of(test));
	KUNIT_EXPECT_EQ(test, dbdev_mmio_read(&c, 0x8020, buf, 4), -ENODEV);
	KUNIT_EXPECT_EQ(test, dbdev_pio_read(&c, 0x60, buf, 1), -ENODEV);
	KUNIT_EXPECT_EQ(test, b->calls, 4U);
	KUNIT_EXPECT_EQ(test, p->calls, 2U);
}

/*
 * A caller kept while its manager went and another came, as the caller of
 * the helpers above is from case to case, holds a hint of a state the new
 * manager never had: views are numbered across all managers.  Here two
 * managers have published as many states each, and the caller of one is
 * handed to the other with its hints.
 */
static void dispatch_hint_of_another_manager(struct kunit *test)
{
	struct dbdev_manager *mgr = mgr_of(test), *mgr2 = mgr2_of(test);
	struct dbdev_caller c = DBDEV_CALLER_INIT(mgr);
	struct tdev *a = tdev_new(test);
	struct tdev *b = tdev_new(test);
	u8 buf[4];

	KUNIT_ASSERT_EQ(test, reg1(mgr, a, DBDEV_MMIO(0x1000, 0x1000)), 0);
	KUNIT_ASSERT_EQ(test, reg1(mgr2, b, DBDEV_MMIO(0x3000, 0x1000)), 0);
	KUNIT_EXPECT_EQ(test, dbdev_mmio_read(&c, 0x1008, buf, 4), 0);
	KUNIT_EXPECT_EQ(test, a->calls, 1U);

	c.mgr = mgr2;
	KUNIT_EXPECT_EQ(test, dbdev_mmio_read(&c, 0x1008, buf, 4), -ENODEV);
	KUNIT_EXPECT_EQ(test, dbdev_mmio_read(&c, 0x1ff0, buf, 4), -ENODEV);
	KUNIT_EXPECT_EQ(test, a->calls, 1U);
	KUNIT_EXPECT_EQ(test, dbdev_mmio_read(&c, 0x3008, buf, 4), 0);
	check_last(test, __LINE__, b, TDEV_MMIO_RD, 0x3000, 8, 4);
}

/*
 * dbdev_caller_init() sets what the core reads first and leaves @inside:
 * a caller set up over whatever its memory held, as an ioctl's
 * uninitialised one on its stack, dispatches as a cleared one.
 */
static void dispatch_caller_init_over_garbage(struct kunit *test)
{
	struct dbdev_manager *mgr = mgr_of(test);
	struct tdev *a = tdev_new(test);
	struct tdev *b = tdev_new(test);
	struct dbdev_caller c;
	u8 buf[4];

	KUNIT_ASSERT_EQ(test, reg1(mgr, a, DBDEV_MMIO(0x1000, 0x1000)), 0);
	memset(&c, 0xa5, sizeof(c));
	dbdev_caller_init(&c, mgr);
	KUNIT_EXPECT_PTR_EQ(test, c.mgr, mgr);
	KUNIT_EXPECT_EQ(test, c.depth, 0U);
	KUNIT_EXPECT_EQ(test, c.hint[DBDEV_BUS_PIO].gen, 0ULL);
	KUNIT_EXPECT_EQ(test, c.hint[DBDEV_BUS_MMIO].gen, 0ULL);
	KUNIT_EXPECT_EQ(test, dbdev_mmio_read(&c, 0x1008, buf, 4), 0);
	check_last(test, __LINE__, a, TDEV_MMIO_RD, 0x1000, 8, 4);
	KUNIT_EXPECT_EQ(test, c.depth, 0U);
	KUNIT_EXPECT_EQ(test, c.hint[DBDEV_BUS_MMIO].base, 0x1000ULL);

	/* the re-entry check reads only what the dispatch wrote there */
	KUNIT_ASSERT_EQ(test, reg1(mgr, b, DBDEV_MMIO(0x3000, 0x1000)), 0);
	a->nest = true;
	a->nest_addr = 0x1010;
	a->nest_ret = 1;
	KUNIT_EXPECT_EQ(test, dbdev_mmio_read(&c, 0x1008, buf, 4), 0);
	KUNIT_EXPECT_EQ(test, a->nest_ret, -EDEADLK);
	a->nest = false;
	b->nest = true;
	b->nest_addr = 0x1010;
	b->nest_ret = 1;
	KUNIT_EXPECT_EQ(test, dbdev_mmio_read(&c, 0x3008, buf, 4), 0);
	KUNIT_EXPECT_EQ(test, b->nest_ret, 0);
	KUNIT_EXPECT_EQ(test, a->calls, 3U);
	KUNIT_EXPECT_EQ(test, c.depth, 0U);
}

/* A callback's error reaches the caller unchanged. */
static void dispatch_callback_error(struct kunit *test)
{
	struct dbdev_manager *mgr = mgr_of(test);
	struct tdev *a = tdev_new(test);
	struct dbdev_resource res[] = {
		DBDEV_MMIO(0x1000, 0x10),
		DBDEV_PIO(0x80, 4),
	};

	KUNIT_ASSERT_EQ(test, dbdev_register(mgr, &a->dev, res, 2), 0);

	a->ret = -EIO;
	KUNIT_EXPECT_EQ(test, mmio_rd(mgr, 0x1004, 4, NULL), -EIO);
	KUNIT_EXPECT_EQ(test, mmio_wr(mgr, 0x1004, 4, 0), -EIO);
	KUNIT_EXPECT_EQ(test, pio_rd(mgr, 0x81, 1, NULL), -EIO);
	KUNIT_EXPECT_EQ(test, pio_wr(mgr, 0x81, 1, 0), -EIO);
	a->ret = -EAGAIN;
	KUNIT_EXPECT_EQ(test, mmio_rd(mgr, 0x1004, 4, NULL), -EAGAIN);
	KUNIT_EXPECT_EQ(test, pio_wr(mgr, 0x83, 1, 0), -EAGAIN);
	a->ret = -EPERM;
	KUNIT_EXPECT_EQ(test, mmio_wr(mgr, 0x100f, 1, 0), -EPERM);
	KUNIT_EXPECT_EQ(test, pio_rd(mgr, 0x80, 4, NULL), -EPERM);
	KUNIT_EXPECT_EQ(test, a->calls, 8U);
	a->ret = 0;
	KUNIT_EXPECT_EQ(test, mmio_rd(mgr, 0x1004, 4, NULL), 0);
	KUNIT_EXPECT_EQ(test, a->calls, 9U);
}

/* Expects the I/O counters of @dev, per bus: reads, writes, errors. */
static void expect_io_stats(struct kunit *test, int line,
			    const struct dbdev_device *dev,
			    u64 pr, u64 pw, u64 pe, u64 mr, u64 mw, u64 me)
{
	struct dbdev_io_stats st;

	memset(&st, 0x5a, sizeof(st));
	dbdev_device_io_stats(dev, &st);
	KUNIT_EXPECT_EQ_MSG(test, st.reads[DBDEV_BUS_PIO], pr, "line %d", line);
	KUNIT_EXPECT_EQ_MSG(test, st.writes[DBDEV_BUS_PIO], pw, "line %d", line);
	KUNIT_EXPECT_EQ_MSG(test, st.errors[DBDEV_BUS_PIO], pe, "line %d", line);
	KUNIT_EXPECT_EQ_MSG(test, st.reads[DBDEV_BUS_MMIO], mr, "line %d", line);
	KUNIT_EXPECT_EQ_MSG(test, st.writes[DBDEV_BUS_MMIO], mw, "line %d", line);
	KUNIT_EXPECT_EQ_MSG(test, st.errors[DBDEV_BUS_MMIO], me, "line %d", line);
}

/*
 * A device's I/O counters: what its callbacks served and failed, per bus,
 * not what the core refused; they last while it is registered, moves in a
 * transaction included, and start again at its next registration.
 */
static void dispatch_io_stats(struct kunit *test)
{
	struct dbdev_manager *mgr = mgr_of(test);
	struct tdev *a = tdev_new(test);
	struct dbdev_resource res[] = {
		DBDEV_MMIO(0x1000, 0x10),
		DBDEV_PIO(0x80, 4),
	};
	struct dbdev_resource moved = DBDEV_PIO(0x90, 4);
	struct dbdev_tx *tx;

	expect_io_stats(test, __LINE__, &a->dev, 0, 0, 0, 0, 0, 0);
	KUNIT_ASSERT_EQ(test, dbdev_register(mgr, &a->dev, res, 2), 0);
	expect_io_stats(test, __LINE__, &a->dev, 0, 0, 0, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, mmio_rd(mgr, 0x1004, 4, NULL), 0);
	KUNIT_EXPECT_EQ(test, mmio_wr(mgr, 0x1004, 4, 0), 0);
	KUNIT_EXPECT_EQ(test, mmio_wr(mgr, 0x1008, 8, 0), 0);
	KUNIT_EXPECT_EQ(test, pio_rd(mgr, 0x81, 1, NULL), 0);
	a->ret = -EIO;
	KUNIT_EXPECT_EQ(test, pio_wr(mgr, 0x83, 1, 0), -EIO);
	KUNIT_EXPECT_EQ(test, mmio_rd(mgr, 0x1000, 1, NULL), -EIO);
	a->ret = 0;
	/* refused by the core */
	KUNIT_EXPECT_EQ(test, mmio_rd(mgr, 0x100e, 4, NULL), -ERANGE);
	KUNIT_EXPECT_EQ(test, pio_rd(mgr, 0x84, 1, NULL), -ENODEV);
	KUNIT_EXPECT_EQ(test, mmio_rd(mgr, 0x1000, 0, NULL), -EINVAL);
	expect_io_stats(test, __LINE__, &a->dev, 1, 1, 1, 2, 2, 1);

	/* a move keeps them, a removal counts until its commit */
	tx = dbdev_tx_begin(mgr);
	KUNIT_ASSERT_FALSE(test, IS_ERR(tx));
	KUNIT_ASSERT_EQ(test, dbdev_tx_unregister(tx, &a->dev), 0);
	KUNIT_ASSERT_EQ(test, dbdev_tx_register(tx, &a->dev, &moved, 1), 0);
	KUNIT_EXPECT_EQ(test, pio_rd(mgr, 0x80, 1, NULL), 0);
	KUNIT_ASSERT_EQ(test, dbdev_tx_commit(tx), 0);
	KUNIT_EXPECT_EQ(test, pio_rd(mgr, 0x90, 2, NULL), 0);
	expect_io_stats(test, __LINE__, &a->dev, 3, 1, 1, 2, 2, 1);
	tx = dbdev_tx_begin(mgr);
	KUNIT_ASSERT_FALSE(test, IS_ERR(tx));
	KUNIT_ASSERT_EQ(test, dbdev_tx_unregister(tx, &a->dev), 0);
	KUNIT_EXPECT_EQ(test, pio_wr(mgr, 0x90, 2, 0), 0);
	expect_io_stats(test, __LINE__, &a->dev, 3, 2, 1, 2, 2, 1);
	KUNIT_ASSERT_EQ(test, dbdev_tx_commit(tx), 0);
	expect_io_stats(test, __LINE__, &a->dev, 0, 0, 0, 0, 0, 0);

	/* registered again: from zero */
	KUNIT_ASSERT_EQ(test, dbdev_register(mgr, &a->dev, res, 2), 0);
	KUNIT_EXPECT_EQ(test, pio_wr(mgr, 0x80, 4, 0), 0);
	expect_io_stats(test, __LINE__, &a->dev, 0, 1, 0, 0, 0, 0);
	KUNIT_ASSERT_EQ(test, dbdev_unregister(mgr, &a->dev), 0);
	expect_io_stats(test, __LINE__, &a->dev, 0, 0, 0, 0, 0, 0);
}

/*
 * dbdev_dispatch() tells the core's refusals from a device's own errors,
 * even errors that the core uses itself.  An errno the kernel keeps to
 * itself is what a syscall's caller would see: a restart code, which a
 * callback whose wait a signal interrupted returns, -EINTR, with the call
 * made and not repeated; the others their userspace errno, or -EIO.
 */
static void dispatch_device_or_core(struct kunit *test)
{
	static const struct {
		int ret, want;
	} errs[] = {
		{ -ENODEV, -ENODEV }, { -ERANGE, -ERANGE }, { -EINVAL, -EINVAL },
		{ -EDEADLK, -EDEADLK }, { -EIO, -EIO },
		{ -EHWPOISON, -EHWPOISON }, { -ERESTARTSYS + 1, -ERESTARTSYS + 1 },
		{ -ERESTARTSYS, -EINTR }, { -ERESTARTNOINTR, -EINTR },
		{ -ERESTARTNOHAND, -EINTR }, { -ERESTART_RESTARTBLOCK, -EINTR },
		{ -ENOIOCTLCMD, -ENOTTY }, { -ENOTSUPP, -EOPNOTSUPP },
		{ -EPROBE_DEFER, -EIO }, { -EIOCBQUEUED, -EIO },
		{ -MAX_ERRNO, -EIO },
	};
	struct dbdev_manager *mgr = mgr_of(test);
	struct tdev *a = tdev_new(test);
	struct dbdev_resource res[] = {
		DBDEV_MMIO(0x1000, 0x10),
		DBDEV_PIO(0x80, 4),
	};
	u8 buf[DBDEV_MAX_ACCESS] = { };
	unsigned int i;
	int result;

	KUNIT_ASSERT_EQ(test, dbdev_register(mgr, &a->dev, res, 2), 0);
	for (i = 0; i < ARRAY_SIZE(errs); i++) {
		a->ret = errs[i].ret;
		result = 1;
		KUNIT_EXPECT_EQ(test, dbdev_dispatch(CALLER(mgr), DBDEV_BUS_MMIO, 0x1004,
						     buf, 4, false, &result), 0);
		KUNIT_EXPECT_EQ_MSG(test, result, errs[i].want, "returned %d",
				    errs[i].ret);
		result = 1;
		KUNIT_EXPECT_EQ(test, dbdev_dispatch(CALLER(mgr), DBDEV_BUS_PIO, 0x83,
						     buf, 1, true, &result), 0);
		KUNIT_EXPECT_EQ(test, result, errs[i].want);
		KUNIT_EXPECT_EQ(test, mmio_rd(mgr, 0x1000, 8, NULL), errs[i].want);
	}
	KUNIT_EXPECT_EQ(test, a->calls, 3 * ARRAY_SIZE(errs));

	/* the core's own: no call, *result untouched */
	a->ret = 0;
	result = 1;
	KUNIT_EXPECT_EQ(test, dbdev_dispatch(CALLER(mgr), DBDEV_BUS_MMIO, 0x2000, buf,
					     4, false, &result), -ENODEV);
	KUNIT_EXPECT_EQ(test, dbdev_dispatch(CALLER(mgr), DBDEV_BUS_MMIO, 0x100e, buf,
					     4, false, &result), -ERANGE);
	KUNIT_EXPECT_EQ(test, dbdev_dispatch(CALLER(mgr), DBDEV_BUS_PIO, 0x80, buf,
					     0, false, &result), -EINVAL);
	KUNIT_EXPECT_EQ(test, dbdev_dispatch(CALLER(mgr), DBDEV_BUS_PIO, 0x80, buf,
					     9, true, &result), -EINVAL);
	KUNIT_EXPECT_EQ(test, dbdev_dispatch(CALLER(mgr), DBDEV_NR_BUSES, 0x80, buf,
					     1, false, &result), -EINVAL);
	KUNIT_EXPECT_EQ(test, result, 1);
	KUNIT_EXPECT_EQ(test, a->calls, 3 * ARRAY_SIZE(errs));

	/* and success is a device's 0 */
	KUNIT_EXPECT_EQ(test, dbdev_dispatch(CALLER(mgr), DBDEV_BUS_MMIO, 0x1008, buf,
					     2, false, &result), 0);
	KUNIT_EXPECT_EQ(test, result, 0);
	check_last(test, __LINE__, a, TDEV_MMIO_RD, 0x1000, 8, 2);
}

/*
 * A callback that returns neither 0 nor an errno is a driver bug, reported
 * once with the callback's name: the caller gets -EIO.
 */
static void dispatch_bad_result(struct kunit *test)
{
	static const int bad[] = { 1, 4096, INT_MAX, -MAX_ERRNO - 1, -5000,
				   INT_MIN };
	struct dbdev_manager *mgr = mgr_of(test);
	struct tdev *a = tdev_new(test);
	u8 buf[DBDEV_MAX_ACCESS] = { };
	unsigned int i;
	int result;

	KUNIT_ASSERT_EQ(test, reg1(mgr, a, DBDEV_MMIO(0x1000, 0x10)), 0);
	/* "tdev_read returned", or in a module "tdev_read [dbdev] returned" */
	kunit_info(test, "dbdev-expect-report: returned 1, neither 0 nor an errno\n");
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		a->ret = bad[i];
		result = 0;
		KUNIT_EXPECT_EQ(test, dbdev_dispatch(CALLER(mgr), DBDEV_BUS_MMIO, 0x1000,
						     buf, 4, false, &result), 0);
		KUNIT_EXPECT_EQ_MSG(test, result, -EIO, "returned %d", bad[i]);
		KUNIT_EXPECT_EQ(test, mmio_wr(mgr, 0x1000, 4, 0), -EIO);
	}
}

static struct kunit_case dbdev_dispatch_cases[] = {
	KUNIT_CASE(dispatch_mmio_base_offset),
	KUNIT_CASE(dispatch_pio_base_offset),
	KUNIT_CASE(dispatch_both_buses),
	KUNIT_CASE(dispatch_same_numbers_two_buses),
	KUNIT_CASE(dispatch_data_le),
	KUNIT_CASE(dispatch_length_and_crossing),
	KUNIT_CASE(dispatch_top_of_space),
	KUNIT_CASE(dispatch_pio_top),
	KUNIT_CASE(dispatch_hint_follows_changes),
	KUNIT_CASE(dispatch_hint_of_another_manager),
	KUNIT_CASE(dispatch_caller_init_over_garbage),
	KUNIT_CASE(dispatch_callback_error),
	KUNIT_CASE(dispatch_io_stats),
	KUNIT_CASE(dispatch_device_or_core),
	KUNIT_CASE(dispatch_bad_result),
	{}
};

static struct kunit_suite dbdev_dispatch_suite = {
	.name = "dbdev_dispatch",
	.init = core_init,
	.exit = core_exit,
	.test_cases = dbdev_dispatch_cases,
};

/* ------------------------------------------------------------------------
 * dbdev_register
 */

struct overlap_case {
	u64 base;
	u64 size;
	int want;
	const char *what;
};

/* Against a range at [0x1000, 0x1100). */
static const struct overlap_case overlap_cases[] = {
	{ 0x1000, 0x100, -EEXIST, "same range" },
	{ 0x1000, 0x1, -EEXIST, "same base, shorter" },
	{ 0x1000, 0x200, -EEXIST, "same base, longer" },
	{ 0x0f00, 0x101, -EEXIST, "partial at the low end" },
	{ 0x0f80, 0x100, -EEXIST, "half below" },
	{ 0x10ff, 0x100, -EEXIST, "partial at the high end" },
	{ 0x1080, 0x100, -EEXIST, "half above" },
	{ 0x1080, 0x10, -EEXIST, "nested" },
	{ 0x10ff, 0x1, -EEXIST, "last byte" },
	{ 0x0f00, 0x300, -EEXIST, "enclosing" },
	{ 0x0f00, 0x100, 0, "adjacent below" },
	{ 0x1100, 0x100, 0, "adjacent above" },
	{ 0x0fff, 0x1, 0, "the byte below" },
	{ 0x1100, 0x1, 0, "the byte above" },
};

static void register_overlap_one_bus(struct kunit *test, bool pio)
{
	struct dbdev_manager *mgr = mgr_of(test);
	enum dbdev_res_type type = pio ? DBDEV_RES_PIO : DBDEV_RES_MMIO;
	struct tdev *a = tdev_new(test);
	struct tdev *b = tdev_new(test);
	struct dbdev_resource r;
	unsigned int i;
	u64 addr;
	int ret;

	KUNIT_ASSERT_EQ(test, reg1(mgr, a, DBDEV_RES_RANGE(type, 0x1000, 0x100)),
			0);

	for (i = 0; i < ARRAY_SIZE(overlap_cases); i++) {
		const struct overlap_case *c = &overlap_cases[i];

		r = DBDEV_RES_RANGE(type, c->base, c->size);
		ret = dbdev_register(mgr, &b->dev, &r, 1);
		KUNIT_EXPECT_EQ_MSG(test, ret, c->want, "%s, %s", c->what,
				    pio ? "PIO" : "MMIO");
		/* b is reached exactly where it registered */
		addr = c->base == 0x1000 ? 0x1000 + c->size - 1 : c->base;
		ret = pio ? pio_rd(mgr, addr, 1, NULL) :
			    mmio_rd(mgr, addr, 1, NULL);
		if (c->want) {
			KUNIT_EXPECT_EQ_MSG(test, ret, addr < 0x1100 &&
					    addr >= 0x1000 ? 0 : -ENODEV,
					    "%s", c->what);
			KUNIT_EXPECT_EQ_MSG(test, b->calls, 0U, "%s", c->what);
			KUNIT_EXPECT_EQ_MSG(test,
					    dbdev_unregister(mgr, &b->dev),
					    -ENOENT, "%s", c->what);
		} else {
			KUNIT_EXPECT_EQ_MSG(test, ret, 0, "%s", c->what);
			KUNIT_EXPECT_EQ_MSG(test, b->calls, 1U, "%s", c->what);
			KUNIT_EXPECT_EQ_MSG(test, b->last_base, c->base, "%s",
					    c->what);
			KUNIT_EXPECT_EQ_MSG(test,
					    dbdev_unregister(mgr, &b->dev), 0,
					    "%s", c->what);
		}
		b->calls = 0;
	}

	/* a still owns exactly its range */
	a->calls = 0;
	for (addr = 0x0ffe; addr < 0x1102; addr++) {
		bool in = addr >= 0x1000 && addr < 0x1100;

		ret = pio ? pio_rd(mgr, addr, 1, NULL) :
			    mmio_rd(mgr, addr, 1, NULL);
		KUNIT_EXPECT_EQ_MSG(test, ret, in ? 0 : -ENODEV,
				    "addr %#llx", addr);
	}
	KUNIT_EXPECT_EQ(test, a->calls, 0x100U);
	KUNIT_EXPECT_EQ(test, a->last_base, 0x1000ULL);
	KUNIT_EXPECT_EQ(test, a->last_off, 0xffULL);
	KUNIT_EXPECT_EQ(test, b->calls, 0U);
}

static void register_overlap_mmio(struct kunit *test)
{
	register_overlap_one_bus(test, false);
}

static void register_overlap_pio(struct kunit *test)
{
	register_overlap_one_bus(test, true);
}

/* Overlap with the second range of a device, and with several at once. */
static void register_overlap_multi(struct kunit *test)
{
	struct dbdev_manager *mgr = mgr_of(test);
	struct tdev *a = tdev_new(test);
	struct tdev *b = tdev_new(test);
	struct dbdev_resource ra[] = {
		DBDEV_MMIO(0x10000, 0x1000),
		DBDEV_MMIO(0x30000, 0x1000),
		DBDEV_PIO(0x500, 0x10),
	};

	KUNIT_ASSERT_EQ(test, dbdev_register(mgr, &a->dev, ra, 3), 0);
	KUNIT_EXPECT_EQ(test, reg1(mgr, b, DBDEV_MMIO(0x30fff, 0x10)), -EEXIST);
	KUNIT_EXPECT_EQ(test, reg1(mgr, b, DBDEV_MMIO(0x10800, 0x20000)),
			-EEXIST);
	KUNIT_EXPECT_EQ(test, reg1(mgr, b, DBDEV_PIO(0x400, 0x101)), -EEXIST);
	KUNIT_EXPECT_EQ(test, reg1(mgr, b, DBDEV_MMIO(0x11000, 0x1f000)), 0);
	KUNIT_EXPECT_EQ(test, mmio_rd(mgr, 0x2ffff, 1, NULL), 0);
	check_last(test, __LINE__, b, TDEV_MMIO_RD, 0x11000, 0x1efff, 1);
	KUNIT_EXPECT_EQ(test, mmio_rd(mgr, 0x30000, 1, NULL), 0);
	check_last(test, __LINE__, a, TDEV_MMIO_RD, 0x30000, 0, 1);
	KUNIT_EXPECT_EQ(test, a->calls, 1U);
	KUNIT_EXPECT_EQ(test, b->calls, 1U);
}

/* Ranges of one registration may not overlap each other on one bus. */
static void register_overlap_within(struct kunit *test)
{
	struct dbdev_manager *mgr = mgr_of(test);
	struct tdev *a = tdev_new(test);
	struct dbdev_resource same[] = {
		DBDEV_MMIO(0x1000, 0x100),
		DBDEV_MMIO(0x1000, 0x100),
	};
	struct dbdev_resource partial[] = {
		DBDEV_MMIO(0x4000, 0x100),
		DBDEV_MMIO(0x1000, 0x100),
		DBDEV_MMIO(0x10ff, 0x10),
	};
	struct dbdev_resource nested[] = {
		DBDEV_PIO(0x10, 0x10),
		DBDEV_MMIO(0x8000, 0x10),
		DBDEV_PIO(0x18, 0x4),
	};
	struct dbdev_resource ok[] = {
		DBDEV_MMIO(0x1100, 0x100),
		DBDEV_PIO(0x10, 0x10),
		DBDEV_MMIO(0x1000, 0x100),
		DBDEV_MMIO(0x10, 0x10),
		DBDEV_PIO(0x20, 0x10),
	};

	KUNIT_EXPECT_EQ(test, dbdev_register(mgr, &a->dev, same, 2), -EEXIST);
	KUNIT_EXPECT_EQ(test, dbdev_register(mgr, &a->dev, partial, 3),
			-EEXIST);
	KUNIT_EXPECT_EQ(test, mmio_rd(mgr, 0x4000, 1, NULL), -ENODEV);
	KUNIT_EXPECT_EQ(test, mmio_rd(mgr, 0x1000, 1, NULL), -ENODEV);
	KUNIT_EXPECT_EQ(test, dbdev_register(mgr, &a->dev, nested, 3),
			-EEXIST);
	KUNIT_EXPECT_EQ(test, pio_rd(mgr, 0x10, 1, NULL), -ENODEV);
	KUNIT_EXPECT_EQ(test, mmio_rd(mgr, 0x8000, 1, NULL), -ENODEV);
	KUNIT_EXPECT_EQ(test, a->calls, 0U);
	KUNIT_EXPECT_EQ(test, dbdev_device_resources(&a->dev).nr, 0U);

	/* adjacent ranges, and the same numbers on the other bus, are fine */
	KUNIT_ASSERT_EQ(test, dbdev_register(mgr, &a->dev, ok, 5), 0);
	KUNIT_EXPECT_EQ(test, mmio_rd(mgr, 0x10ff, 1, NULL), 0);
	check_last(test, __LINE__, a, TDEV_MMIO_RD, 0x1000, 0xff, 1);
	KUNIT_EXPECT_EQ(test, mmio_rd(mgr, 0x1100, 1, NULL), 0);
	check_last(test, __LINE__, a, TDEV_MMIO_RD, 0x1100, 0, 1);
	KUNIT_EXPECT_EQ(test, mmio_rd(mgr, 0x10fe, 4, NULL), -ERANGE);
	KUNIT_EXPECT_EQ(test, pio_rd(mgr, 0x1f, 1, NULL), 0);
	check_last(test, __LINE__, a, TDEV_PIO_RD, 0x10, 0xf, 1);
	KUNIT_EXPECT_EQ(test, pio_rd(mgr, 0x20, 1, NULL), 0);
	check_last(test, __LINE__, a, TDEV_PIO_RD, 0x20, 0, 1);
	KUNIT_EXPECT_EQ(test, mmio_rd(mgr, 0x15, 1, NULL), 0);
	check_last(test, __LINE__, a, TDEV_MMIO_RD, 0x10, 5, 1);
	KUNIT_EXPECT_EQ(test, a->calls, 5U);
}

/* A failed registration changes nothing, whatever made it fail. */
static void register_failure_leaves_no_trace(struct kunit *test)
{
	struct dbdev_manager *mgr = mgr_of(test);
	struct tdev *a = tdev_new(test);
	struct tdev *b = tdev_new(test);
	struct dbdev_resource conflict[] = {
		DBDEV_MMIO(0x5000, 0x100),
		DBDEV_PIO(0x200, 8),
		DBDEV_MEM(0x100000, 0x1000),
		DBDEV_MMIO(0x10f0, 0x20),	/* overlaps a */
		DBDEV_MMIO(0x6000, 0x10),
	};
	struct dbdev_resource invalid[] = {
		DBDEV_MMIO(0x5000, 0x100),
		DBDEV_PIO(0x200, 8),
		DBDEV_PIO(0xffff, 2),		/* past the port space */
	};
	struct dbdev_resource invalid_msi[] = {
		DBDEV_MMIO(0x5000, 0x100),
		DBDEV_MSI(DBDEV_MSI_PCI, 0, 33),
	};
	struct dbdev_resource good[] = {
		DBDEV_MMIO(0x5000, 0x100),
		DBDEV_PIO(0x200, 8),
		DBDEV_MMIO(0x6000, 0x10),
	};
	struct dbdev_resource *many;
	unsigned int i;

	KUNIT_ASSERT_EQ(test, reg1(mgr, a, DBDEV_MMIO(0x1000, 0x100)), 0);

	KUNIT_EXPECT_EQ(test, dbdev_register(mgr, &b->dev, conflict, 5),
			-EEXIST);
	KUNIT_EXPECT_EQ(test, dbdev_register(mgr, &b->dev, invalid, 3),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, dbdev_register(mgr, &b->dev, invalid_msi, 2),
			-EINVAL);

	many = kunit_kcalloc(test, DBDEV_MAX_RESOURCES + 1, sizeof(*many),
			     GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, many);
	for (i = 0; i <= DBDEV_MAX_RESOURCES; i++)
		many[i] = DBDEV_MMIO(0x5000 + 0x100 * i, 0x10);
	KUNIT_EXPECT_EQ(test, dbdev_register(mgr, &b->dev, many,
					     DBDEV_MAX_RESOURCES + 1), -E2BIG);

	/* none of b's ranges went anywhere, a is untouched */
	KUNIT_EXPECT_EQ(test, mmio_rd(mgr, 0x5000, 1, NULL), -ENODEV);
	KUNIT_EXPECT_EQ(test, mmio_rd(mgr, 0x50ff, 1, NULL), -ENODEV);
	KUNIT_EXPECT_EQ(test, mmio_rd(mgr, 0x5100, 1, NULL), -ENODEV);
	KUNIT_EXPECT_EQ(test, mmio_rd(mgr, 0x6000, 1, NULL), -ENODEV);
	KUNIT_EXPECT_EQ(test, pio_rd(mgr, 0x200, 1, NULL), -ENODEV);
	KUNIT_EXPECT_EQ(test, mmio_rd(mgr, 0x10f0, 1, NULL), 0);
	KUNIT_EXPECT_EQ(test, mmio_rd(mgr, 0x1100, 1, NULL), -ENODEV);
	KUNIT_EXPECT_EQ(test, a->calls, 1U);
	check_last(test, __LINE__, a, TDEV_MMIO_RD, 0x1000, 0xf0, 1);
	KUNIT_EXPECT_EQ(test, b->calls, 0U);
	KUNIT_EXPECT_EQ(test, dbdev_device_resources(&b->dev).nr, 0U);
	KUNIT_EXPECT_EQ(test, dbdev_device_trapped(&b->dev).nr, 0U);
	KUNIT_EXPECT_EQ(test, dbdev_unregister(mgr, &b->dev), -ENOENT);

	/* b is free to register, here or with another manager */
	KUNIT_ASSERT_EQ(test, dbdev_register(mgr2_of(test), &b->dev, good, 3),
			0);
	KUNIT_EXPECT_EQ(test, dbdev_unregister(mgr2_of(test), &b->dev), 0);
	KUNIT_ASSERT_EQ(test, dbdev_register(mgr, &b->dev, good, 3), 0);
	KUNIT_EXPECT_EQ(test, mmio_rd(mgr, 0x50ff, 1, NULL), 0);
	check_last(test, __LINE__, b, TDEV_MMIO_RD, 0x5000, 0xff, 1);
	KUNIT_EXPECT_EQ(test, pio_rd(mgr, 0x207, 1, NULL), 0);
	check_last(test, __LINE__, b, TDEV_PIO_RD, 0x200, 7, 1);
	KUNIT_EXPECT_EQ(test, mmio_rd(mgr, 0x600f, 1, NULL), 0);
	check_last(test, __LINE__, b, TDEV_MMIO_RD, 0x6000, 0xf, 1);
	KUNIT_EXPECT_EQ(test, b->calls, 3U);
	/* a was never disturbed: still registered */
	KUNIT_EXPECT_EQ(test, dbdev_register(mgr, &a->dev, conflict, 1),
			-EBUSY);
}

/* Every invalid resource kind is refused at registration. */
static void register_invalid_resources(struct kunit *test)
{
	struct dbdev_manager *mgr = mgr_of(test);
	struct tdev *a = tdev_new(test);
	struct dbdev_resource bad[] = {
		DBDEV_PIO(0x100, 0),
		DBDEV_PIO(0xffff, 2),
		DBDEV_PIO(0x10000, 1),
		DBDEV_MMIO(0x1000, 0),
		DBDEV_MMIO(0xfffffffffffff000ULL, 0x1001),
		DBDEV_MMIO(2, U64_MAX),
		DBDEV_MEM(0x1000, 0),
		DBDEV_MEM(U64_MAX, 2),
		DBDEV_MSI(DBDEV_MSI_PCI, 0, 0),
		DBDEV_MSI(DBDEV_MSI_PCI, 0, 33),
		DBDEV_MSI(DBDEV_MSI_PCI_MSIX, 0, 0),
		DBDEV_MSI(DBDEV_MSI_PCI_MSIX, 0, 2049),
		DBDEV_MSI(DBDEV_MSI_GENERIC, 0, 0),
	};
	struct dbdev_resource res[2];
	unsigned int i;

	res[0] = DBDEV_MMIO(0x9000, 0x10);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		res[1] = bad[i];
		KUNIT_EXPECT_EQ_MSG(test, dbdev_register(mgr, &a->dev, res, 2),
				    -EINVAL, "bad resource %u", i);
		KUNIT_EXPECT_EQ_MSG(test, mmio_rd(mgr, 0x9000, 1, NULL),
				    -ENODEV, "bad resource %u", i);
	}
	KUNIT_EXPECT_EQ(test, a->calls, 0U);
	KUNIT_EXPECT_EQ(test, dbdev_unregister(mgr, &a->dev), -ENOENT);

	/* the valid limits of each kind */
	res[1] = DBDEV_MSI(DBDEV_MSI_PCI_MSIX, 0, 2048);
	KUNIT_ASSERT_EQ(test, dbdev_register(mgr, &a->dev, res, 2), 0);
	KUNIT_EXPECT_EQ(test, dbdev_unregister(mgr, &a->dev), 0);
	res[1] = DBDEV_MSI(DBDEV_MSI_PCI, 0, 32);
	KUNIT_ASSERT_EQ(test, dbdev_register(mgr, &a->dev, res, 2), 0);
	KUNIT_EXPECT_EQ(test, dbdev_unregister(mgr, &a->dev), 0);
	res[1] = DBDEV_PIO(0xffff, 1);
	KUNIT_ASSERT_EQ(test, dbdev_register(mgr, &a->dev, res, 2), 0);
	KUNIT_EXPECT_EQ(test, pio_rd(mgr, 0xffff, 1, NULL), 0);
	check_last(test, __LINE__, a, TDEV_PIO_RD, 0xffff, 0, 1);
}

/* At most DBDEV_MAX_RESOURCES per registration; exactly that many works. */
static void register_too_many(struct kunit *test)
{
	struct dbdev_manager *mgr = mgr_of(test);
	struct tdev *a = tdev_new(test);
	struct dbdev_resource *res;
	unsigned int i;

	res = kunit_kcalloc(test, DBDEV_MAX_RESOURCES + 1, sizeof(*res),
			    GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, res);
	for (i = 0; i <= DBDEV_MAX_RESOURCES; i++)
		res[i] = DBDEV_PIO(0x100 + 2 * i, 1);

	KUNIT_EXPECT_EQ(test, dbdev_register(mgr, &a->dev, res,
					     DBDEV_MAX_RESOURCES + 1), -E2BIG);
	KUNIT_EXPECT_EQ(test, pio_rd(mgr, 0x100, 1, NULL), -ENODEV);
	KUNIT_EXPECT_EQ(test, dbdev_device_resources(&a->dev).nr, 0U);

	KUNIT_ASSERT_EQ(test, dbdev_register(mgr, &a->dev, res,
					     DBDEV_MAX_RESOURCES), 0);
	KUNIT_EXPECT_EQ(test, dbdev_device_resources(&a->dev).nr,
			(unsigned int)DBDEV_MAX_RESOURCES);
	for (i = 0; i < DBDEV_MAX_RESOURCES; i++) {
		KUNIT_EXPECT_EQ(test, pio_rd(mgr, 0x100 + 2 * i, 1, NULL), 0);
		KUNIT_EXPECT_EQ(test, a->last_base, 0x100ULL + 2 * i);
		KUNIT_EXPECT_EQ(test, pio_rd(mgr, 0x101 + 2 * i, 1, NULL),
				-ENODEV);
	}
	KUNIT_EXPECT_EQ(test, a->calls, (unsigned int)DBDEV_MAX_RESOURCES);
	/* the 65th was never registered */
	KUNIT_EXPECT_EQ(test, pio_rd(mgr, 0x100 + 2 * DBDEV_MAX_RESOURCES, 1,
				     NULL), -ENODEV);
}

/* Unregistration: dispatch stops, the device can come back. */
static void register_unregister(struct kunit *test)
{
	struct dbdev_manager *mgr = mgr_of(test);
	struct tdev *a = tdev_new(test);
	struct tdev *b = tdev_new(test);
	struct dbdev_resource res[] = {
		DBDEV_MMIO(0x1000, 0x10),
		DBDEV_PIO(0x40, 4),
	};

	KUNIT_ASSERT_EQ(test, dbdev_register(mgr, &a->dev, res, 2), 0);
	KUNIT_EXPECT_EQ(test, mmio_rd(mgr, 0x1000, 1, NULL), 0);
	KUNIT_EXPECT_EQ(test, pio_rd(mgr, 0x40, 1, NULL), 0);
	KUNIT_EXPECT_EQ(test, a->calls, 2U);

	KUNIT_EXPECT_EQ(test, dbdev_unregister(mgr, &a->dev), 0);
	KUNIT_EXPECT_EQ(test, mmio_rd(mgr, 0x1000, 1, NULL), -ENODEV);
	KUNIT_EXPECT_EQ(test, mmio_wr(mgr, 0x100f, 1, 0), -ENODEV);
	KUNIT_EXPECT_EQ(test, pio_rd(mgr, 0x40, 1, NULL), -ENODEV);
	KUNIT_EXPECT_EQ(test, pio_wr(mgr, 0x43, 1, 0), -ENODEV);
	KUNIT_EXPECT_EQ(test, a->calls, 2U);
	KUNIT_EXPECT_EQ(test, dbdev_device_resources(&a->dev).nr, 0U);
	KUNIT_EXPECT_EQ(test, dbdev_device_trapped(&a->dev).nr, 0U);
	KUNIT_EXPECT_EQ(test, dbdev_unregister(mgr, &a->dev), -ENOENT);
	KUNIT_EXPECT_EQ(test, a->releases, 0U);

	/* the space is free for another device, and a can come back */
	KUNIT_ASSERT_EQ(test, dbdev_register(mgr, &b->dev, res, 1), 0);
	KUNIT_EXPECT_EQ(test, mmio_rd(mgr, 0x1000, 1, NULL), 0);
	KUNIT_EXPECT_EQ(test, b->calls, 1U);
	KUNIT_ASSERT_EQ(test, dbdev_register(mgr, &a->dev, &res[1], 1), 0);
	KUNIT_EXPECT_EQ(test, pio_rd(mgr, 0x42, 1, NULL), 0);
	check_last(test, __LINE__, a, TDEV_PIO_RD, 0x40, 2, 1);
	KUNIT_EXPECT_EQ(test, a->calls, 3U);
	KUNIT_EXPECT_EQ(test, dbdev_device_resources(&a->dev).nr, 1U);
}

static void register_unregister_unknown(struct kunit *test)
{
	struct dbdev_manager *mgr = mgr_of(test);
	struct dbdev_manager *mgr2 = mgr2_of(test);
	struct tdev *a = tdev_new(test);
	struct tdev *b = tdev_new(test);

	/* never registered */
	KUNIT_EXPECT_EQ(test, dbdev_unregister(mgr, &a->dev), -ENOENT);

	/* registered, but with another manager */
	KUNIT_ASSERT_EQ(test, reg1(mgr, a, DBDEV_MMIO(0x1000, 0x10)), 0);
	KUNIT_EXPECT_EQ(test, dbdev_unregister(mgr2, &a->dev), -ENOENT);
	KUNIT_EXPECT_EQ(test, mmio_rd(mgr, 0x1000, 1, NULL), 0);
	KUNIT_EXPECT_EQ(test, mmio_rd(mgr2, 0x1000, 1, NULL), -ENODEV);
	KUNIT_EXPECT_EQ(test, a->calls, 1U);

	/* another device at the same place elsewhere does not count */
	KUNIT_ASSERT_EQ(test, reg1(mgr2, b, DBDEV_MMIO(0x1000, 0x10)), 0);
	KUNIT_EXPECT_EQ(test, dbdev_unregister(mgr, &b->dev), -ENOENT);
	KUNIT_EXPECT_EQ(test, mmio_rd(mgr2, 0x1000, 1, NULL), 0);
	KUNIT_EXPECT_EQ(test, b->calls, 1U);
	KUNIT_EXPECT_EQ(test, a->calls, 1U);
	KUNIT_EXPECT_EQ(test, dbdev_unregister(mgr2, &b->dev), 0);
	KUNIT_EXPECT_EQ(test, dbdev_unregister(mgr2, &b->dev), -ENOENT);
	KUNIT_EXPECT_EQ(test, dbdev_unregister(mgr, &a->dev), 0);
}

static void register_twice(struct kunit *test)
{
	struct dbdev_manager *mgr = mgr_of(test);
	struct dbdev_manager *mgr2 = mgr2_of(test);
	struct tdev *a = tdev_new(test);
	struct dbdev_resources list;

	KUNIT_ASSERT_EQ(test, reg1(mgr, a, DBDEV_MMIO(0x1000, 0x10)), 0);
	KUNIT_EXPECT_EQ(test, reg1(mgr, a, DBDEV_MMIO(0x2000, 0x10)), -EBUSY);
	KUNIT_EXPECT_EQ(test, reg1(mgr, a, DBDEV_PIO(0x20, 1)), -EBUSY);
	KUNIT_EXPECT_EQ(test, reg1(mgr2, a, DBDEV_MMIO(0x2000, 0x10)), -EBUSY);
	KUNIT_EXPECT_EQ(test, mmio_rd(mgr, 0x2000, 1, NULL), -ENODEV);
	KUNIT_EXPECT_EQ(test, mmio_rd(mgr2, 0x2000, 1, NULL), -ENODEV);
	KUNIT_EXPECT_EQ(test, pio_rd(mgr, 0x20, 1, NULL), -ENODEV);

	list = dbdev_device_resources(&a->dev);
	KUNIT_ASSERT_EQ(test, list.nr, 1U);
	KUNIT_EXPECT_EQ(test, list.res[0].type, DBDEV_RES_MMIO);
	KUNIT_EXPECT_EQ(test, list.res[0].range.base, 0x1000ULL);
	KUNIT_EXPECT_EQ(test, list.res[0].range.size, 0x10ULL);
	KUNIT_EXPECT_EQ(test, mmio_rd(mgr, 0x1000, 1, NULL), 0);
	KUNIT_EXPECT_EQ(test, a->calls, 1U);

	/* only one unregistration for one registration */
	KUNIT_EXPECT_EQ(test, dbdev_unregister(mgr, &a->dev), 0);
	KUNIT_EXPECT_EQ(test, dbdev_unregister(mgr, &a->dev), -ENOENT);
	KUNIT_EXPECT_EQ(test, reg1(mgr2, a, DBDEV_MMIO(0x2000, 0x10)), 0);
	KUNIT_EXPECT_EQ(test, mmio_rd(mgr2, 0x2000, 1, NULL), 0);
	KUNIT_EXPECT_EQ(test, a->calls, 2U);
}

/* A trapped range needs both callbacks of its bus. */
static void register_missing_ops(struct kunit *test)
{
	struct dbdev_manager *mgr = mgr_of(test);
	struct dbdev_resource pio = DBDEV_PIO(0x100, 4);
	struct dbdev_resource mmio = DBDEV_MMIO(0x1000, 0x10);
	struct dbdev_resource both[] = { pio, mmio };
	struct dbdev_resource untrapped[] = {
		DBDEV_MEM(0x100000, 0x1000),
		DBDEV_LEGACY_IRQ(5),
		DBDEV_MSI(DBDEV_MSI_GENERIC, 0, 2),
		DBDEV_KVM_SLOT(1),
	};
	struct tdev *t;

	t = tdev_new_ops(test, &tdev_mmio_ops, 0);
	KUNIT_EXPECT_EQ(test, dbdev_register(mgr, &t->dev, &pio, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, dbdev_register(mgr, &t->dev, both, 2), -EINVAL);
	KUNIT_EXPECT_EQ(test, mmio_rd(mgr, 0x1000, 1, NULL), -ENODEV);
	KUNIT_EXPECT_EQ(test, dbdev_register(mgr, &t->dev, &mmio, 1), 0);
	KUNIT_EXPECT_EQ(test, mmio_rd(mgr, 0x1000, 1, NULL), 0);
	KUNIT_EXPECT_EQ(test, dbdev_unregister(mgr, &t->dev), 0);

	t = tdev_new_ops(test, &tdev_pio_ops, 0);
	KUNIT_EXPECT_EQ(test, dbdev_register(mgr, &t->dev, &mmio, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, dbdev_register(mgr, &t->dev, both, 2), -EINVAL);
	KUNIT_EXPECT_EQ(test, pio_rd(mgr, 0x100, 1, NULL), -ENODEV);
	KUNIT_EXPECT_EQ(test, dbdev_register(mgr, &t->dev, &pio, 1), 0);
	KUNIT_EXPECT_EQ(test, pio_rd(mgr, 0x100, 1, NULL), 0);
	KUNIT_EXPECT_EQ(test, dbdev_unregister(mgr, &t->dev), 0);

	t = tdev_new_ops(test, &tdev_mmio_read_only_ops, 0);
	KUNIT_EXPECT_EQ(test, dbdev_register(mgr, &t->dev, &mmio, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, dbdev_register(mgr, &t->dev, &pio, 1), 0);
	KUNIT_EXPECT_EQ(test, dbdev_unregister(mgr, &t->dev), 0);

	t = tdev_new_ops(test, &tdev_mmio_write_only_ops, 0);
	KUNIT_EXPECT_EQ(test, dbdev_register(mgr, &t->dev, &mmio, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, dbdev_register(mgr, &t->dev, &pio, 1), 0);
	KUNIT_EXPECT_EQ(test, dbdev_unregister(mgr, &t->dev), 0);

	t = tdev_new_ops(test, &tdev_pio_read_only_ops, 0);
	KUNIT_EXPECT_EQ(test, dbdev_register(mgr, &t->dev, &pio, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, dbdev_register(mgr, &t->dev, &mmio, 1), 0);
	KUNIT_EXPECT_EQ(test, dbdev_unregister(mgr, &t->dev), 0);

	t = tdev_new_ops(test, &tdev_pio_write_only_ops, 0);
	KUNIT_EXPECT_EQ(test, dbdev_register(mgr, &t->dev, &pio, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, dbdev_register(mgr, &t->dev, &mmio, 1), 0);
	KUNIT_EXPECT_EQ(test, dbdev_unregister(mgr, &t->dev), 0);

	/* nothing trapped, no I/O callback needed */
	t = tdev_new_ops(test, &tdev_no_io_ops, 0);
	KUNIT_EXPECT_EQ(test, dbdev_register(mgr, &t->dev, &mmio, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, dbdev_register(mgr, &t->dev, untrapped,
					     ARRAY_SIZE(untrapped)), 0);
	KUNIT_EXPECT_EQ(test, mmio_rd(mgr, 0x100000, 1, NULL), -ENODEV);
	KUNIT_EXPECT_EQ(test, dbdev_device_resources(&t->dev).nr,
			(unsigned int)ARRAY_SIZE(untrapped));
	KUNIT_EXPECT_EQ(test, dbdev_device_trapped(&t->dev).nr, 0U);
	KUNIT_EXPECT_EQ(test, t->calls, 0U);
}

static const u8 test_mac[ETH_ALEN] = { 0x52, 0x54, 0x00, 0xde, 0xad, 0x01 };

static void expect_same_res(struct kunit *test, const struct dbdev_resource *a,
			    const struct dbdev_resource *b, unsigned int i)
{
	KUNIT_ASSERT_EQ_MSG(test, a->type, b->type, "entry %u", i);
	switch (a->type) {
	case DBDEV_RES_PIO:
	case DBDEV_RES_MMIO:
	case DBDEV_RES_MEM:
		KUNIT_EXPECT_EQ_MSG(test, a->range.base, b->range.base,
				    "entry %u", i);
		KUNIT_EXPECT_EQ_MSG(test, a->range.size, b->range.size,
				    "entry %u", i);
		break;
	case DBDEV_RES_LEGACY_IRQ:
		KUNIT_EXPECT_EQ_MSG(test, a->irq, b->irq, "entry %u", i);
		break;
	case DBDEV_RES_MSI:
		KUNIT_EXPECT_EQ_MSG(test, a->msi.type, b->msi.type,
				    "entry %u", i);
		KUNIT_EXPECT_EQ_MSG(test, a->msi.base, b->msi.base,
				    "entry %u", i);
		KUNIT_EXPECT_EQ_MSG(test, a->msi.size, b->msi.size,
				    "entry %u", i);
		break;
	case DBDEV_RES_KVM_SLOT:
		KUNIT_EXPECT_EQ_MSG(test, a->slot, b->slot, "entry %u", i);
		break;
	case DBDEV_RES_MAC:
		KUNIT_EXPECT_EQ_MSG(test, memcmp(a->mac, b->mac, ETH_ALEN), 0,
				    "entry %u", i);
		break;
	default:
		KUNIT_FAIL(test, "entry %u: bad type %d", i, a->type);
	}
}

/* Assigned resources are all of them, trapped only the PIO and MMIO ones. */
static void register_assigned_vs_trapped(struct kunit *test)
{
	struct dbdev_manager *mgr = mgr_of(test);
	struct tdev *a = tdev_new(test);
	struct tdev *b = tdev_new(test);
	struct dbdev_resource *res;
	struct dbdev_resources list;
	const struct dbdev_resource *r;
	static const unsigned int trapped_idx[] = { 1, 3, 8 };
	unsigned int i, nr = 0;

	res = kunit_kcalloc(test, 10, sizeof(*res), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, res);
	res[nr++] = DBDEV_MEM(0x80000000, 0x100000);
	res[nr++] = DBDEV_PIO(0x1f0, 8);
	res[nr++] = DBDEV_LEGACY_IRQ(14);
	res[nr++] = DBDEV_MMIO(0xfe000000, 0x1000);
	res[nr++] = DBDEV_MSI(DBDEV_MSI_PCI_MSIX, 32, 16);
	res[nr++] = DBDEV_KVM_SLOT(3);
	res[nr].type = DBDEV_RES_MAC;
	memcpy(res[nr++].mac, test_mac, ETH_ALEN);
	res[nr++] = DBDEV_MSI(DBDEV_MSI_PCI, 0, 4);
	res[nr++] = DBDEV_PIO(0x3f6, 1);
	res[nr++] = DBDEV_KVM_SLOT(4);

	list = dbdev_device_resources(&a->dev);
	KUNIT_EXPECT_EQ(test, list.nr, 0U);
	list = dbdev_device_trapped(&a->dev);
	KUNIT_EXPECT_EQ(test, list.nr, 0U);

	KUNIT_ASSERT_EQ(test, dbdev_register(mgr, &a->dev, res, nr), 0);
	/* the core keeps its own copy */
	res[1] = DBDEV_PIO(0x170, 8);
	res[3].range.base = 0xfd000000;

	list = dbdev_device_resources(&a->dev);
	KUNIT_ASSERT_EQ(test, list.nr, nr);
	KUNIT_ASSERT_NOT_NULL(test, list.res);
	KUNIT_EXPECT_PTR_NE(test, list.res, (const struct dbdev_resource *)res);
	res[1] = DBDEV_PIO(0x1f0, 8);
	res[3].range.base = 0xfe000000;
	for (i = 0; i < nr; i++)
		expect_same_res(test, &list.res[i], &res[i], i);

	/* the getters work on it */
	KUNIT_EXPECT_EQ(test, dbdev_res_count(&list, DBDEV_RES_PIO), 2U);
	r = dbdev_res_nth(&list, DBDEV_RES_LEGACY_IRQ, 0);
	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_EXPECT_EQ(test, r->irq, 14U);
	r = dbdev_res_msi(&list, DBDEV_MSI_PCI);
	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_EXPECT_EQ(test, r->msi.size, 4U);
	r = dbdev_res_nth(&list, DBDEV_RES_MAC, 0);
	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_EXPECT_EQ(test, memcmp(r->mac, test_mac, ETH_ALEN), 0);

	list = dbdev_device_trapped(&a->dev);
	KUNIT_ASSERT_EQ(test, list.nr, 3U);
	KUNIT_ASSERT_NOT_NULL(test, list.res);
	for (i = 0; i < 3; i++)
		expect_same_res(test, &list.res[i], &res[trapped_idx[i]], i);

	/* memory is assigned but not trapped: not on any bus */
	KUNIT_EXPECT_EQ(test, mmio_rd(mgr, 0x80000000, 1, NULL), -ENODEV);
	KUNIT_EXPECT_EQ(test, mmio_rd(mgr, 0xfe000fff, 1, NULL), 0);
	KUNIT_EXPECT_EQ(test, pio_rd(mgr, 0x3f6, 1, NULL), 0);
	KUNIT_EXPECT_EQ(test, pio_rd(mgr, 0x170, 1, NULL), -ENODEV);
	KUNIT_EXPECT_EQ(test, mmio_rd(mgr, 0xfd000000, 1, NULL), -ENODEV);
	KUNIT_EXPECT_EQ(test, a->calls, 2U);
	KUNIT_EXPECT_EQ(test, reg1(mgr, b, DBDEV_MMIO(0x80000000, 0x1000)), 0);
	KUNIT_EXPECT_EQ(test, mmio_rd(mgr, 0x80000000, 1, NULL), 0);
	KUNIT_EXPECT_EQ(test, b->calls, 1U);

	KUNIT_EXPECT_EQ(test, dbdev_unregister(mgr, &a->dev), 0);
	KUNIT_EXPECT_EQ(test, dbdev_device_resources(&a->dev).nr, 0U);
	KUNIT_EXPECT_EQ(test, dbdev_device_trapped(&a->dev).nr, 0U);
}

/* Memory ranges, IRQs and the rest are not on any bus: no overlap check. */
static void register_untrapped_no_bus(struct kunit *test)
{
	struct dbdev_manager *mgr = mgr_of(test);
	struct tdev *a = tdev_new(test);
	struct tdev *b = tdev_new(test);
	struct dbdev_resource ra[] = {
		DBDEV_MEM(0x40000000, 0x10000000),
		DBDEV_MMIO(0x1000, 0x10),
	};
	struct dbdev_resource rb[] = {
		DBDEV_MEM(0x48000000, 0x1000),
		DBDEV_MMIO(0x40000000, 0x1000),
		DBDEV_PIO(0x1000, 0x10),
	};

	KUNIT_ASSERT_EQ(test, dbdev_register(mgr, &a->dev, ra, 2), 0);
	KUNIT_ASSERT_EQ(test, dbdev_register(mgr, &b->dev, rb, 3), 0);
	KUNIT_EXPECT_EQ(test, mmio_rd(mgr, 0x40000004, 4, NULL), 0);
	check_last(test, __LINE__, b, TDEV_MMIO_RD, 0x40000000, 4, 4);
	KUNIT_EXPECT_EQ(test, mmio_rd(mgr, 0x48000000, 1, NULL), -ENODEV);
	KUNIT_EXPECT_EQ(test, pio_rd(mgr, 0x1008, 1, NULL), 0);
	check_last(test, __LINE__, b, TDEV_PIO_RD, 0x1000, 8, 1);
	KUNIT_EXPECT_EQ(test, mmio_rd(mgr, 0x1008, 1, NULL), 0);
	check_last(test, __LINE__, a, TDEV_MMIO_RD, 0x1000, 8, 1);
	KUNIT_EXPECT_EQ(test, a->calls, 1U);
	KUNIT_EXPECT_EQ(test, b->calls, 2U);
}

/* dbdev_conflict() names what stands in the way, as a transaction sees it. */
static void register_conflict_report(struct kunit *test)
{
	struct dbdev_manager *mgr = mgr_of(test);
	struct tdev *a = tdev_new(test);
	struct tdev *b = tdev_new(test);
	struct dbdev_resource ra[] = {
		DBDEV_MMIO(0x1000, 0x100),
		DBDEV_PIO(0x60, 4),
	};
	struct dbdev_device *owner;
	struct dbdev_resource hit, r;
	struct dbdev_tx *tx;

	KUNIT_ASSERT_EQ(test, dbdev_register(mgr, &a->dev, ra, 2), 0);

	r = DBDEV_MMIO(0x10f0, 0x20);
	memset(&hit, 0, sizeof(hit));
	owner = NULL;
	KUNIT_EXPECT_TRUE(test, dbdev_conflict(mgr, &r, &hit, &owner));
	expect_same_res(test, &hit, &ra[0], 0);
	KUNIT_EXPECT_PTR_EQ(test, owner, &a->dev);

	r = DBDEV_PIO(0x5e, 3);
	owner = NULL;
	KUNIT_EXPECT_TRUE(test, dbdev_conflict(mgr, &r, &hit, &owner));
	expect_same_res(test, &hit, &ra[1], 1);
	KUNIT_EXPECT_PTR_EQ(test, owner, &a->dev);

	/* adjacent, the other bus, invalid: nothing in the way */
	r = DBDEV_MMIO(0x1100, 0x10);
	KUNIT_EXPECT_FALSE(test, dbdev_conflict(mgr, &r, &hit, &owner));
	r = DBDEV_MMIO(0xfff, 1);
	KUNIT_EXPECT_FALSE(test, dbdev_conflict(mgr, &r, &hit, &owner));
	r = DBDEV_PIO(0x1000, 0x100);
	KUNIT_EXPECT_FALSE(test, dbdev_conflict(mgr, &r, &hit, &owner));
	r = DBDEV_MMIO(0x1000, 0);
	KUNIT_EXPECT_FALSE(test, dbdev_conflict(mgr, &r, &hit, &owner));

	/* the state an open transaction leaves */
	tx = dbdev_tx_begin(mgr);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, tx);
	KUNIT_EXPECT_EQ(test, dbdev_tx_unregister(tx, &a->dev), 0);
	r = DBDEV_MMIO(0x2000, 0x10);
	KUNIT_EXPECT_EQ(test, dbdev_tx_register(tx, &b->dev, &r, 1), 0);
	r = DBDEV_MMIO(0x1000, 1);
	KUNIT_EXPECT_FALSE(test, dbdev_conflict(mgr, &r, &hit, &owner));
	r = DBDEV_MMIO(0x1ff8, 0x10);
	owner = NULL;
	KUNIT_EXPECT_TRUE(test, dbdev_conflict(mgr, &r, &hit, &owner));
	KUNIT_EXPECT_PTR_EQ(test, owner, &b->dev);
	KUNIT_EXPECT_EQ(test, hit.range.base, 0x2000ULL);
	dbdev_tx_cancel(tx);
	r = DBDEV_MMIO(0x1000, 1);
	KUNIT_EXPECT_TRUE(test, dbdev_conflict(mgr, &r, &hit, &owner));
	KUNIT_EXPECT_PTR_EQ(test, owner, &a->dev);
	r = DBDEV_MMIO(0x2000, 1);
	KUNIT_EXPECT_FALSE(test, dbdev_conflict(mgr, &r, &hit, &owner));
}

static struct kunit_case dbdev_register_cases[] = {
	KUNIT_CASE(register_overlap_mmio),
	KUNIT_CASE(register_overlap_pio),
	KUNIT_CASE(register_overlap_multi),
	KUNIT_CASE(register_overlap_within),
	KUNIT_CASE(register_failure_leaves_no_trace),
	KUNIT_CASE(register_invalid_resources),
	KUNIT_CASE(register_too_many),
	KUNIT_CASE(register_unregister),
	KUNIT_CASE(register_unregister_unknown),
	KUNIT_CASE(register_twice),
	KUNIT_CASE(register_missing_ops),
	KUNIT_CASE(register_assigned_vs_trapped),
	KUNIT_CASE(register_untrapped_no_bus),
	KUNIT_CASE(register_conflict_report),
	{}
};

static struct kunit_suite dbdev_register_suite = {
	.name = "dbdev_register",
	.init = core_init,
	.exit = core_exit,
	.test_cases = dbdev_register_cases,
};

/* ------------------------------------------------------------------------
 * dbdev_reentry
 */

static void reentry_self(struct kunit *test, unsigned int flags)
{
	struct dbdev_manager *mgr = mgr_of(test);
	struct tdev *a = tdev_new_ops(test, &tdev_ops, flags);
	struct dbdev_resource res[] = {
		DBDEV_MMIO(0x1000, 0x10),
		DBDEV_PIO(0x60, 8),
	};

	KUNIT_ASSERT_EQ(test, dbdev_register(mgr, &a->dev, res, 2), 0);

	/* into the same range */
	a->nest = true;
	a->nest_addr = 0x1004;
	a->nest_ret = 1;
	KUNIT_EXPECT_EQ(test, mmio_rd(mgr, 0x1000, 4, NULL), 0);
	KUNIT_EXPECT_EQ(test, a->nest_ret, -EDEADLK);
	KUNIT_EXPECT_EQ(test, a->calls, 1U);
	KUNIT_EXPECT_EQ(test, a->max_inside, 1U);
	check_last(test, __LINE__, a, TDEV_MMIO_RD, 0x1000, 0, 4);

	/* into its range on the other bus */
	a->nest_pio = true;
	a->nest_addr = 0x62;
	a->nest_ret = 1;
	KUNIT_EXPECT_EQ(test, mmio_wr(mgr, 0x1008, 8, 0), 0);
	KUNIT_EXPECT_EQ(test, a->nest_ret, -EDEADLK);
	KUNIT_EXPECT_EQ(test, a->calls, 2U);
	KUNIT_EXPECT_EQ(test, a->max_inside, 1U);
	check_last(test, __LINE__, a, TDEV_MMIO_WR, 0x1000, 8, 8);

	/* from port I/O into MMIO */
	a->nest_pio = false;
	a->nest_addr = 0x100f;
	a->nest_ret = 1;
	KUNIT_EXPECT_EQ(test, pio_rd(mgr, 0x67, 1, NULL), 0);
	KUNIT_EXPECT_EQ(test, a->nest_ret, -EDEADLK);
	KUNIT_EXPECT_EQ(test, a->calls, 3U);
	KUNIT_EXPECT_EQ(test, a->max_inside, 1U);

	/* the refusal left nothing behind: plain dispatch still works */
	a->nest = false;
	KUNIT_EXPECT_EQ(test, mmio_rd(mgr, 0x1004, 1, NULL), 0);
	KUNIT_EXPECT_EQ(test, pio_rd(mgr, 0x60, 1, NULL), 0);
	KUNIT_EXPECT_EQ(test, a->calls, 5U);
	KUNIT_EXPECT_EQ(test, dbdev_unregister(mgr, &a->dev), 0);
}

static void reentry_self_plain(struct kunit *test)
{
	reentry_self(test, 0);
}

static void reentry_self_serialized(struct kunit *test)
{
	reentry_self(test, DBDEV_DEVICE_SERIALIZED);
}

/* a -> b works, b -> a does not: a is still in its callback. */
static void reentry_other_device(struct kunit *test, unsigned int flags)
{
	struct dbdev_manager *mgr = mgr_of(test);
	struct tdev *a = tdev_new_ops(test, &tdev_ops, flags);
	struct tdev *b = tdev_new_ops(test, &tdev_ops, flags);

	KUNIT_ASSERT_EQ(test, reg1(mgr, a, DBDEV_MMIO(0x1000, 0x10)), 0);
	KUNIT_ASSERT_EQ(test, reg1(mgr, b, DBDEV_PIO(0x80, 0x10)), 0);
	b->regs[5] = 0xa5;

	a->nest = true;
	a->nest_pio = true;
	a->nest_addr = 0x85;
	a->nest_ret = 1;
	KUNIT_EXPECT_EQ(test, mmio_rd(mgr, 0x1002, 2, NULL), 0);
	KUNIT_EXPECT_EQ(test, a->nest_ret, 0);
	KUNIT_EXPECT_EQ(test, a->nest_data, 0xa5);
	KUNIT_EXPECT_EQ(test, a->calls, 1U);
	KUNIT_EXPECT_EQ(test, b->calls, 1U);
	check_last(test, __LINE__, a, TDEV_MMIO_RD, 0x1000, 2, 2);
	check_last(test, __LINE__, b, TDEV_PIO_RD, 0x80, 5, 1);

	/* b's errors reach a */
	b->ret = -EIO;
	KUNIT_EXPECT_EQ(test, mmio_rd(mgr, 0x1002, 2, NULL), 0);
	KUNIT_EXPECT_EQ(test, a->nest_ret, -EIO);
	KUNIT_EXPECT_EQ(test, b->calls, 2U);
	b->ret = 0;

	/* the core's errors too, without calling anybody */
	a->nest_addr = 0x90;
	KUNIT_EXPECT_EQ(test, mmio_rd(mgr, 0x1002, 2, NULL), 0);
	KUNIT_EXPECT_EQ(test, a->nest_ret, -ENODEV);
	KUNIT_EXPECT_EQ(test, b->calls, 2U);

	/* a -> b -> a */
	a->nest_addr = 0x85;
	b->nest = true;
	b->nest_pio = false;
	b->nest_addr = 0x100f;
	b->nest_ret = 1;
	KUNIT_EXPECT_EQ(test, mmio_rd(mgr, 0x1000, 1, NULL), 0);
	KUNIT_EXPECT_EQ(test, b->nest_ret, -EDEADLK);
	KUNIT_EXPECT_EQ(test, a->nest_ret, 0);
	KUNIT_EXPECT_EQ(test, a->calls, 4U);
	KUNIT_EXPECT_EQ(test, b->calls, 3U);
	KUNIT_EXPECT_EQ(test, a->max_inside, 1U);
	KUNIT_EXPECT_EQ(test, b->max_inside, 1U);

	/* b -> a from the top is fine, then a -> b is the re-entry */
	b->nest_ret = 1;
	a->nest_ret = 1;
	KUNIT_EXPECT_EQ(test, pio_rd(mgr, 0x80, 1, NULL), 0);
	KUNIT_EXPECT_EQ(test, b->nest_ret, 0);
	KUNIT_EXPECT_EQ(test, a->nest_ret, -EDEADLK);
	KUNIT_EXPECT_EQ(test, a->calls, 5U);
	KUNIT_EXPECT_EQ(test, b->calls, 4U);
}

/*
 * A caller lists the callbacks its thread is inside while they run, and is
 * back where it was after every access, served or refused: one caller
 * serves any number of accesses, as a vCPU's does.
 */
static void reentry_caller_state(struct kunit *test)
{
	struct dbdev_manager *mgr = mgr_of(test);
	struct tdev *a = tdev_new_ops(test, &tdev_ops, 0);
	struct tdev *b = tdev_new_ops(test, &tdev_ops, DBDEV_DEVICE_SERIALIZED);
	struct dbdev_caller c = DBDEV_CALLER_INIT(mgr);
	u8 buf[DBDEV_MAX_ACCESS];

	KUNIT_ASSERT_EQ(test, reg1(mgr, a, DBDEV_MMIO(0x1000, 0x10)), 0);
	KUNIT_ASSERT_EQ(test, reg1(mgr, b, DBDEV_PIO(0x80, 0x10)), 0);

	/* a -> b: each callback sees the chain up to itself */
	a->nest = true;
	a->nest_pio = true;
	a->nest_addr = 0x81;
	KUNIT_EXPECT_EQ(test, dbdev_mmio_read(&c, 0x1000, buf, 4), 0);
	KUNIT_EXPECT_EQ(test, a->nest_ret, 0);
	KUNIT_EXPECT_EQ(test, a->seen_depth, 1U);
	KUNIT_EXPECT_PTR_EQ(test, a->seen_outer, &a->dev);
	KUNIT_EXPECT_EQ(test, b->seen_depth, 2U);
	KUNIT_EXPECT_PTR_EQ(test, b->seen_outer, &a->dev);
	KUNIT_EXPECT_EQ(test, c.depth, 0U);

	/* a -> b -> a refused; the caller unwinds all of it */
	b->nest = true;
	b->nest_pio = false;
	b->nest_addr = 0x1004;
	b->nest_ret = 1;
	KUNIT_EXPECT_EQ(test, dbdev_mmio_write(&c, 0x1008, buf, 8), 0);
	KUNIT_EXPECT_EQ(test, b->nest_ret, -EDEADLK);
	KUNIT_EXPECT_EQ(test, a->calls, 2U);
	KUNIT_EXPECT_EQ(test, c.depth, 0U);

	/* the same caller then reaches b first, b reaches a, a refused b */
	a->nest_ret = 1;
	KUNIT_EXPECT_EQ(test, dbdev_pio_read(&c, 0x88, buf, 1), 0);
	KUNIT_EXPECT_EQ(test, b->seen_depth, 1U);
	KUNIT_EXPECT_PTR_EQ(test, b->seen_outer, &b->dev);
	KUNIT_EXPECT_EQ(test, b->nest_ret, 0);
	KUNIT_EXPECT_EQ(test, a->nest_ret, -EDEADLK);
	KUNIT_EXPECT_EQ(test, a->calls, 3U);
	KUNIT_EXPECT_EQ(test, a->seen_depth, 2U);
	KUNIT_EXPECT_EQ(test, c.depth, 0U);

	/* the core's refusals leave it as it was too */
	KUNIT_EXPECT_EQ(test, dbdev_mmio_read(&c, 0x5000, buf, 4), -ENODEV);
	KUNIT_EXPECT_EQ(test, dbdev_pio_read(&c, 0x8f, buf, 2), -ERANGE);
	KUNIT_EXPECT_EQ(test, c.depth, 0U);
}

/* What a callback must not do, each as a tdev hook */
static int hook_unregister(struct tdev *t)
{
	return dbdev_unregister(t->hook_mgr, &t->hook_other->dev);
}

static int hook_commit(struct tdev *t)
{
	struct dbdev_tx *tx = dbdev_tx_begin(t->hook_mgr);
	int ret;

	if (IS_ERR(tx))
		return PTR_ERR(tx);
	ret = dbdev_tx_unregister(tx, &t->hook_other->dev) ?:
	      dbdev_tx_commit(tx);
	if (ret)
		dbdev_tx_cancel(tx);
	return ret;
}

static int hook_own_caller(struct tdev *t)
{
	struct dbdev_caller c = DBDEV_CALLER_INIT(t->hook_mgr);
	u8 b;

	return dbdev_pio_read(&c, 0x80, &b, 1);
}

/*
 * A callback that unregisters or commits would wait for itself, and one
 * that dispatches through a caller of its own would hide re-entry.  Only
 * lockdep, which tracks the SRCU read side per task, can tell such a
 * call from a callback: there each is refused with -EDEADLK and changes
 * nothing.
 */
static void reentry_forbidden(struct kunit *test)
{
	struct dbdev_manager *mgr = mgr_of(test);
	struct tdev *a = tdev_new_ops(test, &tdev_ops, 0);
	struct tdev *b = tdev_new_ops(test, &tdev_ops, 0);

	if (!IS_ENABLED(CONFIG_DEBUG_LOCK_ALLOC))
		kunit_skip(test, "only lockdep tells a callback from its caller");
	KUNIT_ASSERT_EQ(test, reg1(mgr, a, DBDEV_MMIO(0x1000, 0x10)), 0);
	KUNIT_ASSERT_EQ(test, reg1(mgr, b, DBDEV_PIO(0x80, 0x10)), 0);
	a->hook_mgr = mgr;
	a->hook_other = b;

	a->hook = hook_unregister;
	a->hook_ret = 1;
	KUNIT_EXPECT_EQ(test, mmio_rd(mgr, 0x1000, 4, NULL), 0);
	KUNIT_EXPECT_EQ(test, a->hook_ret, -EDEADLK);

	a->hook = hook_commit;
	a->hook_ret = 1;
	KUNIT_EXPECT_EQ(test, mmio_rd(mgr, 0x1000, 4, NULL), 0);
	KUNIT_EXPECT_EQ(test, a->hook_ret, -EDEADLK);

	a->hook = hook_own_caller;
	a->hook_ret = 1;
	KUNIT_EXPECT_EQ(test, mmio_rd(mgr, 0x1000, 4, NULL), 0);
	KUNIT_EXPECT_EQ(test, a->hook_ret, -EDEADLK);
	KUNIT_EXPECT_EQ(test, b->calls, 0U);

	/* b is still there, and outside a callback all of it works */
	a->hook = NULL;
	KUNIT_EXPECT_EQ(test, pio_rd(mgr, 0x80, 1, NULL), 0);
	KUNIT_EXPECT_EQ(test, b->calls, 1U);
	KUNIT_EXPECT_EQ(test, hook_own_caller(a), 0);
	KUNIT_EXPECT_EQ(test, hook_commit(a), 0);
	KUNIT_EXPECT_EQ(test, pio_rd(mgr, 0x80, 1, NULL), -ENODEV);
	KUNIT_EXPECT_EQ(test, b->calls, 2U);
}

static void reentry_other_plain(struct kunit *test)
{
	reentry_other_device(test, 0);
}

static void reentry_other_serialized(struct kunit *test)
{
	reentry_other_device(test, DBDEV_DEVICE_SERIALIZED);
}

#define CHAIN_LEN	(DBDEV_MAX_NESTING + 2)

/*
 * d[0] -> d[1] -> ... : one thread may be inside DBDEV_MAX_NESTING
 * callbacks at most, so the dispatch from d[MAX - 1] is refused.
 */
static void reentry_nesting_limit(struct kunit *test, unsigned int flags)
{
	struct dbdev_manager *mgr = mgr_of(test);
	struct tdev *d[CHAIN_LEN];
	unsigned int i;

	for (i = 0; i < CHAIN_LEN; i++) {
		d[i] = tdev_new_ops(test, &tdev_ops, flags);
		KUNIT_ASSERT_EQ(test, reg1(mgr, d[i],
					   DBDEV_MMIO(0x10000 * (i + 1), 0x100)),
				0);
		d[i]->nest_ret = 1;
	}
	for (i = 0; i + 1 < CHAIN_LEN; i++) {
		d[i]->nest = true;
		d[i]->nest_addr = 0x10000 * (i + 2) + i;
	}

	KUNIT_EXPECT_EQ(test, mmio_rd(mgr, 0x10000, 1, NULL), 0);
	for (i = 0; i < DBDEV_MAX_NESTING; i++) {
		KUNIT_EXPECT_EQ_MSG(test, d[i]->calls, 1U, "device %u", i);
		KUNIT_EXPECT_EQ_MSG(test, d[i]->nest_ret,
				    i + 1 < DBDEV_MAX_NESTING ? 0 : -EDEADLK,
				    "device %u", i);
	}
	for (i = 1; i < DBDEV_MAX_NESTING; i++) {
		KUNIT_EXPECT_EQ_MSG(test, d[i]->last_base, 0x10000ULL * (i + 1),
				    "device %u", i);
		KUNIT_EXPECT_EQ_MSG(test, d[i]->last_off, (u64)(i - 1),
				    "device %u", i);
	}
	for (; i < CHAIN_LEN; i++)
		KUNIT_EXPECT_EQ_MSG(test, d[i]->calls, 0U, "device %u", i);

	/* the depth is per chain, not leaked: start one deeper */
	KUNIT_EXPECT_EQ(test, mmio_rd(mgr, 0x20000, 1, NULL), 0);
	KUNIT_EXPECT_EQ(test, d[0]->calls, 1U);
	for (i = 1; i <= DBDEV_MAX_NESTING; i++)
		KUNIT_EXPECT_EQ_MSG(test, d[i]->calls,
				    i == DBDEV_MAX_NESTING ? 1U : 2U,
				    "device %u", i);
	KUNIT_EXPECT_EQ(test, d[DBDEV_MAX_NESTING]->nest_ret, -EDEADLK);
	KUNIT_EXPECT_EQ(test, d[DBDEV_MAX_NESTING - 1]->nest_ret, 0);
	KUNIT_EXPECT_EQ(test, d[CHAIN_LEN - 1]->calls, 0U);

	/* and a chain of exactly DBDEV_MAX_NESTING callbacks all succeeds */
	d[DBDEV_MAX_NESTING]->nest = false;
	for (i = 0; i < CHAIN_LEN; i++)
		d[i]->nest_ret = 1;
	KUNIT_EXPECT_EQ(test, mmio_rd(mgr, 0x20000, 1, NULL), 0);
	for (i = 1; i < DBDEV_MAX_NESTING; i++)
		KUNIT_EXPECT_EQ_MSG(test, d[i]->nest_ret, 0, "device %u", i);
	KUNIT_EXPECT_EQ(test, d[DBDEV_MAX_NESTING]->calls, 2U);
	KUNIT_EXPECT_EQ(test, d[DBDEV_MAX_NESTING]->nest_ret, 1);
	KUNIT_EXPECT_EQ(test, d[CHAIN_LEN - 1]->calls, 0U);
}

static void reentry_nesting_plain(struct kunit *test)
{
	reentry_nesting_limit(test, 0);
}

static void reentry_nesting_serialized(struct kunit *test)
{
	reentry_nesting_limit(test, DBDEV_DEVICE_SERIALIZED);
}

static struct kunit_case dbdev_reentry_cases[] = {
	KUNIT_CASE(reentry_self_plain),
	KUNIT_CASE(reentry_self_serialized),
	KUNIT_CASE(reentry_other_plain),
	KUNIT_CASE(reentry_other_serialized),
	KUNIT_CASE(reentry_caller_state),
	KUNIT_CASE(reentry_forbidden),
	KUNIT_CASE(reentry_nesting_plain),
	KUNIT_CASE(reentry_nesting_serialized),
	{}
};

static struct kunit_suite dbdev_reentry_suite = {
	.name = "dbdev_reentry",
	.init = core_init,
	.exit = core_exit,
	.test_cases = dbdev_reentry_cases,
};

/* ------------------------------------------------------------------------
 * dbdev_teardown
 */

static void teardown_release(struct kunit *test)
{
	struct core_ctx *ctx = test->priv;
	struct dbdev_manager *mgr = ctx->mgr;
	struct tdev *a = tdev_new(test);
	struct tdev *b = tdev_new(test);
	struct tdev *c = tdev_new_ops(test, &tdev_mmio_ops, 0);
	struct tdev *d = tdev_new(test);
	struct tdev *e = tdev_new_ops(test, &tdev_mmio_read_only_ops, 0);
	struct dbdev_resource rc[] = {
		DBDEV_MMIO(0x3000, 0x10),
		DBDEV_MEM(0x100000, 0x1000),
	};

	KUNIT_ASSERT_EQ(test, reg1(mgr, a, DBDEV_MMIO(0x1000, 0x10)), 0);
	KUNIT_ASSERT_EQ(test, reg1(mgr, b, DBDEV_PIO(0x20, 0x10)), 0);
	KUNIT_ASSERT_EQ(test, dbdev_register(mgr, &c->dev, rc, 2), 0);
	KUNIT_ASSERT_EQ(test, reg1(mgr, d, DBDEV_MMIO(0x4000, 0x10)), 0);
	/* no ->release: must simply be dropped */
	KUNIT_ASSERT_EQ(test, reg1(mgr, e, DBDEV_PIO(0x40, 0x10)), 0);
	KUNIT_ASSERT_EQ(test, dbdev_unregister(mgr, &b->dev), 0);

	ctx->mgr = NULL;
	dbdev_manager_destroy(mgr);

	KUNIT_EXPECT_EQ(test, a->releases, 1U);
	KUNIT_EXPECT_EQ(test, b->releases, 0U);
	KUNIT_EXPECT_EQ(test, c->releases, 1U);
	KUNIT_EXPECT_EQ(test, d->releases, 1U);
	KUNIT_EXPECT_EQ(test, a->calls + b->calls + c->calls + d->calls, 0U);

	/* they are all free to go to another manager */
	mgr = ctx->mgr2;
	KUNIT_EXPECT_EQ(test, reg1(mgr, a, DBDEV_MMIO(0x1000, 0x10)), 0);
	KUNIT_EXPECT_EQ(test, dbdev_register(mgr, &c->dev, rc, 2), 0);
	KUNIT_EXPECT_EQ(test, reg1(mgr, e, DBDEV_PIO(0x40, 0x10)), 0);
	KUNIT_EXPECT_EQ(test, mmio_rd(mgr, 0x1000, 1, NULL), 0);
	KUNIT_EXPECT_EQ(test, pio_rd(mgr, 0x40, 1, NULL), 0);
	KUNIT_EXPECT_EQ(test, a->calls, 1U);
	KUNIT_EXPECT_EQ(test, e->calls, 1U);
	KUNIT_EXPECT_EQ(test, dbdev_unregister(mgr, &c->dev), 0);

	/* the second teardown releases a once more, c not at all */
	ctx->mgr2 = NULL;
	dbdev_manager_destroy(mgr);
	KUNIT_EXPECT_EQ(test, a->releases, 2U);
	KUNIT_EXPECT_EQ(test, c->releases, 1U);
	KUNIT_EXPECT_EQ(test, d->releases, 1U);
	KUNIT_EXPECT_EQ(test, b->releases, 0U);
}

/*
 * With a transaction open, teardown drops the transaction: what it staged
 * never was registered, what it unregistered still is.
 */
static void teardown_open_tx(struct kunit *test)
{
	struct core_ctx *ctx = test->priv;
	struct dbdev_manager *mgr = ctx->mgr;
	struct tdev *a = tdev_new(test);
	struct tdev *b = tdev_new(test);
	struct tdev *c = tdev_new(test);
	struct tdev *d = tdev_new(test);
	struct tdev *e = tdev_new(test);
	struct dbdev_resource r;
	struct dbdev_tx *tx;

	KUNIT_ASSERT_EQ(test, reg1(mgr, a, DBDEV_MMIO(0x1000, 0x10)), 0);
	KUNIT_ASSERT_EQ(test, reg1(mgr, b, DBDEV_MMIO(0x2000, 0x10)), 0);
	KUNIT_ASSERT_EQ(test, reg1(mgr, e, DBDEV_MMIO(0x5000, 0x10)), 0);
	KUNIT_ASSERT_EQ(test, dbdev_unregister(mgr, &e->dev), 0);

	tx = dbdev_tx_begin(mgr);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, tx);
	KUNIT_EXPECT_EQ(test, dbdev_tx_unregister(tx, &a->dev), 0);
	r = DBDEV_MMIO(0x3000, 0x10);
	KUNIT_EXPECT_EQ(test, dbdev_tx_register(tx, &c->dev, &r, 1), 0);
	r = DBDEV_MMIO(0x4000, 0x10);
	KUNIT_EXPECT_EQ(test, dbdev_tx_register(tx, &d->dev, &r, 1), 0);
	KUNIT_EXPECT_EQ(test, dbdev_tx_unregister(tx, &d->dev), 0);

	ctx->mgr = NULL;
	dbdev_manager_destroy(mgr);

	KUNIT_EXPECT_EQ(test, a->releases, 1U);
	KUNIT_EXPECT_EQ(test, b->releases, 1U);
	KUNIT_EXPECT_EQ(test, c->releases, 0U);
	KUNIT_EXPECT_EQ(test, d->releases, 0U);
	KUNIT_EXPECT_EQ(test, e->releases, 0U);

	/* nobody is left bound */
	mgr = ctx->mgr2;
	KUNIT_EXPECT_EQ(test, reg1(mgr, a, DBDEV_MMIO(0x1000, 0x10)), 0);
	KUNIT_EXPECT_EQ(test, reg1(mgr, c, DBDEV_MMIO(0x3000, 0x10)), 0);
	KUNIT_EXPECT_EQ(test, reg1(mgr, d, DBDEV_MMIO(0x4000, 0x10)), 0);
	KUNIT_EXPECT_EQ(test, mmio_rd(mgr, 0x3000, 1, NULL), 0);
	KUNIT_EXPECT_EQ(test, c->calls, 1U);
}

static void teardown_empty(struct kunit *test)
{
	struct core_ctx *ctx = test->priv;
	struct dbdev_manager *mgr = ctx->mgr;
	struct dbdev_tx *tx;

	ctx->mgr = NULL;
	dbdev_manager_destroy(mgr);

	/* with an empty transaction open */
	mgr = ctx->mgr2;
	tx = dbdev_tx_begin(mgr);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, tx);
	ctx->mgr2 = NULL;
	dbdev_manager_destroy(mgr);
}

static struct kunit_case dbdev_teardown_cases[] = {
	KUNIT_CASE(teardown_release),
	KUNIT_CASE(teardown_open_tx),
	KUNIT_CASE(teardown_empty),
	{}
};

static struct kunit_suite dbdev_teardown_suite = {
	.name = "dbdev_teardown",
	.init = core_init,
	.exit = core_exit,
	.test_cases = dbdev_teardown_cases,
};

/* ------------------------------------------------------------------------
 * dbdev_types
 */

static struct dbdev_device *ttype_create(const void *params)
{
	return ERR_PTR(-EOPNOTSUPP);
}

static void ttype_destroy(struct dbdev_device *dev)
{
}

static long ttype_save(struct dbdev_device *dev, void *buf, size_t len)
{
	return 0;
}

static int ttype_restore(struct dbdev_device *dev, u32 version,
			 const void *buf, size_t len)
{
	return 0;
}

static void types_register(struct kunit *test)
{
	struct dbdev_type *t;
	unsigned int i;

	static const struct dbdev_field wide = {
		.name = "wide", .offset = 12, .size = 8,
		.format = DBDEV_FIELD_UINT,
	};
	static const struct dbdev_field odd = {
		.name = "odd", .offset = 4, .size = 3,
		.format = DBDEV_FIELD_UINT,
	};
	static const struct dbdev_ctl_desc cmd = { .op = 1, .name = "cmd" };

	t = kunit_kcalloc(test, 9, sizeof(*t), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t);
	for (i = 0; i < 9; i++) {
		t[i].owner = THIS_MODULE;
		t[i].create = ttype_create;
		t[i].destroy = ttype_destroy;
	}
	/* 31 characters is the longest name */
	t[0].name = "kunit-type-0123456789abcdefghij";
	t[1].name = "kunit-type-0123456789abcdefghijk";
	t[2].name = "";
	t[3].name = "kunit-nocreate";
	t[3].create = NULL;
	t[4].name = "kunit-nodestroy";
	t[4].destroy = NULL;
	t[5].name = "kunit-type-0123456789abcdefghij";
	/* save and restore come together, with a state version */
	t[6].name = "kunit-save-only";
	t[6].save = ttype_save;
	t[6].state_version = 1;
	t[7].name = "kunit-no-version";
	t[7].save = ttype_save;
	t[7].restore = ttype_restore;
	t[8].name = "kunit-params";
	t[8].params_size = 16;
	t[8].params_min = 2;

	KUNIT_ASSERT_EQ(test, strlen(t[0].name), 31UL);
	KUNIT_EXPECT_EQ(test, dbdev_type_register(&t[1]), -EINVAL);
	KUNIT_EXPECT_EQ(test, dbdev_type_register(&t[2]), -EINVAL);
	KUNIT_EXPECT_EQ(test, dbdev_type_register(&t[3]), -EINVAL);
	KUNIT_EXPECT_EQ(test, dbdev_type_register(&t[4]), -EINVAL);
	KUNIT_EXPECT_EQ(test, dbdev_type_register(&t[6]), -EINVAL);
	KUNIT_EXPECT_EQ(test, dbdev_type_register(&t[7]), -EINVAL);
	KUNIT_EXPECT_EQ(test, dbdev_type_register(&t[8]), -EINVAL);
	t[8].params_min = 17;
	KUNIT_EXPECT_EQ(test, dbdev_type_register(&t[8]), -EINVAL);
	t[8].params_size = 8192;
	t[8].params_min = 8;
	KUNIT_EXPECT_EQ(test, dbdev_type_register(&t[8]), -EINVAL);
	/* descriptions the ABI could not give */
	t[8].params_size = 16;
	t[8].params = &wide;		/* past the end of the structure */
	t[8].nr_params = 1;
	KUNIT_EXPECT_EQ(test, dbdev_type_register(&t[8]), -EINVAL);
	t[8].params = &odd;		/* an integer of 3 bytes */
	KUNIT_EXPECT_EQ(test, dbdev_type_register(&t[8]), -EINVAL);
	t[8].nr_params = 0;
	t[8].ctls = &cmd;		/* commands without ->ctl */
	t[8].nr_ctls = 1;
	KUNIT_EXPECT_EQ(test, dbdev_type_register(&t[8]), -EINVAL);
	t[7].state_version = 1;
	KUNIT_ASSERT_EQ(test, dbdev_type_register(&t[7]), 0);
	dbdev_type_unregister(&t[7]);
	KUNIT_ASSERT_EQ(test, dbdev_type_register(&t[0]), 0);
	KUNIT_EXPECT_EQ(test, dbdev_type_register(&t[5]), -EEXIST);
	dbdev_type_unregister(&t[0]);
	/* the name is free again */
	KUNIT_ASSERT_EQ(test, dbdev_type_register(&t[5]), 0);
	dbdev_type_unregister(&t[5]);
}

static struct kunit_case dbdev_types_cases[] = {
	KUNIT_CASE(types_register),
	{}
};

static struct kunit_suite dbdev_types_suite = {
	.name = "dbdev_types",
	.test_cases = dbdev_types_cases,
};

kunit_test_suites(&dbdev_dispatch_suite, &dbdev_register_suite,
		  &dbdev_reentry_suite, &dbdev_teardown_suite,
		  &dbdev_types_suite);
