// SPDX-License-Identifier: GPL-2.0
/*
 * dbdev buses: lock-free lookup of the range that contains an address.
 *
 * Each bus is an rbtree of non-overlapping ranges keyed by base.  A plain
 * rbtree cannot be walked safely while a writer rotates it, so every range
 * sits in two trees at once (two rb_nodes per range): the published copy
 * and the staged copy, chosen by the low bit of a latch sequence count.
 * The writer changes only the copy that dispatchers are not reading:
 *
 *	even count:  dispatchers read copy 0; the writer stages changes in
 *		     copy 1, as many as a transaction has;
 *	flip (odd):  dispatchers move to copy 1, which already holds the whole
 *		     new state; the writer replays the same changes on copy 0;
 *	flip (even): dispatchers are back on copy 0, now equal to copy 1.
 *
 * So a dispatcher sees the entire old set or the entire new set, never a
 * mix, however many devices a transaction adds and removes.  A dispatcher
 * that raced with a flip may have walked a tree under change; the sequence
 * count tells it so and it walks again.  lib/rbtree.c orders its pointer
 * stores so that such a walk ends, and ranges are freed only after an SRCU
 * grace period, so what it touched stays valid memory.
 *
 * Lookup is O(log n) with no lock, no atomic and no store.  Insertion and
 * removal are O(log n) per copy.  The alternative, a sorted array copied on
 * every change (KVM's kvm_io_bus), costs O(n) per update: 100,000 single
 * registrations would copy 5 * 10^9 entries.
 *
 * Locking: dbdev_buses_lookup() needs only the caller's SRCU read lock.
 * Everything else is a writer and runs under the manager's lock, which
 * the caller holds.
 */
#include <linux/rbtree.h>

#include "dbdev_internal.h"

static inline struct dbdev_range *dbdev_range_of(const struct rb_node *node,
						 enum dbdev_copy copy)
{
	return copy == DBDEV_COPY_PUBLISHED ?
	       container_of(node, struct dbdev_range, published) :
	       container_of(node, struct dbdev_range, staged);
}

/* The range with the greatest base not above @addr, or %NULL. */
static struct dbdev_range *dbdev_tree_floor(const struct rb_root *root,
					    enum dbdev_copy copy, u64 addr)
{
	struct rb_node *node = READ_ONCE(root->rb_node);
	struct dbdev_range *best = NULL;

	while (node) {
		struct dbdev_range *r = dbdev_range_of(node, copy);

		if (addr < r->base) {
			node = READ_ONCE(node->rb_left);
		} else {
			best = r;
			node = READ_ONCE(node->rb_right);
		}
	}
	return best;
}

/*
 * The range of one copy that contains @addr, or %NULL.  Ranges never
 * overlap, so the walk stops at the first range that contains @addr.
 */
static struct dbdev_range *dbdev_tree_find(const struct rb_root *root,
					   enum dbdev_copy copy, u64 addr)
{
	struct rb_node *node = READ_ONCE(root->rb_node);

	while (node) {
		struct dbdev_range *r = dbdev_range_of(node, copy);

		if (addr < r->base)
			node = READ_ONCE(node->rb_left);
		else if (addr > r->last)
			node = READ_ONCE(node->rb_right);
		else
			return r;
	}
	return NULL;
}

void dbdev_buses_init(struct dbdev_buses *b)
{
	enum dbdev_bus bus;
	enum dbdev_copy copy;

	seqcount_latch_init(&b->seq);
	for (bus = 0; bus < DBDEV_NR_BUSES; bus++)
		for (copy = 0; copy < DBDEV_NR_COPIES; copy++)
			b->root[bus][copy] = RB_ROOT;
}

/**
 * dbdev_buses_lookup() - find the published range that contains @addr
 * @b: the buses
 * @bus: which bus
 * @addr: the address
 *
 * Context: under the manager's SRCU read lock, which keeps the result
 * valid; no other lock.
 * Return: the range, or %NULL if no range contains @addr.
 */
const struct dbdev_range *dbdev_buses_lookup(const struct dbdev_buses *b,
					     enum dbdev_bus bus, u64 addr)
{
	const struct dbdev_range *r;
	unsigned int seq;

	do {
		seq = raw_read_seqcount_latch(&b->seq);
		r = dbdev_tree_find(&b->root[bus][seq & 1], seq & 1, addr);
	} while (raw_read_seqcount_latch_retry(&b->seq, seq));

	return r;
}

/**
 * dbdev_buses_conflict() - find a range of one copy overlapping [base, last]
 * @b: the buses
 * @copy: which copy
 * @bus: which bus
 * @base: first address
 * @last: last address, inclusive
 *
 * Ranges on a bus never overlap, so only the one with the greatest base not
 * above @last can reach into [@base, @last].
 *
 * Return: an overlapping range, or %NULL.
 */
struct dbdev_range *dbdev_buses_conflict(const struct dbdev_buses *b,
					 enum dbdev_copy copy,
					 enum dbdev_bus bus,
					 u64 base, u64 last)
{
	struct dbdev_range *r = dbdev_tree_floor(&b->root[bus][copy], copy,
						 last);

	return r && r->last >= base ? r : NULL;
}

/**
 * dbdev_buses_insert() - add a range to one copy of its bus
 * @b: the buses
 * @copy: which copy
 * @r: the range, which overlaps nothing in that copy
 */
void dbdev_buses_insert(struct dbdev_buses *b, enum dbdev_copy copy,
			struct dbdev_range *r)
{
	struct rb_root *root = &b->root[r->bus][copy];
	struct rb_node **link = &root->rb_node, *parent = NULL;
	struct rb_node *node = dbdev_range_node(r, copy), *unused;

	while (*link) {
		parent = *link;
		if (r->base < dbdev_range_of(parent, copy)->base)
			link = &parent->rb_left;
		else
			link = &parent->rb_right;
	}
	/*
	 * Initialise the node, then link it with release semantics, so that
	 * a dispatcher walking this copy with a stale sequence count never
	 * follows a half-built node.  That is rb_link_node_rcu(), whose
	 * __rcu cast of a plain pointer sparse rejects.
	 */
	rb_link_node(node, parent, &unused);
	/* pairs with the READ_ONCE() address dependency of the walk */
	smp_store_release(link, node);
	rb_insert_color(node, root);
}

/**
 * dbdev_buses_erase() - remove a range from one copy of its bus
 * @b: the buses
 * @copy: which copy
 * @r: the range
 */
void dbdev_buses_erase(struct dbdev_buses *b, enum dbdev_copy copy,
		       struct dbdev_range *r)
{
	rb_erase(dbdev_range_node(r, copy), &b->root[r->bus][copy]);
}

/**
 * dbdev_buses_flip() - move dispatchers to the other copy
 * @b: the buses
 *
 * The first flip of a commit publishes the staged copy; the second one
 * returns dispatchers to copy 0 once it has caught up.
 */
void dbdev_buses_flip(struct dbdev_buses *b)
{
	raw_write_seqcount_latch(&b->seq);
}

/**
 * dbdev_buses_clear() - empty every bus, both copies, in O(1)
 * @b: the buses
 *
 * The ranges are left as they are; a dispatcher may still be walking them
 * until an SRCU grace period has passed.
 */
void dbdev_buses_clear(struct dbdev_buses *b)
{
	enum dbdev_bus bus;
	enum dbdev_copy copy;

	for (copy = 0; copy < DBDEV_NR_COPIES; copy++) {
		dbdev_buses_flip(b);
		for (bus = 0; bus < DBDEV_NR_BUSES; bus++)
			WRITE_ONCE(b->root[bus][copy].rb_node, NULL);
	}
}
