// SPDX-License-Identifier: GPL-2.0
/*
 * dbdev resource pools and the allocator that turns constraints into
 * resources.
 *
 * A pool is a window [lo, hi] of addresses or numbers and an rbtree of the
 * extents in use, keyed by base.  Each extent also knows the free gap just
 * below it (down to the previous extent, or to lo) and the largest such gap
 * in its subtree.  Free space is implicit: freeing an extent folds it and
 * its gap into the gap of the next extent, so neighbours coalesce with no
 * extra work, and nothing can be freed that was not allocated.
 *
 * First fit walks the tree in address order and skips every subtree whose
 * largest gap is smaller than the request or that lies outside the window.
 * It visits O(log n) extents plus the gaps that are large enough but fail
 * only on alignment (each shorter than size + align - 1); with alignment 1,
 * or gaps that start aligned, it is O(log n).  Insertion and removal are
 * O(log n).  The same code serves port and memory addresses, interrupt
 * lines, MSI vectors, KVM slots and MAC addresses.
 *
 * Locking: everything here runs under the manager's lock; the entry points
 * that know their manager assert it.
 */
#include <linux/log2.h>
#include <linux/minmax.h>
#include <linux/rbtree_augmented.h>
#include <linux/slab.h>

#include "dbdev_internal.h"

static const struct dbdev_pool_config dbdev_pool_defaults = {
	.pio = { 0, DBDEV_PIO_LIMIT - 1 },
	.mmio = {
		{ 0xd0000000, 0xfebfffff },
		{ 0x8000000000, 0xffffffffff },
	},
	.nr_mmio = 2,
	.mem = { 0x100000000, 0x7fffffffff },
	.legacy_irq = { 5, 23 },
	.msi = { 24, 4095 },
	.kvm_slot = { 0, 32763 },
	.mac_prefix = { 0x02, 0xdb, 0xde },
};

/* A MAC address in a pool is its last three bytes, as a number. */
static u64 dbdev_mac_suffix(const u8 *mac)
{
	return mac[3] << 16 | mac[4] << 8 | mac[5];
}

/* The MAC address with number @suffix in the pool. */
static struct dbdev_resource dbdev_pool_mac(const struct dbdev_pools *p,
					    u64 suffix)
{
	struct dbdev_resource r = { .type = DBDEV_RES_MAC };

	memcpy(r.mac, p->cfg.mac_prefix, DBDEV_MAC_PREFIX_LEN);
	r.mac[3] = suffix >> 16;
	r.mac[4] = suffix >> 8;
	r.mac[5] = suffix;
	return r;
}

static void dbdev_pools_assert_locked(struct dbdev_pools *p)
{
	lockdep_assert_held(&container_of(p, struct dbdev_manager, pools)->lock);
}

static u64 dbdev_extent_gap(struct dbdev_extent *e)
{
	return e->gap;
}

RB_DECLARE_CALLBACKS_MAX(static, dbdev_extent_cb, struct dbdev_extent, rb,
			 u64, max_gap, dbdev_extent_gap);

static struct dbdev_extent *dbdev_extent_of(struct rb_node *rb)
{
	return rb ? rb_entry(rb, struct dbdev_extent, rb) : NULL;
}

/* Free numbers between @prev (or the pool's start) and @base. */
static u64 dbdev_gap_below(const struct dbdev_pool *pool,
			   const struct dbdev_extent *prev, u64 base)
{
	return base - (prev ? prev->last + 1 : pool->lo);
}

/* The extent with the greatest base not above @addr, or %NULL. */
static struct dbdev_extent *dbdev_pool_floor(const struct dbdev_pool *pool,
					     u64 addr)
{
	struct rb_node *rb = pool->root.rb_node;
	struct dbdev_extent *best = NULL;

	while (rb) {
		struct dbdev_extent *e = dbdev_extent_of(rb);

		if (addr < e->base) {
			rb = rb->rb_left;
		} else {
			best = e;
			rb = rb->rb_right;
		}
	}
	return best;
}

/* Mark [@e->base, @e->last] used; it must be free and inside @pool. */
static void dbdev_pool_insert(struct dbdev_pool *pool, struct dbdev_extent *e)
{
	struct rb_node **link = &pool->root.rb_node, *parent = NULL, *rb;
	struct dbdev_extent *prev = NULL, *next = NULL;

	while (*link) {
		parent = *link;
		if (e->base < dbdev_extent_of(parent)->base) {
			next = dbdev_extent_of(parent);
			link = &parent->rb_left;
		} else {
			prev = dbdev_extent_of(parent);
			link = &parent->rb_right;
		}
	}
	e->pool = pool;
	e->gap = dbdev_gap_below(pool, prev, e->base);
	e->max_gap = e->gap;

	/* the new gap counts in every subtree it joins, before rebalancing */
	for (rb = parent; rb; rb = rb_parent(rb)) {
		struct dbdev_extent *a = dbdev_extent_of(rb);

		if (a->max_gap >= e->gap)
			break;
		a->max_gap = e->gap;
	}
	rb_link_node(&e->rb, parent, link);
	rb_insert_augmented(&e->rb, &pool->root, &dbdev_extent_cb);

	/* the gap below the next extent now ends at the new one */
	if (next) {
		next->gap = dbdev_gap_below(pool, e, next->base);
		dbdev_extent_cb_propagate(&next->rb, NULL);
	}
}

/* Give [@e->base, @e->last] back; it merges with the gaps around it. */
static void dbdev_pool_erase(struct dbdev_extent *e)
{
	struct dbdev_pool *pool = e->pool;
	struct dbdev_extent *prev = dbdev_extent_of(rb_prev(&e->rb));
	struct dbdev_extent *next = dbdev_extent_of(rb_next(&e->rb));

	rb_erase_augmented(&e->rb, &pool->root, &dbdev_extent_cb);
	if (next) {
		next->gap = dbdev_gap_below(pool, prev, next->base);
		dbdev_extent_cb_propagate(&next->rb, NULL);
	}
}

/* What a request needs: @size numbers aligned to @align inside [lo, hi]. */
struct dbdev_fit {
	u64 size;
	u64 align;
	u64 lo;
	u64 hi;
};

/* The lowest fitting base inside [@start, @end] and the request's window. */
static bool dbdev_fit_in(const struct dbdev_fit *f, u64 start, u64 end,
			 u64 *base)
{
	u64 a;

	start = max(start, f->lo);
	end = min(end, f->hi);
	if (start > end)
		return false;
	a = round_down(start, f->align);
	if (a != start) {
		if (a > U64_MAX - f->align)
			return false;
		a += f->align;
	}
	if (a > end || end - a < f->size - 1)
		return false;
	*base = a;
	return true;
}

/*
 * The lowest fit in the gaps below the extents of the subtree at @rb.  The
 * recursion follows left children only, so it is as deep as the tree:
 * about 2 * log2(n).
 */
static bool dbdev_pool_search(struct rb_node *rb, const struct dbdev_fit *f,
			      u64 *base)
{
	while (rb) {
		struct dbdev_extent *e = dbdev_extent_of(rb);

		if (e->max_gap < f->size)
			return false;
		if (e->base > f->lo && dbdev_pool_search(rb->rb_left, f, base))
			return true;
		if (e->gap >= f->size &&
		    dbdev_fit_in(f, e->base - e->gap, e->base - 1, base))
			return true;
		if (e->last >= f->hi)
			return false;
		rb = rb->rb_right;
	}
	return false;
}

static int dbdev_pool_find(const struct dbdev_pool *pool,
			   const struct dbdev_fit *f, u64 *base)
{
	struct dbdev_extent *last = dbdev_extent_of(rb_last(&pool->root));

	if (dbdev_pool_search(pool->root.rb_node, f, base))
		return 0;
	if (!last)
		return dbdev_fit_in(f, pool->lo, pool->hi, base) ? 0 : -ENOSPC;
	if (last->last < pool->hi &&
	    dbdev_fit_in(f, last->last + 1, pool->hi, base))
		return 0;
	return -ENOSPC;
}

/* The pools a resource or constraint type draws from: [*first, *end). */
static void dbdev_pools_span(const struct dbdev_pools *p,
			     enum dbdev_pool_id id, unsigned int *first,
			     unsigned int *end)
{
	*first = id;
	*end = id == DBDEV_POOL_MMIO ? id + p->cfg.nr_mmio : id + 1;
}

/*
 * The numbers [*base, *last] that resource @r takes in the pools of kind
 * *@id.  False for a MAC address outside the pool's prefix.
 */
static bool dbdev_res_key(const struct dbdev_pools *p,
			  const struct dbdev_resource *r,
			  enum dbdev_pool_id *id, u64 *base, u64 *last)
{
	switch (r->type) {
	case DBDEV_RES_PIO:
	case DBDEV_RES_MMIO:
	case DBDEV_RES_MEM:
		*id = r->type == DBDEV_RES_PIO ? DBDEV_POOL_PIO :
		      r->type == DBDEV_RES_MMIO ? DBDEV_POOL_MMIO :
						  DBDEV_POOL_MEM;
		*base = r->range.base;
		*last = r->range.base + r->range.size - 1;
		return true;
	case DBDEV_RES_LEGACY_IRQ:
		*id = DBDEV_POOL_LEGACY_IRQ;
		*base = r->irq;
		break;
	case DBDEV_RES_MSI:
		*id = DBDEV_POOL_MSI;
		*base = r->msi.base;
		*last = (u64)r->msi.base + r->msi.size - 1;
		return true;
	case DBDEV_RES_KVM_SLOT:
		*id = DBDEV_POOL_KVM_SLOT;
		*base = r->slot;
		break;
	default:
		if (memcmp(r->mac, p->cfg.mac_prefix, DBDEV_MAC_PREFIX_LEN))
			return false;
		*id = DBDEV_POOL_MAC;
		*base = dbdev_mac_suffix(r->mac);
		break;
	}
	*last = *base;
	return true;
}

/**
 * dbdev_res_extents() - how many extents an explicit resource may need
 * @r: the resource
 *
 * Return: one per pool it can overlap: every MMIO window for MMIO, else 1.
 */
unsigned int dbdev_res_extents(const struct dbdev_resource *r)
{
	return r->type == DBDEV_RES_MMIO ? DBDEV_MAX_MMIO_WINDOWS : 1;
}

/**
 * dbdev_pools_overlap() - an extent in use that overlaps resource @r
 * @p: the manager's pools
 * @r: the resource, already validated
 *
 * Return: the lowest such extent of the first pool that has one, or %NULL.
 */
struct dbdev_extent *dbdev_pools_overlap(struct dbdev_pools *p,
					 const struct dbdev_resource *r)
{
	unsigned int i, end;
	enum dbdev_pool_id id;
	u64 base, last;

	dbdev_pools_assert_locked(p);
	if (!dbdev_res_key(p, r, &id, &base, &last))
		return NULL;
	dbdev_pools_span(p, id, &i, &end);
	for (; i < end; i++) {
		struct dbdev_pool *pool = &p->pool[i];
		u64 lo = max(base, pool->lo), hi = min(last, pool->hi);
		struct dbdev_extent *hit;

		if (lo > hi)
			continue;
		hit = dbdev_pool_floor(pool, hi);
		if (hit && hit->last >= lo)
			return hit;
	}
	return NULL;
}

/**
 * dbdev_pools_holder() - the resource an extent in use was made for
 * @p: the manager's pools
 * @e: an extent in a pool
 *
 * An explicit resource may have been clipped to the pool; this is the
 * whole resource, as its owner has it.
 *
 * Return: the resource, in the owner's list.
 */
const struct dbdev_resource *dbdev_pools_holder(struct dbdev_pools *p,
						const struct dbdev_extent *e)
{
	const struct dbdev_resources *list = &e->owner->assigned;
	unsigned int i, first, end;
	enum dbdev_pool_id id;
	u64 base, last;

	dbdev_pools_assert_locked(p);
	for (i = 0; i < list->nr; i++) {
		if (!dbdev_res_key(p, &list->res[i], &id, &base, &last))
			continue;
		dbdev_pools_span(p, id, &first, &end);
		if (e->pool >= &p->pool[first] && e->pool < &p->pool[end] &&
		    base <= e->base && e->last <= last)
			return &list->res[i];
	}
	WARN_ON_ONCE(1);	/* every extent comes from its owner's list */
	return &list->res[0];
}

/**
 * dbdev_pools_reserve() - mark an explicit resource used
 * @p: the manager's pools
 * @r: the resource, already validated
 * @ext: room for dbdev_res_extents(@r) unused extents
 *
 * The part of @r inside each pool of its kind is marked used there; a
 * resource outside every pool is not tracked.
 *
 * Return: how many of @ext were used (0 if none), or -EBUSY if any part of
 * @r is in use already, which leaves the pools unchanged.
 */
int dbdev_pools_reserve(struct dbdev_pools *p, const struct dbdev_resource *r,
			struct dbdev_extent *ext)
{
	unsigned int first, end, i, n = 0;
	enum dbdev_pool_id id;
	u64 base, last;

	dbdev_pools_assert_locked(p);
	if (!dbdev_res_key(p, r, &id, &base, &last))
		return 0;
	if (dbdev_pools_overlap(p, r))
		return -EBUSY;
	dbdev_pools_span(p, id, &first, &end);
	for (i = first; i < end; i++) {
		struct dbdev_pool *pool = &p->pool[i];

		ext[n].base = max(base, pool->lo);
		ext[n].last = min(last, pool->hi);
		if (ext[n].base <= ext[n].last)
			dbdev_pool_insert(pool, &ext[n++]);
	}
	return n;
}

/**
 * dbdev_pools_release() - give an extent back to its pool, if it has one
 * @e: the extent
 *
 * @e remembers its pool, for dbdev_pools_restore().
 */
void dbdev_pools_release(struct dbdev_extent *e)
{
	if (e->pool)
		dbdev_pool_erase(e);
}

/**
 * dbdev_pools_restore() - take back an extent released in a transaction
 * @e: the extent, released by dbdev_pools_release()
 *
 * Undoing the later steps first left its place free, so this cannot fail.
 */
void dbdev_pools_restore(struct dbdev_extent *e)
{
	if (e->pool)
		dbdev_pool_insert(e->pool, e);
}

/* Where a constraint type is placed and how it is aligned. */
static enum dbdev_pool_id dbdev_con_pool(const struct dbdev_constraint *con,
					 u64 *align)
{
	*align = 1;
	switch (con->type) {
	case DBDEV_CON_PIO:
		*align = con->align;
		return DBDEV_POOL_PIO;
	case DBDEV_CON_MMIO:
		*align = con->align;
		return DBDEV_POOL_MMIO;
	case DBDEV_CON_MEM:
		*align = con->align;
		return DBDEV_POOL_MEM;
	case DBDEV_CON_LEGACY_IRQ:
		return DBDEV_POOL_LEGACY_IRQ;
	case DBDEV_CON_PCI_MSI:
		*align = roundup_pow_of_two(con->size);
		return DBDEV_POOL_MSI;
	case DBDEV_CON_PCI_MSIX:
	case DBDEV_CON_GENERIC_MSI:
		return DBDEV_POOL_MSI;
	case DBDEV_CON_KVM_SLOT:
		return DBDEV_POOL_KVM_SLOT;
	default:
		return DBDEV_POOL_MAC;
	}
}

/**
 * dbdev_con_outputs() - how many resources a constraint turns into
 * @con: the constraint, already validated
 *
 * Return: the slot count for KVM slots (one resource per slot), else 1;
 * at most %DBDEV_MAX_RESOURCES + 1, which is too many anyway, so that sums
 * over a list of constraints cannot wrap.
 */
unsigned int dbdev_con_outputs(const struct dbdev_constraint *con)
{
	if (con->type != DBDEV_CON_KVM_SLOT)
		return 1;
	return min_t(u64, con->size, DBDEV_MAX_RESOURCES + 1);
}

/* The resource that @con placed at @base describes. */
static struct dbdev_resource dbdev_con_resource(const struct dbdev_pools *p,
						const struct dbdev_constraint *con,
						u64 base)
{
	switch (con->type) {
	case DBDEV_CON_PIO:
		return DBDEV_PIO(base, con->size);
	case DBDEV_CON_MMIO:
		return DBDEV_MMIO(base, con->size);
	case DBDEV_CON_MEM:
		return DBDEV_MEM(base, con->size);
	case DBDEV_CON_LEGACY_IRQ:
		return DBDEV_LEGACY_IRQ(base);
	case DBDEV_CON_KVM_SLOT:
		return DBDEV_KVM_SLOT(base);
	case DBDEV_CON_MAC:
		return dbdev_pool_mac(p, base);
	default:
		return DBDEV_MSI(dbdev_con_msi_type(con->type), base, con->size);
	}
}

/* Place one valid constraint; fill dbdev_con_outputs() entries. */
static int dbdev_pools_place(struct dbdev_pools *p,
			     const struct dbdev_constraint *con,
			     struct dbdev_resource *res, struct dbdev_extent *ext)
{
	bool fixed = con->flags & DBDEV_CON_F_FIXED;
	bool window = fixed || (con->flags & DBDEV_CON_F_WINDOW);
	u64 lo = fixed ? con->fixed : con->min;
	u64 hi = fixed ? con->fixed + con->size - 1 : con->max;
	struct dbdev_fit f = { .size = con->size };
	struct dbdev_pool *pool = NULL;
	unsigned int i, end;
	int err = -EINVAL;
	u64 base, n;

	dbdev_pools_span(p, dbdev_con_pool(con, &f.align), &i, &end);
	for (; i < end; i++) {
		pool = &p->pool[i];
		/* a fixed number lies inside a pool; a window meets it */
		if (fixed && (lo < pool->lo || hi > pool->hi))
			continue;
		f.lo = window ? max(lo, pool->lo) : pool->lo;
		f.hi = window ? min(hi, pool->hi) : pool->hi;
		if (f.lo > f.hi)
			continue;
		err = dbdev_pool_find(pool, &f, &base);
		if (!err)
			break;
	}
	if (err == -ENOSPC && fixed)
		err = -EBUSY;
	if (err)
		return err;

	if (con->type != DBDEV_CON_KVM_SLOT) {
		res[0] = dbdev_con_resource(p, con, base);
		ext[0].base = base;
		ext[0].last = base + con->size - 1;
		dbdev_pool_insert(pool, &ext[0]);
		return 0;
	}
	for (n = 0; n < con->size; n++) {
		res[n] = dbdev_con_resource(p, con, base + n);
		ext[n].base = base + n;
		ext[n].last = base + n;
		dbdev_pool_insert(pool, &ext[n]);
	}
	return 0;
}

/**
 * dbdev_pools_alloc() - place a list of constraints, all or nothing
 * @p: the manager's pools
 * @con: the constraints, already validated
 * @nr: how many
 * @res: filled with the resources, in constraint order
 * @ext: their extents, one per resource, unused so far
 *
 * @res and @ext have room for the sum of dbdev_con_outputs() over @con.
 *
 * A window is placed where it meets a pool of its kind: in their
 * intersection.
 *
 * Return: 0; -ENOSPC if something does not fit, -EBUSY if a fixed IRQ or
 * slot is taken, -EINVAL if a window meets no pool of its kind or a fixed
 * number does not lie inside one.  On error the pools are as before.
 */
int dbdev_pools_alloc(struct dbdev_pools *p,
		      const struct dbdev_constraint *con, unsigned int nr,
		      struct dbdev_resource *res, struct dbdev_extent *ext)
{
	unsigned int i, done = 0;
	int err;

	dbdev_pools_assert_locked(p);
	for (i = 0; i < nr; i++) {
		err = dbdev_pools_place(p, &con[i], &res[done], &ext[done]);
		if (err) {
			while (done--)
				dbdev_pool_erase(&ext[done]);
			return err;
		}
		done += dbdev_con_outputs(&con[i]);
	}
	return 0;
}

/**
 * dbdev_pools_find() - the extent allocated for exactly resource @r
 * @p: the manager's pools
 * @r: the resource, already validated
 *
 * Return: the extent, or %NULL if @r is not exactly one allocation.
 */
struct dbdev_extent *dbdev_pools_find(struct dbdev_pools *p,
				      const struct dbdev_resource *r)
{
	struct dbdev_extent *e;
	enum dbdev_pool_id id;
	u64 base, last;

	/* an exact allocation is the one extent that overlaps it */
	if (!dbdev_res_key(p, r, &id, &base, &last))
		return NULL;
	e = dbdev_pools_overlap(p, r);
	return e && e->base == base && e->last == last ? e : NULL;
}

static bool dbdev_window_ok(const struct dbdev_window *w, u64 limit)
{
	return w->min <= w->max && w->max <= limit;
}

/**
 * dbdev_pools_configure() - check and install a pool configuration
 * @p: the manager's pools
 * @cfg: the configuration, or %NULL for the defaults
 *
 * The caller makes sure nothing is allocated or reserved.
 *
 * Return: 0, or -EINVAL if @cfg is malformed.
 */
int dbdev_pools_configure(struct dbdev_pools *p,
			  const struct dbdev_pool_config *cfg)
{
	unsigned int i;

	if (!cfg)
		cfg = &dbdev_pool_defaults;
	if (!dbdev_window_ok(&cfg->pio, DBDEV_PIO_LIMIT - 1) ||
	    !cfg->nr_mmio || cfg->nr_mmio > DBDEV_MAX_MMIO_WINDOWS ||
	    !dbdev_window_ok(&cfg->mem, U64_MAX) ||
	    !dbdev_window_ok(&cfg->legacy_irq, U32_MAX) ||
	    !dbdev_window_ok(&cfg->msi, U32_MAX) ||
	    !dbdev_window_ok(&cfg->kvm_slot, U32_MAX) ||
	    !(cfg->mac_prefix[0] & 0x02) || (cfg->mac_prefix[0] & 0x01))
		return -EINVAL;
	for (i = 0; i < cfg->nr_mmio; i++) {
		if (!dbdev_window_ok(&cfg->mmio[i], U64_MAX))
			return -EINVAL;
		if (i && cfg->mmio[i].min <= cfg->mmio[i - 1].max)
			return -EINVAL;
	}

	p->cfg = *cfg;
	memset(&p->cfg.mmio[cfg->nr_mmio], 0,
	       (DBDEV_MAX_MMIO_WINDOWS - cfg->nr_mmio) * sizeof(cfg->mmio[0]));
	for (i = 0; i < DBDEV_NR_POOLS; i++)
		p->pool[i].root = RB_ROOT;
	p->pool[DBDEV_POOL_PIO].lo = cfg->pio.min;
	p->pool[DBDEV_POOL_PIO].hi = cfg->pio.max;
	for (i = 0; i < cfg->nr_mmio; i++) {
		p->pool[DBDEV_POOL_MMIO + i].lo = cfg->mmio[i].min;
		p->pool[DBDEV_POOL_MMIO + i].hi = cfg->mmio[i].max;
	}
	p->pool[DBDEV_POOL_MEM].lo = cfg->mem.min;
	p->pool[DBDEV_POOL_MEM].hi = cfg->mem.max;
	p->pool[DBDEV_POOL_LEGACY_IRQ].lo = cfg->legacy_irq.min;
	p->pool[DBDEV_POOL_LEGACY_IRQ].hi = cfg->legacy_irq.max;
	p->pool[DBDEV_POOL_MSI].lo = cfg->msi.min;
	p->pool[DBDEV_POOL_MSI].hi = cfg->msi.max;
	p->pool[DBDEV_POOL_KVM_SLOT].lo = cfg->kvm_slot.min;
	p->pool[DBDEV_POOL_KVM_SLOT].hi = cfg->kvm_slot.max;
	p->pool[DBDEV_POOL_MAC].lo = 0;
	p->pool[DBDEV_POOL_MAC].hi = BIT(8 * (ETH_ALEN - DBDEV_MAC_PREFIX_LEN)) - 1;
	return 0;
}
