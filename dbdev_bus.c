// SPDX-License-Identifier: GPL-2.0
/*
 * dbdev buses: lock-free lookup of the range that contains an address.
 *
 * Each bus is a B+tree of non-overlapping ranges keyed by base, wide so that
 * a lookup touches few cache lines: inner nodes of up to 14 children, leaves
 * of up to 5 ranges, each node 256 bytes with the keys a lookup compares at
 * its front.  A leaf holds all a dispatch needs of a range (its bounds, its
 * device, the device's ops and I/O counters), so a lookup reads nothing of
 * the range's binding nor of the device.  It compares every key of each
 * node it passes, the unused ones being U64_MAX, with no branch on them:
 * addresses that come at random cost no mispredicted branch per level.
 *
 * Dispatchers never see a node change: the trees are copy-on-write.  A
 * writer copies each node it changes, and the copies, sharing every node
 * that did not change, form the next state.  A view holds the root of each
 * bus; the next view stays the writer's until one pointer store publishes
 * it, which moves every bus at once:
 *
 *	published view:  root -> A -> B, C		(what dispatch reads)
 *	next view:       root'-> A'-> B', C		(B changed: its path)
 *
 * A transaction stages all its changes into one next view (a node that is
 * a copy already, stamped with the current generation, is changed in
 * place), and its commit publishes it with rcu_assign_pointer(): a
 * dispatcher sees the whole old state or the whole new one.  Cancelling
 * frees the copies, which only the writer ever saw.  The nodes a published
 * view replaced (root, A and B) are chained on the view it replaced and
 * freed with it, after an SRCU grace period.
 *
 * Neither publishing nor cancelling allocates, nor does a change once it has
 * started: it takes its nodes from a reserve filled before it changes
 * anything, so that -ENOMEM leaves the state as it was.  On a tree of
 * height h an insertion needs at most 2h + 3 nodes (a copy and a split at
 * each level, and a new root), an erasure h + 1 copies: a node it empties
 * leaves its parent, and a root left with one child gives way to it.
 * Nodes are not merged: lookups stay O(height), and the height only grows
 * when a full root splits.
 *
 * Lookup is O(log n) with no lock, no atomic and no store but to the
 * caller's own hint (see dbdev_buses_lookup()).  A change copies
 * O(log n) nodes.  The alternative, a sorted array copied on every change
 * (KVM's kvm_io_bus), costs O(n) per update.
 *
 * Locking: dbdev_buses_lookup() needs only the dbdev_srcu read side, which
 * keeps what it returns valid, and a hint no other thread uses.  The
 * others are the writer's and run under the manager's lock, but for those
 * that create the buses and free what a grace period released.
 */
#include <linux/atomic.h>
#include <linux/llist.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/workqueue.h>

#include "dbdev_internal.h"

#define DBDEV_LEAF_SLOTS	5
#define DBDEV_INNER_SLOTS	14
/* beyond any number of ranges memory holds */
#define DBDEV_BUS_MAX_HEIGHT	20

/* The writer's part of a node, at the same place in leaves and inner nodes. */
struct dbdev_bnode_meta {
	u64 gen;			/* the generation that made it */
	union dbdev_bnode *link;	/* in the reserve, or retired */
	unsigned int level;		/* 0 for a leaf */
};

struct dbdev_leaf {
	u64 base[DBDEV_LEAF_SLOTS];
	unsigned int nr;
	struct dbdev_slot slot[DBDEV_LEAF_SLOTS];
	u8 unused[24];		/* the meta sits where an inner node's does */
	struct dbdev_bnode_meta meta;
};

struct dbdev_inner {
	u64 key[DBDEV_INNER_SLOTS];	/* the lowest base under each child */
	unsigned int nr;
	union dbdev_bnode *child[DBDEV_INNER_SLOTS];
	struct dbdev_bnode_meta meta;
};

union dbdev_bnode {
	struct dbdev_leaf leaf;
	struct dbdev_inner inner;
};

static_assert(offsetof(struct dbdev_leaf, meta) ==
	      offsetof(struct dbdev_inner, meta));
/* a kmalloc of a power of two is aligned to it: a node starts a line */
static_assert(sizeof(union dbdev_bnode) == 256);

/**
 * struct dbdev_view - one state of both buses
 * @root: each bus's tree, or %NULL
 * @height: each tree's number of inner levels
 * @gen: once published, a number no other view of any buses had
 * @nodes: how many nodes the trees have
 * @retired: once replaced, the nodes the view that replaced it no longer
 *	     uses, freed with it
 * @gp: once replaced, the grace period after which it may be freed
 * @dead: once replaced, on its buses' list of views to free
 * @reclaim: or on the reclaim worker's
 */
struct dbdev_view {
	union dbdev_bnode *root[DBDEV_NR_BUSES];
	unsigned int height[DBDEV_NR_BUSES];
	u64 gen;
	unsigned long nodes;
	union dbdev_bnode *retired;
	unsigned long gp;
	struct list_head dead;
	struct llist_node reclaim;
};

/*
 * The number of the last view published, of any buses: each view takes
 * the next one when the buses are made and at each publish.
 */
static atomic64_t dbdev_view_gen = ATOMIC64_INIT(0);

static struct dbdev_manager *dbdev_buses_mgr(struct dbdev_buses *b)
{
	return container_of(b, struct dbdev_manager, buses);
}

static struct dbdev_view *dbdev_view_published(struct dbdev_buses *b)
{
	return rcu_dereference_protected(b->view,
					 lockdep_is_held(&dbdev_buses_mgr(b)->lock));
}

/* What the writer changes: the next view, else the published one. */
static struct dbdev_view *dbdev_view_staged(struct dbdev_buses *b)
{
	return b->next ?: dbdev_view_published(b);
}

/*
 * How many of a node's @nr keys are not above @x: one more than the
 * floor's index.  Every one of its @max keys is compared, those past @nr
 * being sealed (U64_MAX), with no branch on them.  A search that stops at
 * the first key above @x costs a lookup a mispredicted branch at each
 * level when addresses come at random; this costs a few cycles more when
 * they do not.  Only an @x of U64_MAX counts a sealed key: the rank is at
 * most @nr.
 */
static __always_inline unsigned int dbdev_rank(const u64 *key, unsigned int nr,
					       unsigned int max, u64 x)
{
	unsigned int i, r0 = 0, r1 = 0;

	for (i = 0; i + 1 < max; i += 2) {
		r0 += key[i] <= x;
		r1 += key[i + 1] <= x;
	}
	if (i < max)
		r0 += key[i] <= x;
	return min(r0 + r1, nr);
}

static __always_inline unsigned int dbdev_inner_rank(const union dbdev_bnode *n,
						     u64 x)
{
	return dbdev_rank(n->inner.key, n->inner.nr, DBDEV_INNER_SLOTS, x);
}

static __always_inline unsigned int dbdev_leaf_rank(const union dbdev_bnode *n,
						    u64 x)
{
	return dbdev_rank(n->leaf.base, n->leaf.nr, DBDEV_LEAF_SLOTS, x);
}

/* The range of leaf @n with the greatest base not above @addr, or %NULL. */
static __always_inline const struct dbdev_slot *
dbdev_leaf_floor(const union dbdev_bnode *n, u64 addr, u64 *base)
{
	unsigned int i;

	i = dbdev_leaf_rank(n, addr);
	if (!i)
		return NULL;
	*base = n->leaf.base[i - 1];
	return &n->leaf.slot[i - 1];
}

/*
 * The range of @v with the greatest base not above @addr, or %NULL; inline
 * in the lookup, where a call would be a good part of a short walk.
 */
static __always_inline const struct dbdev_slot *
dbdev_view_floor(const struct dbdev_view *v, enum dbdev_bus bus, u64 addr,
		 u64 *base)
{
	const union dbdev_bnode *n = v->root[bus];
	unsigned int h = v->height[bus], i;

	if (!n)
		return NULL;
	for (; h; h--) {
		i = dbdev_inner_rank(n, addr);
		if (!i)
			return NULL;
		n = n->inner.child[i - 1];
	}
	return dbdev_leaf_floor(n, addr, base);
}

/*
 * The leaf that holds @s: nodes are kmalloc()ed with a power-of-two size,
 * which the allocator aligns to that size.
 */
static const union dbdev_bnode *dbdev_slot_leaf(const struct dbdev_slot *s)
{
	return (const union dbdev_bnode *)((unsigned long)s &
					   ~(sizeof(union dbdev_bnode) - 1));
}

/**
 * dbdev_buses_lookup() - find the published range that contains @addr
 * @b: the buses
 * @bus: which bus
 * @addr: the address
 * @base: set to the range's base
 * @hint: the range this bus's last lookup by the same caller found: taken
 *	  without a lookup if it holds @addr and nothing was published since,
 *	  its leaf searched alone if that spans @addr; else replaced by the
 *	  range found
 *
 * A hint's generation is its view's, and no two published views ever
 * share one, so a hint that matches the published view points into that
 * view's nodes, which the read side keeps.
 *
 * Context: under the dbdev_srcu read side, which keeps the result valid; no
 * other lock.  @hint is the caller's own: no other thread reads or writes
 * it.
 * Return: the range's slot, or %NULL if no range contains @addr.
 */
const struct dbdev_slot *dbdev_buses_lookup(const struct dbdev_buses *b,
					    enum dbdev_bus bus, u64 addr,
					    u64 *base,
					    struct dbdev_caller_hint *hint)
{
	const struct dbdev_view *v = srcu_dereference(b->view, &dbdev_srcu);
	const struct dbdev_slot *s = hint->slot;
	const union dbdev_bnode *n;

	if (hint->gen == v->gen) {
		if (addr - hint->base <= s->last - hint->base) {
			*base = hint->base;
			return s;
		}
		/* between the first base and the last byte of the hint's leaf */
		n = dbdev_slot_leaf(s);
		if (addr >= n->leaf.base[0] &&
		    addr <= n->leaf.slot[n->leaf.nr - 1].last) {
			s = dbdev_leaf_floor(n, addr, base);
			goto found;
		}
	}
	s = dbdev_view_floor(v, bus, addr, base);
found:
	if (!s || addr > s->last)
		return NULL;
	*hint = (struct dbdev_caller_hint){
		.gen = v->gen, .base = *base, .slot = s,
	};
	return s;
}

/**
 * dbdev_buses_conflict() - find a staged range overlapping [base, last]
 * @b: the buses
 * @bus: which bus
 * @base: first address
 * @last: last address, inclusive
 * @hit_base: set to the base of the range found
 *
 * Ranges on a bus never overlap, so only the one with the greatest base not
 * above @last can reach into [@base, @last].
 *
 * Return: the overlapping range's slot, or %NULL.
 */
const struct dbdev_slot *dbdev_buses_conflict(struct dbdev_buses *b,
					      enum dbdev_bus bus, u64 base,
					      u64 last, u64 *hit_base)
{
	const struct dbdev_slot *s;

	lockdep_assert_held(&dbdev_buses_mgr(b)->lock);
	s = dbdev_view_floor(dbdev_view_staged(b), bus, last, hit_base);
	return s && s->last >= base ? s : NULL;
}

/* ------------------------------------------------------------------------
 * Nodes: the reserve, copies, and the two kinds seen as one
 */

static unsigned int dbdev_bnode_level(const union dbdev_bnode *n)
{
	return n->leaf.meta.level;
}

static bool dbdev_bnode_fresh(const struct dbdev_buses *b,
			      const union dbdev_bnode *n)
{
	return n->leaf.meta.gen == b->gen;
}

/* The reserve: free nodes chained through their link. */
static void dbdev_bnode_push(union dbdev_bnode **list, union dbdev_bnode *n)
{
	n->leaf.meta.link = *list;
	*list = n;
}

static union dbdev_bnode *dbdev_bnode_pop(union dbdev_bnode **list)
{
	union dbdev_bnode *n = *list;

	if (n)
		*list = n->leaf.meta.link;
	return n;
}

/* A node for @v from the reserve, which the caller filled. */
static union dbdev_bnode *dbdev_bnode_take(struct dbdev_buses *b,
					   struct dbdev_view *v,
					   unsigned int level)
{
	union dbdev_bnode *n = dbdev_bnode_pop(&b->spare);

	b->nr_spare--;
	n->leaf.meta.gen = b->gen;
	n->leaf.meta.level = level;
	v->nodes++;
	return n;
}

/*
 * @v no longer uses @n: back to the reserve if @v made it, else retired,
 * for dispatchers may read it until a grace period after the publish.
 */
static void dbdev_bnode_drop(struct dbdev_buses *b, struct dbdev_view *v,
			     union dbdev_bnode *n)
{
	if (dbdev_bnode_fresh(b, n)) {
		dbdev_bnode_push(&b->spare, n);
		b->nr_spare++;
	} else {
		dbdev_bnode_push(&v->retired, n);
	}
	v->nodes--;
}

/* @n, changeable: itself if @v made it, else a copy that replaces it. */
static union dbdev_bnode *dbdev_bnode_own(struct dbdev_buses *b,
					  struct dbdev_view *v,
					  union dbdev_bnode *n)
{
	union dbdev_bnode *copy;

	if (dbdev_bnode_fresh(b, n))
		return n;
	copy = dbdev_bnode_take(b, v, dbdev_bnode_level(n));
	memcpy(copy, n, offsetof(union dbdev_bnode, leaf.meta));
	dbdev_bnode_drop(b, v, n);
	return copy;
}

/* Both kinds of node, as keys and fixed-size values. */
struct dbdev_bnode_arrays {
	u64 *key;
	u8 *val;
	size_t size;
	unsigned int *nr;
	unsigned int max;
};

static struct dbdev_bnode_arrays dbdev_bnode_arrays(union dbdev_bnode *n)
{
	if (dbdev_bnode_level(n))
		return (struct dbdev_bnode_arrays){
			n->inner.key, (u8 *)n->inner.child,
			sizeof(n->inner.child[0]), &n->inner.nr,
			DBDEV_INNER_SLOTS };
	return (struct dbdev_bnode_arrays){
		n->leaf.base, (u8 *)n->leaf.slot, sizeof(n->leaf.slot[0]),
		&n->leaf.nr, DBDEV_LEAF_SLOTS };
}

/* The lowest base under @n, which is not empty. */
static u64 dbdev_bnode_min(const union dbdev_bnode *n)
{
	return dbdev_bnode_level(n) ? n->inner.key[0] : n->leaf.base[0];
}

/* Seal the keys past the last entry (see dbdev_rank()). */
static void dbdev_bnode_seal(struct dbdev_bnode_arrays a)
{
	unsigned int i;

	for (i = *a.nr; i < a.max; i++)
		a.key[i] = U64_MAX;
}

/* Is a node on the left or right edge of its tree (or both)? */
#define DBDEV_EDGE_LEFT		1U
#define DBDEV_EDGE_RIGHT	2U

/*
 * Put @key and the value at @val at @pos of @n, a node of @v's own.  A full
 * node splits: the new right sibling, which the caller links into the
 * parent, is returned.  At an edge of the tree, where ranges registered in
 * order of address arrive (up or down), the node keeps full what lies
 * inward of the new entry, so that such ranges fill nodes; elsewhere it
 * splits in halves.
 */
static union dbdev_bnode *dbdev_bnode_add(struct dbdev_buses *b,
					  struct dbdev_view *v,
					  union dbdev_bnode *n, unsigned int pos,
					  u64 key, const void *val,
					  unsigned int edge)
{
	struct dbdev_bnode_arrays a = dbdev_bnode_arrays(n), s;
	unsigned int split, half = (a.max + 1) / 2;
	union dbdev_bnode *sib = NULL;
	bool left;

	if (*a.nr == a.max) {
		if ((edge & DBDEV_EDGE_RIGHT) && pos == a.max) {
			split = a.max;
			left = false;
		} else if ((edge & DBDEV_EDGE_LEFT) && pos < half) {
			/* the new entry joins the full part, unless it is first */
			split = pos;
			left = !pos;
		} else {
			split = half;
			left = pos < half;
		}
		sib = dbdev_bnode_take(b, v, dbdev_bnode_level(n));
		s = dbdev_bnode_arrays(sib);
		*s.nr = a.max - split;
		memcpy(s.key, a.key + split, *s.nr * sizeof(u64));
		memcpy(s.val, a.val + split * a.size, *s.nr * a.size);
		*a.nr = split;
		if (!left) {
			pos -= split;
			a = s;
		}
	}
	memmove(a.key + pos + 1, a.key + pos, (*a.nr - pos) * sizeof(u64));
	memmove(a.val + (pos + 1) * a.size, a.val + pos * a.size,
		(*a.nr - pos) * a.size);
	a.key[pos] = key;
	memcpy(a.val + pos * a.size, val, a.size);
	(*a.nr)++;
	dbdev_bnode_seal(dbdev_bnode_arrays(n));
	if (sib)
		dbdev_bnode_seal(dbdev_bnode_arrays(sib));
	return sib;
}

/* Take entry @pos out of @n, a node of @v's own. */
static void dbdev_bnode_del(union dbdev_bnode *n, unsigned int pos)
{
	struct dbdev_bnode_arrays a = dbdev_bnode_arrays(n);

	(*a.nr)--;
	memmove(a.key + pos, a.key + pos + 1, (*a.nr - pos) * sizeof(u64));
	memmove(a.val + pos * a.size, a.val + (pos + 1) * a.size,
		(*a.nr - pos) * a.size);
	dbdev_bnode_seal(a);
}

/* ------------------------------------------------------------------------
 * Changes
 */

/*
 * Have at least @nodes nodes in the reserve, and a view to stage into.
 * Return: 0, or -ENOMEM with nothing staged changed.
 */
static int dbdev_buses_reserve(struct dbdev_buses *b, unsigned int nodes,
			       gfp_t gfp)
{
	union dbdev_bnode *n;

	if (!b->next && !b->spare_view) {
		b->spare_view = kmalloc(sizeof(*b->spare_view), gfp);
		if (!b->spare_view)
			return -ENOMEM;
	}
	while (b->nr_spare < nodes) {
		n = kmalloc(sizeof(*n), gfp);
		if (!n)
			return -ENOMEM;
		dbdev_bnode_push(&b->spare, n);
		b->nr_spare++;
	}
	return 0;
}

/* The tallest staged tree's height. */
static unsigned int dbdev_buses_height(struct dbdev_buses *b)
{
	const struct dbdev_view *v = dbdev_view_staged(b);

	return max(v->height[DBDEV_BUS_PIO], v->height[DBDEV_BUS_MMIO]);
}

/* Keep what one insertion may need, no more, once a change is over. */
static void dbdev_buses_trim(struct dbdev_buses *b)
{
	unsigned int keep = 2 * dbdev_buses_height(b) + 3;

	while (b->nr_spare > keep) {
		kfree(dbdev_bnode_pop(&b->spare));
		b->nr_spare--;
	}
}

/* The view changes are staged into, started from the published one. */
static struct dbdev_view *dbdev_view_next(struct dbdev_buses *b)
{
	struct dbdev_view *v = b->next;

	if (!v) {
		v = b->spare_view;
		b->spare_view = NULL;
		*v = *dbdev_view_published(b);
		v->retired = NULL;
		b->next = v;
	}
	return v;
}

/**
 * dbdev_buses_insert() - stage a range
 * @b: the buses
 * @r: the range, which overlaps no staged range of its bus
 * @dev: its device
 * @stats: the device's I/O counters
 *
 * Return: 0; -ENOMEM or, for a tree at its greatest height, -ENOSPC, and
 * nothing changed.
 */
int dbdev_buses_insert(struct dbdev_buses *b, const struct dbdev_range *r,
		       struct dbdev_device *dev,
		       struct dbdev_io_stats __percpu *stats)
{
	union dbdev_bnode *path[DBDEV_BUS_MAX_HEIGHT], *n, *sib;
	unsigned int at[DBDEV_BUS_MAX_HEIGHT], h, l, i;
	unsigned int edge[DBDEV_BUS_MAX_HEIGHT + 1];
	struct dbdev_slot slot = {
		.last = r->last,
		.dev = (unsigned long)dev |
		       (dev->flags & DBDEV_DEVICE_SERIALIZED ?
			DBDEV_SLOT_SERIALIZED : 0),
		.ops = dev->ops,
		.stats = stats,
	};
	struct dbdev_view *v;
	int err;

	lockdep_assert_held(&dbdev_buses_mgr(b)->lock);
	h = dbdev_view_staged(b)->height[r->bus];
	if (h + 1 >= DBDEV_BUS_MAX_HEIGHT)
		return -ENOSPC;
	err = dbdev_buses_reserve(b, 2 * h + 3, GFP_KERNEL_ACCOUNT);
	if (err)
		return err;
	v = dbdev_view_next(b);

	if (!v->root[r->bus]) {
		n = dbdev_bnode_take(b, v, 0);
		n->leaf.nr = 0;
		dbdev_bnode_add(b, v, n, 0, r->base, &slot, 0);
		v->root[r->bus] = n;
		return 0;
	}

	/* copy the path down to the leaf; a new lowest base lowers its keys */
	n = dbdev_bnode_own(b, v, v->root[r->bus]);
	v->root[r->bus] = n;
	edge[h] = DBDEV_EDGE_LEFT | DBDEV_EDGE_RIGHT;
	for (l = h; l; l--) {
		i = dbdev_inner_rank(n, r->base);
		i = i ? i - 1 : 0;
		n->inner.key[i] = min(n->inner.key[i], r->base);
		edge[l - 1] = edge[l] &
			      ((i ? 0 : DBDEV_EDGE_LEFT) |
			       (i == n->inner.nr - 1 ? DBDEV_EDGE_RIGHT : 0));
		path[l] = n;
		at[l] = i;
		n = dbdev_bnode_own(b, v, n->inner.child[i]);
		path[l]->inner.child[i] = n;
	}

	/* add to the leaf; each split adds the new sibling one level up */
	i = dbdev_leaf_rank(n, r->base);
	sib = dbdev_bnode_add(b, v, n, i, r->base, &slot, edge[0]);
	for (l = 1; sib && l <= h; l++)
		sib = dbdev_bnode_add(b, v, path[l], at[l] + 1,
				      dbdev_bnode_min(sib), &sib, edge[l]);
	if (sib) {
		n = dbdev_bnode_take(b, v, h + 1);
		n->inner.nr = 0;
		dbdev_bnode_add(b, v, n, 0, dbdev_bnode_min(sib), &sib, 0);
		dbdev_bnode_add(b, v, n, 0, dbdev_bnode_min(v->root[r->bus]),
				&v->root[r->bus], 0);
		v->root[r->bus] = n;
		v->height[r->bus] = h + 1;
	}
	return 0;
}

/**
 * dbdev_buses_reserve_erase() - make sure that erasing @nr ranges cannot fail
 * @b: the buses
 * @nr: how many ranges dbdev_buses_erase() will take off
 * @gfp: how to allocate
 *
 * Return: 0, or -ENOMEM with nothing staged changed.
 */
int dbdev_buses_reserve_erase(struct dbdev_buses *b, unsigned int nr,
			      gfp_t gfp)
{
	lockdep_assert_held(&dbdev_buses_mgr(b)->lock);
	return dbdev_buses_reserve(b, nr * (dbdev_buses_height(b) + 1), gfp);
}

/**
 * dbdev_buses_erase() - stage the removal of a range
 * @b: the buses
 * @r: a staged range
 *
 * Cannot fail: the nodes it copies come from dbdev_buses_reserve_erase(),
 * unless @r was inserted since the last publish, which left its path the
 * writer's own.
 */
void dbdev_buses_erase(struct dbdev_buses *b, const struct dbdev_range *r)
{
	union dbdev_bnode *path[DBDEV_BUS_MAX_HEIGHT], *n, *parent;
	unsigned int at[DBDEV_BUS_MAX_HEIGHT], h, l, i;
	struct dbdev_view *v;

	lockdep_assert_held(&dbdev_buses_mgr(b)->lock);
	v = dbdev_view_next(b);
	h = v->height[r->bus];
	n = dbdev_bnode_own(b, v, v->root[r->bus]);
	for (l = h; l; l--) {
		i = dbdev_inner_rank(n, r->base) - 1;
		path[l] = n;
		at[l] = i;
		n = dbdev_bnode_own(b, v, n->inner.child[i]);
		path[l]->inner.child[i] = n;
	}
	i = dbdev_leaf_rank(n, r->base) - 1;
	WARN_ON_ONCE(n->leaf.base[i] != r->base);
	dbdev_bnode_del(n, i);

	/* upwards: an empty node leaves its parent, else gives it its low key */
	for (l = 0; l < h; l++) {
		parent = path[l + 1];
		if (!*dbdev_bnode_arrays(n).nr) {
			dbdev_bnode_drop(b, v, n);
			dbdev_bnode_del(parent, at[l + 1]);
		} else {
			parent->inner.key[at[l + 1]] = dbdev_bnode_min(n);
		}
		n = parent;
	}
	if (!*dbdev_bnode_arrays(n).nr) {
		dbdev_bnode_drop(b, v, n);
		n = NULL;
		h = 0;
	}
	/* a root with one child gives way to it */
	for (; h && n->inner.nr == 1; h--) {
		parent = n;
		n = n->inner.child[0];
		dbdev_bnode_drop(b, v, parent);
	}
	v->root[r->bus] = n;
	v->height[r->bus] = h;
}

/* Free a tree's nodes, all of them or, with @b, only @b's next view's. */
static void dbdev_tree_free(struct dbdev_buses *b, struct dbdev_view *v,
			    union dbdev_bnode *root)
{
	union dbdev_bnode *todo = NULL, *n;
	unsigned int i;

	if (root && (!b || dbdev_bnode_fresh(b, root)))
		dbdev_bnode_push(&todo, root);
	while ((n = dbdev_bnode_pop(&todo))) {
		for (i = 0; dbdev_bnode_level(n) && i < n->inner.nr; i++)
			if (!b || dbdev_bnode_fresh(b, n->inner.child[i]))
				dbdev_bnode_push(&todo, n->inner.child[i]);
		if (b)
			dbdev_bnode_drop(b, v, n);
		else
			kfree(n);
	}
}

/**
 * dbdev_buses_free_view() - free a view that publishing replaced
 * @v: the view, or %NULL
 *
 * Context: a grace period after the publish.
 */
void dbdev_buses_free_view(struct dbdev_view *v)
{
	union dbdev_bnode *n;

	if (!v)
		return;
	while ((n = dbdev_bnode_pop(&v->retired)))
		kfree(n);
	kfree(v);
}

/*
 * A view replaced by a change that does not wait for its readers (a
 * registration, which a callback may make) waits on its buses' list for a
 * grace period that something else starts, usually the next
 * unregistration's, and is freed at the next publish after it.  None of
 * them starts one: an unregistration that asks for an expedited grace
 * period while a normal one runs (call_srcu()'s) waits for both,
 * milliseconds rather than microseconds, and one behind another (a
 * worker's) for both too.  Only when DBDEV_DEAD_MAX views wait, or when
 * one has waited DBDEV_DEAD_IDLE with no change to free it, does a worker
 * take them, to free after a grace period of its own.
 */
#define DBDEV_DEAD_MAX	32
#define DBDEV_DEAD_IDLE	HZ

static LLIST_HEAD(dbdev_views_reclaim_list);

static void dbdev_views_reclaim(struct work_struct *work)
{
	struct llist_node *list = llist_del_all(&dbdev_views_reclaim_list);
	struct dbdev_view *v, *tmp;

	if (!list)
		return;
	synchronize_srcu_expedited(&dbdev_srcu);
	llist_for_each_entry_safe(v, tmp, list, reclaim)
		dbdev_buses_free_view(v);
}

static DECLARE_WORK(dbdev_views_reclaim_work, dbdev_views_reclaim);

/* Free the replaced views whose grace period is over. */
static void dbdev_buses_free_dead(struct dbdev_buses *b)
{
	struct dbdev_view *v, *tmp;

	list_for_each_entry_safe(v, tmp, &b->dead, dead) {
		if (!poll_state_synchronize_srcu(&dbdev_srcu, v->gp))
			break;
		list_del(&v->dead);
		b->nr_dead--;
		dbdev_buses_free_view(v);
	}
}

/**
 * dbdev_buses_release_dead() - have a worker free the replaced views
 * @b: the buses
 */
void dbdev_buses_release_dead(struct dbdev_buses *b)
{
	struct dbdev_view *v, *tmp;

	lockdep_assert_held(&dbdev_buses_mgr(b)->lock);
	if (list_empty(&b->dead))
		return;
	list_for_each_entry_safe(v, tmp, &b->dead, dead) {
		list_del(&v->dead);
		llist_add(&v->reclaim, &dbdev_views_reclaim_list);
	}
	b->nr_dead = 0;
	queue_work(system_unbound_wq, &dbdev_views_reclaim_work);
}

/* The buses changed no more for a while: hand their dead views over. */
static void dbdev_buses_idle(struct work_struct *work)
{
	struct dbdev_buses *b = container_of(to_delayed_work(work),
					     struct dbdev_buses, idle);
	struct mutex *lock = &dbdev_buses_mgr(b)->lock;

	mutex_lock(lock);
	dbdev_buses_free_dead(b);
	dbdev_buses_release_dead(b);
	mutex_unlock(lock);
}

/**
 * dbdev_buses_quiesce() - stop the buses' own work, before destroying them
 * @b: the buses
 *
 * Context: not under the manager's lock, which the work takes; nothing
 * changes the buses any more.
 */
void dbdev_buses_quiesce(struct dbdev_buses *b)
{
	cancel_delayed_work_sync(&b->idle);
}

/**
 * dbdev_buses_retire() - free a view that publishing replaced, when no
 *			  dispatcher can read it any more
 * @b: the buses
 * @v: the view, or %NULL
 *
 * For a change that does not wait for a grace period itself; does not
 * wait, so a device callback may make it.
 */
void dbdev_buses_retire(struct dbdev_buses *b, struct dbdev_view *v)
{
	lockdep_assert_held(&dbdev_buses_mgr(b)->lock);
	if (!v)
		return;
	v->gp = get_state_synchronize_srcu(&dbdev_srcu);
	list_add_tail(&v->dead, &b->dead);
	if (++b->nr_dead > DBDEV_DEAD_MAX)
		dbdev_buses_release_dead(b);
	else if (b->nr_dead == 1)
		queue_delayed_work(system_unbound_wq, &b->idle,
				   DBDEV_DEAD_IDLE);
}

/**
 * dbdev_buses_reclaim_flush() - free every view handed to the worker
 *
 * Context: may sleep for a grace period; not from a device callback.
 */
void dbdev_buses_reclaim_flush(void)
{
	flush_work(&dbdev_views_reclaim_work);
}

/**
 * dbdev_buses_publish() - make the staged state the one dispatch sees
 * @b: the buses
 *
 * Return: the view it replaced, with the nodes no longer used, for
 * dbdev_buses_free_view() after a grace period or for
 * dbdev_buses_retire(); %NULL if nothing was staged.
 */
struct dbdev_view *dbdev_buses_publish(struct dbdev_buses *b)
{
	struct dbdev_view *old = dbdev_view_published(b);

	if (!b->next)
		return NULL;
	dbdev_buses_free_dead(b);
	old->retired = b->next->retired;
	b->next->retired = NULL;
	b->next->gen = atomic64_inc_return(&dbdev_view_gen);
	rcu_assign_pointer(b->view, b->next);
	b->next = NULL;
	b->gen++;
	dbdev_buses_trim(b);
	return old;
}

/**
 * dbdev_buses_cancel() - drop everything staged since the last publish
 * @b: the buses
 */
void dbdev_buses_cancel(struct dbdev_buses *b)
{
	struct dbdev_view *v = b->next;
	enum dbdev_bus bus;

	lockdep_assert_held(&dbdev_buses_mgr(b)->lock);
	if (!v)
		return;
	for (bus = 0; bus < DBDEV_NR_BUSES; bus++)
		dbdev_tree_free(b, v, v->root[bus]);
	b->spare_view = v;
	b->next = NULL;
	b->gen++;
	dbdev_buses_trim(b);
}

/**
 * dbdev_buses_index_bytes() - the memory of the published lookup index
 * @b: the buses
 *
 * Return: bytes of the published trees' nodes and their view.
 */
size_t dbdev_buses_index_bytes(struct dbdev_buses *b)
{
	lockdep_assert_held(&dbdev_buses_mgr(b)->lock);
	return dbdev_view_published(b)->nodes * sizeof(union dbdev_bnode) +
	       sizeof(struct dbdev_view);
}

/**
 * dbdev_buses_init() - empty buses
 * @b: the buses, zeroed
 *
 * Return: 0 or -ENOMEM.
 */
int dbdev_buses_init(struct dbdev_buses *b)
{
	struct dbdev_view *v = kzalloc(sizeof(*v), GFP_KERNEL_ACCOUNT);

	if (!v)
		return -ENOMEM;
	v->gen = atomic64_inc_return(&dbdev_view_gen);
	RCU_INIT_POINTER(b->view, v);
	b->gen = 1;
	INIT_LIST_HEAD(&b->dead);
	INIT_DELAYED_WORK(&b->idle, dbdev_buses_idle);
	return 0;
}

/**
 * dbdev_buses_destroy() - free the buses, whatever they hold
 * @b: the buses
 *
 * Context: under the manager's lock, after dbdev_buses_quiesce(); nothing
 * is staged, and no dispatcher can be reading them any more.
 */
void dbdev_buses_destroy(struct dbdev_buses *b)
{
	struct dbdev_view *v = dbdev_view_published(b);
	union dbdev_bnode *n;
	enum dbdev_bus bus;

	WARN_ON_ONCE(b->next);
	dbdev_buses_release_dead(b);
	for (bus = 0; bus < DBDEV_NR_BUSES; bus++)
		dbdev_tree_free(NULL, v, v->root[bus]);
	kfree(v);
	while ((n = dbdev_bnode_pop(&b->spare)))
		kfree(n);
	kfree(b->spare_view);
}

#ifdef DBDEV_BUS_KUNIT_TEST
#include "kunit/dbdev_bus_test.c"
#endif
