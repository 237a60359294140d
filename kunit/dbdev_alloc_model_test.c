// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite that replays thousands of random allocations and frees, from
 * a fixed seed, against a bitmap model of the pools and compares every
 * result.  The model scans its bitmap for the lowest base, aligned and
 * inside the request's window, where the whole block is free: the
 * allocator must return exactly that base, or -ENOSPC exactly when the
 * model finds none.  Frees are judged the same way, bad ones included (part
 * of a block, more than a block, one already freed, one twice in a call,
 * one a registered device holds), and a refused free changes nothing.
 *
 * Cases: port I/O with random sizes, alignments and windows; MSI vectors
 * of all three kinds; legacy IRQs, fixed and not; two MMIO windows.  Each
 * ends by freeing everything and filling its pools unit by unit, which
 * finds any free space the allocator lost or invented.
 */
#include <kunit/test.h>
#include <linux/bitmap.h>
#include <linux/bitops.h>
#include <linux/err.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/minmax.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "dbdev.h"

#define MODEL_OPS	6000	/* random operations per case */
#define MODEL_DEAD	16	/* freed resources remembered, for bad frees */
#define MODEL_OWNED	4	/* resources of the registered device */
#define MODEL_BUF	80	/* room for a resource or constraint in text */

/* One pool of the model: a bitmap of the units [lo, hi] in use. */
struct model_pool {
	u64 lo;
	u64 hi;
	unsigned long *used;
};

struct model_stats {
	unsigned int ops;
	unsigned int allocs;	/* dbdev_alloc() calls that succeeded */
	unsigned int frees;	/* dbdev_free() calls that succeeded */
	unsigned int refused;	/* dbdev_free() calls that failed */
	unsigned int enospc;
	unsigned int ebusy;
	unsigned int einval;
	unsigned int e2big;
};

/**
 * struct model - the allocator's pools of one kind, as a test sees them
 * @test: the running test
 * @mgr: the manager under test
 * @rng: xorshift64 state
 * @shift: log2 of the bytes in a unit: 0, or 12 for MMIO pages
 * @pool: the pools of the kind, in the order the allocator tries them
 * @nr_pools: how many of @pool are used
 * @live: the allocations not freed yet, in no order
 * @nr_live: how many
 * @dead: recently freed resources, a ring
 * @nr_dead: how many were ever put in @dead
 * @owned: resources of the registered device that lie inside one pool
 * @nr_owned: how many
 * @st: what happened so far
 */
struct model {
	struct kunit *test;
	struct dbdev_manager *mgr;
	u64 rng;
	unsigned int shift;
	struct model_pool pool[2];
	unsigned int nr_pools;
	struct dbdev_resource *live;
	unsigned int nr_live;
	struct dbdev_resource dead[MODEL_DEAD];
	unsigned int nr_dead;
	struct dbdev_resource owned[MODEL_OWNED];
	unsigned int nr_owned;
	struct model_stats st;
};

/**
 * struct model_kind - one case of the suite
 * @seed: the first state of the generator, not zero
 * @shift: as &model.shift
 * @alloc_percent: how often an operation allocates rather than frees
 * @setup: set the pools and register the device that holds some of them
 * @gen: make a random valid constraint of the kind
 * @unit: the smallest request of the kind, for the final fill
 */
struct model_kind {
	u64 seed;
	unsigned int shift;
	u32 alloc_percent;
	void (*setup)(struct model *m);
	void (*gen)(struct model *m, struct dbdev_constraint *con);
	struct dbdev_constraint unit;
};

/* xorshift64: a number in [0, @n), the same sequence on every run. */
static u32 model_rand(struct model *m, u32 n)
{
	u64 x = m->rng;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	m->rng = x;
	return (u32)(x >> 32) % n;
}

static bool model_chance(struct model *m, u32 percent)
{
	return model_rand(m, 100) < percent;
}

static const char *model_show(const struct dbdev_resource *r, char *buf)
{
	switch (r->type) {
	case DBDEV_RES_LEGACY_IRQ:
		snprintf(buf, MODEL_BUF, "irq %u", r->irq);
		break;
	case DBDEV_RES_MSI:
		snprintf(buf, MODEL_BUF, "msi type %d [%u +%u]", r->msi.type,
			 r->msi.base, r->msi.size);
		break;
	default:
		snprintf(buf, MODEL_BUF, "range type %d [%#llx +%#llx]", r->type,
			 r->range.base, r->range.size);
	}
	return buf;
}

static const char *model_show_con(const struct dbdev_constraint *con,
				  char *buf)
{
	snprintf(buf, MODEL_BUF,
		 "con type %d size %#llx align %#llx flags %u [%#llx, %#llx] fixed %u",
		 con->type, con->size, con->align, con->flags, con->min,
		 con->max, con->fixed);
	return buf;
}

static bool model_same(const struct dbdev_resource *a,
		       const struct dbdev_resource *b)
{
	if (a->type != b->type)
		return false;
	switch (a->type) {
	case DBDEV_RES_LEGACY_IRQ:
		return a->irq == b->irq;
	case DBDEV_RES_MSI:
		return a->msi.type == b->msi.type &&
		       a->msi.base == b->msi.base && a->msi.size == b->msi.size;
	default:
		return a->range.base == b->range.base &&
		       a->range.size == b->range.size;
	}
}

/* The units [*base, *last] that @r covers. */
static void model_key(const struct model *m, const struct dbdev_resource *r,
		      u64 *base, u64 *last)
{
	switch (r->type) {
	case DBDEV_RES_LEGACY_IRQ:
		*base = r->irq;
		*last = r->irq;
		break;
	case DBDEV_RES_MSI:
		*base = r->msi.base;
		*last = (u64)r->msi.base + r->msi.size - 1;
		break;
	default:
		*base = r->range.base >> m->shift;
		*last = (r->range.base + r->range.size - 1) >> m->shift;
	}
}

/* Mark the part of @r inside the pools used, or free. */
static void model_mark(struct model *m, const struct dbdev_resource *r,
		       bool used)
{
	unsigned int i;
	u64 base, last;

	model_key(m, r, &base, &last);
	for (i = 0; i < m->nr_pools; i++) {
		struct model_pool *p = &m->pool[i];
		u64 lo = max(base, p->lo), hi = min(last, p->hi);

		if (lo > hi)
			continue;
		if (used)
			bitmap_set(p->used, lo - p->lo, hi - lo + 1);
		else
			bitmap_clear(p->used, lo - p->lo, hi - lo + 1);
	}
}

/*
 * The lowest base aligned to @align inside [@lo, @hi] of @p where @size
 * units are free.  After a used unit, the next candidate is the first
 * aligned base above it: every base up to it would cover it too.
 */
static bool model_scan(const struct model_pool *p, u64 size, u64 align,
		       u64 lo, u64 hi, u64 *base)
{
	u64 b = round_up(lo, align), i;

	while (b <= hi && hi - b >= size - 1) {
		for (i = 0; i < size; i++)
			if (test_bit(b + i - p->lo, p->used))
				break;
		if (i == size) {
			*base = b;
			return true;
		}
		b = round_up(b + i + 1, align);
	}
	return false;
}

/*
 * Where dbdev_alloc() must place @con, by its documentation: 0 and the
 * resource in *@res, or the error.  A window is placed where it meets a
 * pool, and must meet one (-EINVAL); a fixed number must lie inside one
 * pool (-EINVAL); pools are tried in order; a fixed number that is taken
 * is -EBUSY; PCI MSI is aligned to its size rounded up to a power of two.
 */
static int model_place(const struct model *m,
		       const struct dbdev_constraint *con,
		       struct dbdev_resource *res)
{
	bool fixed = con->flags & DBDEV_CON_F_FIXED;
	bool window = fixed || (con->flags & DBDEV_CON_F_WINDOW);
	u64 size = con->size, align = 1, wlo = con->min, whi = con->max;
	unsigned int i;
	u64 base = 0;
	int err = -EINVAL;

	switch (con->type) {
	case DBDEV_CON_PIO:
	case DBDEV_CON_MMIO:
		size = con->size >> m->shift;
		align = max_t(u64, con->align >> m->shift, 1);
		wlo >>= m->shift;
		whi >>= m->shift;
		break;
	case DBDEV_CON_LEGACY_IRQ:
		wlo = con->fixed;
		whi = con->fixed;
		break;
	case DBDEV_CON_PCI_MSI:
		align = roundup_pow_of_two(con->size);
		break;
	default:
		break;
	}

	for (i = 0; i < m->nr_pools; i++) {
		const struct model_pool *p = &m->pool[i];
		u64 lo = window ? max(wlo, p->lo) : p->lo;
		u64 hi = window ? min(whi, p->hi) : p->hi;

		if ((fixed && (wlo < p->lo || whi > p->hi)) || lo > hi)
			continue;
		err = model_scan(p, size, align, lo, hi, &base) ? 0 : -ENOSPC;
		if (!err)
			break;
	}
	if (err == -ENOSPC && fixed)
		err = -EBUSY;
	if (err)
		return err;

	switch (con->type) {
	case DBDEV_CON_PIO:
		*res = DBDEV_PIO(base, con->size);
		break;
	case DBDEV_CON_MMIO:
		*res = DBDEV_MMIO(base << m->shift, con->size);
		break;
	case DBDEV_CON_LEGACY_IRQ:
		*res = DBDEV_LEGACY_IRQ(base);
		break;
	case DBDEV_CON_PCI_MSI:
		*res = DBDEV_MSI(DBDEV_MSI_PCI, base, con->size);
		break;
	case DBDEV_CON_PCI_MSIX:
		*res = DBDEV_MSI(DBDEV_MSI_PCI_MSIX, base, con->size);
		break;
	default:
		*res = DBDEV_MSI(DBDEV_MSI_GENERIC, base, con->size);
	}
	return 0;
}

static void model_count(struct model *m, int err)
{
	if (err == -ENOSPC)
		m->st.enospc++;
	else if (err == -EBUSY)
		m->st.ebusy++;
	else if (err == -EINVAL)
		m->st.einval++;
	else if (err == -E2BIG)
		m->st.e2big++;
}

/*
 * Allocate for @nr constraints, one result each, with room for @room, and
 * check the result against the model: all or nothing, in order.
 */
static void model_alloc(struct model *m, const struct dbdev_constraint *con,
			unsigned int nr, unsigned int room)
{
	struct kunit *test = m->test;
	struct dbdev_resource want[2], got[2];
	char b1[MODEL_BUF], b2[MODEL_BUF], b3[MODEL_BUF];
	unsigned int i, done = 0;
	int err = 0, ret;

	if (nr > room) {
		err = -E2BIG;
	} else {
		for (; done < nr; done++) {
			err = model_place(m, &con[done], &want[done]);
			if (err)
				break;
			model_mark(m, &want[done], true);
		}
		if (err)
			while (done--)
				model_mark(m, &want[done], false);
	}

	memset(got, 0, sizeof(got));
	ret = dbdev_alloc(m->mgr, con, nr, got, room);
	if (ret != (err ?: (int)nr))
		for (i = 0; i < nr; i++)
			kunit_err(test, "op %u: %s\n", m->st.ops,
				  model_show_con(&con[i], b1));
	KUNIT_ASSERT_EQ_MSG(test, ret, err ?: (int)nr, "op %u: %u constraints",
			    m->st.ops, nr);
	model_count(m, err);
	if (err)
		return;

	for (i = 0; i < nr; i++) {
		KUNIT_ASSERT_TRUE_MSG(test, model_same(&got[i], &want[i]),
				      "op %u: %s: got %s, want %s", m->st.ops,
				      model_show_con(&con[i], b1),
				      model_show(&got[i], b2),
				      model_show(&want[i], b3));
		m->live[m->nr_live++] = want[i];
	}
	m->st.allocs++;
}

static int model_find_live(const struct model *m,
			   const struct dbdev_resource *r)
{
	unsigned int i;

	for (i = 0; i < m->nr_live; i++)
		if (model_same(&m->live[i], r))
			return i;
	return -1;
}

static bool model_is_owned(const struct model *m,
			   const struct dbdev_resource *r)
{
	unsigned int i;

	for (i = 0; i < m->nr_owned; i++)
		if (model_same(&m->owned[i], r))
			return true;
	return false;
}

/*
 * Free @nr resources and check the result against the model: 0 if each is
 * a live allocation exactly and none comes twice; else the error of the
 * first bad entry: -EBUSY for one the registered device holds, -EINVAL for
 * the rest.  A refused free changes nothing.
 */
static void model_free(struct model *m, const struct dbdev_resource *res,
		       unsigned int nr)
{
	struct kunit *test = m->test;
	char b1[MODEL_BUF], b2[MODEL_BUF];
	int idx[2], err = 0, ret;
	unsigned int i, j;

	for (i = 0; i < nr && !err; i++) {
		idx[i] = model_find_live(m, &res[i]);
		if (model_is_owned(m, &res[i]))
			err = -EBUSY;
		else if (idx[i] < 0)
			err = -EINVAL;
		for (j = 0; j < i && !err; j++)
			if (idx[j] == idx[i])
				err = -EINVAL;
	}

	ret = dbdev_free(m->mgr, res, nr);
	KUNIT_ASSERT_EQ_MSG(test, ret, err, "op %u: free %s%s%s", m->st.ops,
			    model_show(&res[0], b1), nr > 1 ? " and " : "",
			    nr > 1 ? model_show(&res[1], b2) : "");
	if (err) {
		m->st.refused++;
		model_count(m, err);
		return;
	}

	/* the higher index first: removal moves the last entry down */
	if (nr > 1 && idx[1] > idx[0])
		swap(idx[0], idx[1]);
	for (i = 0; i < nr; i++) {
		struct dbdev_resource *r = &m->live[idx[i]];

		model_mark(m, r, false);
		m->dead[m->nr_dead++ % MODEL_DEAD] = *r;
		*r = m->live[--m->nr_live];
	}
	m->st.frees++;
}

/*
 * A resource over part of @r, or over more than @r, of the same kind.  A
 * legacy IRQ becomes a random line near the pool, allocated or not.
 */
static struct dbdev_resource model_resize(struct model *m,
					  const struct dbdev_resource *r,
					  bool part)
{
	struct dbdev_resource n = *r;
	u64 size, base, off = 0, len;
	bool below = false;

	switch (r->type) {
	case DBDEV_RES_LEGACY_IRQ:
		n.irq = m->pool[0].lo - 2 + model_rand(m, m->pool[0].hi -
						       m->pool[0].lo + 5);
		return n;
	case DBDEV_RES_MSI:
		base = r->msi.base;
		size = r->msi.size;
		break;
	default:
		base = r->range.base;
		size = r->range.size;
	}
	if (part && size > 1) {
		off = model_rand(m, size);
		len = 1 + model_rand(m, size - off);
		if (!off && len == size)
			len--;
	} else if (model_chance(m, 50)) {
		/* one more below: the pools do not start at 0 */
		below = true;
		len = size + 1;
	} else {
		len = size + 1 + model_rand(m, 4);
	}
	base = below ? base - 1 : base + off;
	if (r->type == DBDEV_RES_MSI) {
		n.msi.base = base;
		n.msi.size = len;
	} else {
		n.range.base = base;
		n.range.size = len;
	}
	return n;
}

/* One random free, good or bad. */
static void model_free_op(struct model *m)
{
	struct dbdev_resource r[2];
	unsigned int k = model_rand(m, 100), i;
	unsigned int nr = 1;

	i = model_rand(m, m->nr_live);
	r[0] = m->live[i];
	if (k < 55) {
		/* one allocation, whole */
	} else if (k < 65 && m->nr_live > 1) {
		/* two, in one call */
		r[1] = m->live[(i + 1 + model_rand(m, m->nr_live - 1)) %
			       m->nr_live];
		nr = 2;
	} else if (k < 70) {
		/* the same one twice */
		r[1] = r[0];
		nr = 2;
	} else if (k < 78) {
		r[0] = model_resize(m, &r[0], true);
	} else if (k < 84) {
		r[0] = model_resize(m, &r[0], false);
	} else if (k < 94 && m->nr_dead) {
		/* freed before, alone or after a live one */
		r[1] = m->dead[model_rand(m, min_t(unsigned int, m->nr_dead,
						   MODEL_DEAD))];
		if (model_chance(m, 50))
			r[0] = r[1];
		else
			nr = 2;
	} else if (m->nr_owned) {
		/* the registered device's, alone or after a live one */
		r[1] = m->owned[model_rand(m, m->nr_owned)];
		if (model_chance(m, 50))
			r[0] = r[1];
		else
			nr = 2;
	}
	model_free(m, r, nr);
}

/* The pools of @m: [@lo, @hi] in bytes or numbers, after those set. */
static void model_add_pool(struct model *m, u64 lo, u64 hi)
{
	struct model_pool *p = &m->pool[m->nr_pools++];

	p->lo = lo >> m->shift;
	p->hi = hi >> m->shift;
	p->used = kunit_kcalloc(m->test, BITS_TO_LONGS(p->hi - p->lo + 1),
				sizeof(long), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(m->test, p->used);
}

static void model_set_pools(struct model *m, struct dbdev_pool_config *cfg)
{
	KUNIT_ASSERT_EQ(m->test, dbdev_pools_set(m->mgr, cfg), 0);
}

static int model_dev_read(struct dbdev_caller *caller, struct dbdev_device *dev,
			  u64 base, u64 offset, void *data, unsigned int len)
{
	return 0;
}

static int model_dev_write(struct dbdev_caller *caller,
			   struct dbdev_device *dev, u64 base, u64 offset,
			   const void *data, unsigned int len)
{
	return 0;
}

static int model_dev_pio_read(struct dbdev_caller *caller,
			      struct dbdev_device *dev, u16 base, u16 offset,
			      void *data, unsigned int len)
{
	return 0;
}

static int model_dev_pio_write(struct dbdev_caller *caller,
			       struct dbdev_device *dev, u16 base, u16 offset,
			       const void *data, unsigned int len)
{
	return 0;
}

static const struct dbdev_device_ops model_dev_ops = {
	.read = model_dev_read,
	.write = model_dev_write,
	.pio_read = model_dev_pio_read,
	.pio_write = model_dev_pio_write,
};

/*
 * Register a device with @res: the parts inside the pools are used.  The
 * first @nr_free of them lie inside one pool and are tried in frees.
 */
static void model_own(struct model *m, const struct dbdev_resource *res,
		      unsigned int nr, unsigned int nr_free)
{
	struct dbdev_device *dev;
	unsigned int i;

	dev = kunit_kzalloc(m->test, sizeof(*dev), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(m->test, dev);
	dbdev_device_init(dev, &model_dev_ops, 0);
	KUNIT_ASSERT_EQ(m->test, dbdev_register(m->mgr, dev, res, nr), 0);
	for (i = 0; i < nr; i++) {
		model_mark(m, &res[i], true);
		if (i < nr_free)
			m->owned[m->nr_owned++] = res[i];
	}
}

/* Port I/O: 1024 ports; sizes 1 to 64, aligned to 1 to 64, some windows. */
static void model_pio_setup(struct model *m)
{
	const struct dbdev_resource owned[] = {
		DBDEV_PIO(0x1100, 0x10),
		DBDEV_PIO(0xff8, 0x10),		/* half below the pool */
	};
	struct dbdev_pool_config cfg;

	dbdev_pools_get(m->mgr, &cfg);
	cfg.pio = (struct dbdev_window){ 0x1000, 0x13ff };
	model_set_pools(m, &cfg);
	model_add_pool(m, 0x1000, 0x13ff);
	model_own(m, owned, ARRAY_SIZE(owned), 1);
}

static void model_pio_gen(struct model *m, struct dbdev_constraint *con)
{
	u64 size = 1 + model_rand(m, 64), align = 1ULL << model_rand(m, 7);
	u64 min;

	if (model_chance(m, 25)) {
		/* mostly inside the pool; some start below or end above it */
		min = 0x1000 - 0x10 + model_rand(m, 0x400 + 0x10);
		*con = DBDEV_CON_WINDOW(DBDEV_CON_PIO, size, align, min,
					min + model_rand(m, 0x100));
	} else {
		*con = DBDEV_CON_ADDR(DBDEV_CON_PIO, size, align, 0, 0, 0);
	}
}

/* MSI: 256 vectors; PCI MSI, MSI-X and generic blocks of 1 to 64. */
static void model_msi_setup(struct model *m)
{
	const struct dbdev_resource owned[] = {
		DBDEV_MSI(DBDEV_MSI_GENERIC, 100, 8),
		DBDEV_MSI(DBDEV_MSI_PCI, 16, 16),	/* half below the pool */
	};
	struct dbdev_pool_config cfg;

	dbdev_pools_get(m->mgr, &cfg);
	cfg.msi = (struct dbdev_window){ 24, 24 + 255 };
	model_set_pools(m, &cfg);
	model_add_pool(m, 24, 24 + 255);
	model_own(m, owned, ARRAY_SIZE(owned), 1);
}

static void model_msi_gen(struct model *m, struct dbdev_constraint *con)
{
	static const enum dbdev_con_type types[] = {
		DBDEV_CON_PCI_MSI, DBDEV_CON_PCI_MSIX, DBDEV_CON_GENERIC_MSI,
	};
	enum dbdev_con_type type = types[model_rand(m, ARRAY_SIZE(types))];
	u32 max = model_chance(m, 50) ? 8 : 64;

	if (type == DBDEV_CON_PCI_MSI)
		max = min_t(u32, max, DBDEV_PCI_MSI_MAX);
	*con = DBDEV_CON_MSI(type, 1 + model_rand(m, max));
}

/* Legacy IRQs: 32 lines; any, or a fixed one in or near the pool. */
static void model_irq_setup(struct model *m)
{
	const struct dbdev_resource owned[] = {
		DBDEV_LEGACY_IRQ(7),
		DBDEV_LEGACY_IRQ(30),
		DBDEV_LEGACY_IRQ(3),		/* outside the pool */
	};
	struct dbdev_pool_config cfg;

	dbdev_pools_get(m->mgr, &cfg);
	cfg.legacy_irq = (struct dbdev_window){ 5, 36 };
	model_set_pools(m, &cfg);
	model_add_pool(m, 5, 36);
	model_own(m, owned, ARRAY_SIZE(owned), 2);
}

static void model_irq_gen(struct model *m, struct dbdev_constraint *con)
{
	if (model_chance(m, 50))
		*con = DBDEV_CON_LEGACY_IRQ();
	else
		*con = DBDEV_CON_LEGACY_IRQ_AT(model_rand(m, 40));
}

/* MMIO: two windows of 256 pages; 1 to 16 pages aligned to 1 to 16. */
#define MODEL_MMIO0	0xd0000000ULL
#define MODEL_MMIO1	0xe0000000ULL
#define MODEL_MMIO_LEN	0x100000ULL

static void model_mmio_setup(struct model *m)
{
	const struct dbdev_resource owned[] = {
		DBDEV_MMIO(MODEL_MMIO0 + 0x80000, 0x2000),
		DBDEV_MMIO(MODEL_MMIO1 - 0x1000, 0x2000),	/* straddles */
	};
	struct dbdev_pool_config cfg;

	dbdev_pools_get(m->mgr, &cfg);
	cfg.mmio[0] = (struct dbdev_window){ MODEL_MMIO0,
					     MODEL_MMIO0 + MODEL_MMIO_LEN - 1 };
	cfg.mmio[1] = (struct dbdev_window){ MODEL_MMIO1,
					     MODEL_MMIO1 + MODEL_MMIO_LEN - 1 };
	cfg.nr_mmio = 2;
	model_set_pools(m, &cfg);
	model_add_pool(m, cfg.mmio[0].min, cfg.mmio[0].max);
	model_add_pool(m, cfg.mmio[1].min, cfg.mmio[1].max);
	model_own(m, owned, ARRAY_SIZE(owned), 1);
}

static void model_mmio_gen(struct model *m, struct dbdev_constraint *con)
{
	u64 size = (1 + model_rand(m, 16)) * 0x1000;
	u64 align = 0x1000ULL << model_rand(m, 5);
	u64 min, max;

	if (model_chance(m, 25)) {
		/* in or near one window; now and then from one to the other */
		min = model_chance(m, 50) ? MODEL_MMIO0 : MODEL_MMIO1;
		min += model_rand(m, 256 + 8) * 0x1000ULL - 4 * 0x1000ULL;
		max = min + (1 + model_rand(m, 64)) * 0x1000ULL - 1;
		if (min < MODEL_MMIO1 && model_chance(m, 3))
			max = MODEL_MMIO1 + 0xffff;
		*con = DBDEV_CON_WINDOW(DBDEV_CON_MMIO, size, align, min, max);
	} else {
		*con = DBDEV_CON_ADDR(DBDEV_CON_MMIO, size, align, 0, 0, 0);
	}
}

static void model_run(struct kunit *test, const struct model_kind *kind)
{
	unsigned int nr, units = 0, used = 0, enospc, i;
	struct dbdev_constraint con[2];
	struct model *m;

	m = kunit_kzalloc(test, sizeof(*m), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, m);
	m->test = test;
	m->mgr = test->priv;
	m->rng = kind->seed;
	m->shift = kind->shift;
	kind->setup(m);
	for (i = 0; i < m->nr_pools; i++) {
		units += m->pool[i].hi - m->pool[i].lo + 1;
		used += bitmap_weight(m->pool[i].used,
				      m->pool[i].hi - m->pool[i].lo + 1);
	}
	/* every allocation takes a unit at least */
	m->live = kunit_kcalloc(test, units, sizeof(*m->live), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, m->live);

	for (m->st.ops = 0; m->st.ops < MODEL_OPS; m->st.ops++) {
		if (m->nr_live && !model_chance(m, kind->alloc_percent)) {
			model_free_op(m);
			continue;
		}
		nr = model_chance(m, 10) ? 2 : 1;
		for (i = 0; i < nr; i++)
			kind->gen(m, &con[i]);
		/* now and then too little room for the results */
		model_alloc(m, con, nr, model_chance(m, 2) ? nr - 1 : 2);
	}

	kunit_info(test,
		   "seed %#llx: %u operations, %u allocs, %u frees, %u ENOSPC, %u EBUSY, %u EINVAL, %u E2BIG, %u frees refused, %u live\n",
		   kind->seed, m->st.ops, m->st.allocs, m->st.frees,
		   m->st.enospc, m->st.ebusy, m->st.einval, m->st.e2big,
		   m->st.refused, m->nr_live);
	KUNIT_EXPECT_GE(test, m->st.ops, 5000U);
	KUNIT_EXPECT_GE(test, m->st.allocs, 1000U);
	KUNIT_EXPECT_GE(test, m->st.frees, 1000U);
	KUNIT_EXPECT_GE(test, m->st.enospc, 100U);
	KUNIT_EXPECT_GE(test, m->st.refused, 100U);
	KUNIT_EXPECT_GE(test, m->st.einval, 50U);

	/*
	 * Free the rest, then fill the pools one unit at a time: the units
	 * come lowest first, and exactly those the device does not hold.
	 */
	while (m->nr_live)
		model_free(m, &m->live[model_rand(m, m->nr_live)], 1);
	enospc = m->st.enospc;
	for (i = 0; i <= units && m->st.enospc == enospc; i++)
		model_alloc(m, &kind->unit, 1, 1);
	KUNIT_EXPECT_EQ(test, m->st.enospc, enospc + 1);
	KUNIT_EXPECT_EQ(test, m->nr_live, units - used);
}

static void model_pio(struct kunit *test)
{
	const struct model_kind kind = {
		.seed = 0x9e3779b97f4a7c15ULL,
		.alloc_percent = 60,
		.setup = model_pio_setup,
		.gen = model_pio_gen,
		.unit = DBDEV_CON_PIO(1),
	};

	model_run(test, &kind);
}

static void model_msi(struct kunit *test)
{
	const struct model_kind kind = {
		.seed = 0x2545f4914f6cdd1dULL,
		.alloc_percent = 60,
		.setup = model_msi_setup,
		.gen = model_msi_gen,
		.unit = DBDEV_CON_MSI(DBDEV_CON_GENERIC_MSI, 1),
	};

	model_run(test, &kind);
}

static void model_irq(struct kunit *test)
{
	const struct model_kind kind = {
		.seed = 0x5851f42d4c957f2dULL,
		.alloc_percent = 65,
		.setup = model_irq_setup,
		.gen = model_irq_gen,
		.unit = DBDEV_CON_LEGACY_IRQ(),
	};

	model_run(test, &kind);
}

static void model_mmio(struct kunit *test)
{
	const struct model_kind kind = {
		.seed = 0x853c49e6748fea9bULL,
		.shift = 12,
		.alloc_percent = 60,
		.setup = model_mmio_setup,
		.gen = model_mmio_gen,
		.unit = DBDEV_CON_MMIO(0x1000),
	};

	model_run(test, &kind);
}

static int model_init(struct kunit *test)
{
	struct dbdev_manager *mgr = dbdev_manager_create();

	if (IS_ERR_OR_NULL(mgr))
		return -ENOMEM;
	test->priv = mgr;
	return 0;
}

static void model_exit(struct kunit *test)
{
	if (test->priv)
		dbdev_manager_destroy(test->priv);
}

static struct kunit_case dbdev_alloc_model_cases[] = {
	KUNIT_CASE(model_pio),
	KUNIT_CASE(model_msi),
	KUNIT_CASE(model_irq),
	KUNIT_CASE(model_mmio),
	{}
};

static struct kunit_suite dbdev_alloc_model_suite = {
	.name = "dbdev_alloc_model",
	.init = model_init,
	.exit = model_exit,
	.test_cases = dbdev_alloc_model_cases,
};

kunit_test_suites(&dbdev_alloc_model_suite);
