// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the bus trees, driven directly and compared with a model after
 * every change: what dispatch finds, what the writer sees staged, and the
 * shape of each tree (levels, key order, each inner key the lowest base
 * under its child, node counts, no node of the next view left published).
 * Lookups keep their hints across changes, as a dispatching caller does.
 *
 * Included by dbdev_bus.c, whose nodes it inspects.
 */
#include <kunit/test.h>
#include <linux/random.h>

#define BUS_SPACE	65536		/* addresses the random ranges lie in */
#define BUS_MODEL_MAX	1024
#define BUS_DEVS	4

struct bus_model_range {
	u64 base;
	u64 last;
	unsigned int dev;
};

struct bus_model {
	unsigned int nr;
	struct bus_model_range *r;	/* BUS_MODEL_MAX of them */
};

struct bus_test {
	struct dbdev_manager *mgr;
	struct dbdev_buses *b;
	struct dbdev_device dev[BUS_DEVS];
	struct dbdev_io_stats __percpu *stats[BUS_DEVS];
	struct bus_model pub[DBDEV_NR_BUSES];
	struct bus_model staged[DBDEV_NR_BUSES];
	/* kept from lookup to lookup, across changes, as a caller's are */
	struct dbdev_caller_hint hint[DBDEV_NR_BUSES];
};

static int bus_dummy_read(struct dbdev_caller *caller, struct dbdev_device *dev,
			  u64 base, u64 offset, void *data, unsigned int len)
{
	return 0;
}

static const struct dbdev_device_ops bus_test_ops = {
	.read = bus_dummy_read,
};

static struct bus_test *bus_test_init(struct kunit *test)
{
	struct bus_test *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	enum dbdev_bus bus;
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, t);
	for (bus = 0; bus < DBDEV_NR_BUSES; bus++) {
		t->pub[bus].r = kunit_kcalloc(test, BUS_MODEL_MAX,
					      sizeof(t->pub[bus].r[0]),
					      GFP_KERNEL);
		t->staged[bus].r = kunit_kcalloc(test, BUS_MODEL_MAX,
						 sizeof(t->staged[bus].r[0]),
						 GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, t->pub[bus].r);
		KUNIT_ASSERT_NOT_NULL(test, t->staged[bus].r);
	}
	t->mgr = dbdev_manager_create();
	KUNIT_ASSERT_FALSE(test, IS_ERR(t->mgr));
	t->b = &t->mgr->buses;
	for (i = 0; i < BUS_DEVS; i++) {
		/* odd ones serialised: a tagged slot */
		dbdev_device_init(&t->dev[i], &bus_test_ops,
				  i & 1 ? DBDEV_DEVICE_SERIALIZED : 0);
		t->stats[i] = alloc_percpu(struct dbdev_io_stats);
		KUNIT_ASSERT_TRUE(test, t->stats[i]);
	}
	return t;
}

static void bus_test_exit(struct bus_test *t)
{
	unsigned int i;

	dbdev_manager_destroy(t->mgr);
	for (i = 0; i < BUS_DEVS; i++)
		free_percpu(t->stats[i]);
}

static int bus_insert(struct bus_test *t, const struct dbdev_range *r,
		      unsigned int dev)
{
	return dbdev_buses_insert(t->b, r, &t->dev[dev], t->stats[dev]);
}

/* The model's index of the range with the greatest base not above @addr. */
static int bus_model_floor(const struct bus_model *m, u64 addr)
{
	int lo = 0, hi = m->nr;

	while (lo < hi) {
		int mid = (lo + hi) / 2;

		if (m->r[mid].base <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo - 1;
}

static bool bus_on_list(const union dbdev_bnode *n,
			const union dbdev_bnode *list)
{
	for (; list; list = list->leaf.meta.link)
		if (list == n)
			return true;
	return false;
}

/*
 * Check the subtree @n of @v at @level against the model's ranges from
 * *@next on, its unused keys sealed; return its lowest base.  A node a
 * tree still uses is neither in the reserve nor, in the next view,
 * retired.
 */
static u64 bus_check_node(struct kunit *test, struct bus_test *t,
			  const union dbdev_bnode *n, unsigned int level,
			  const struct bus_model *m, unsigned int *next,
			  unsigned long *nodes, bool published)
{
	unsigned int i;

	(*nodes)++;
	KUNIT_EXPECT_EQ(test, n->leaf.meta.level, level);
	if (published)
		KUNIT_EXPECT_LT(test, n->leaf.meta.gen, t->b->gen);
	KUNIT_EXPECT_FALSE(test, bus_on_list(n, t->b->spare));
	if (!published && t->b->next)
		KUNIT_EXPECT_FALSE(test, bus_on_list(n, t->b->next->retired));
	if (level) {
		KUNIT_ASSERT_GE(test, n->inner.nr, 1U);
		KUNIT_ASSERT_LE(test, n->inner.nr, (unsigned int)DBDEV_INNER_SLOTS);
		for (i = 0; i < n->inner.nr; i++) {
			u64 low = bus_check_node(test, t, n->inner.child[i],
						 level - 1, m, next, nodes,
						 published);

			KUNIT_EXPECT_EQ(test, n->inner.key[i], low);
		}
		for (; i < DBDEV_INNER_SLOTS; i++)
			KUNIT_EXPECT_EQ(test, n->inner.key[i], U64_MAX);
		return n->inner.key[0];
	}
	KUNIT_ASSERT_GE(test, n->leaf.nr, 1U);
	KUNIT_ASSERT_LE(test, n->leaf.nr, (unsigned int)DBDEV_LEAF_SLOTS);
	for (i = 0; i < n->leaf.nr; i++, (*next)++) {
		const struct bus_model_range *r = &m->r[*next];
		const struct dbdev_slot *s = &n->leaf.slot[i];

		KUNIT_ASSERT_LT(test, *next, m->nr);
		KUNIT_EXPECT_EQ(test, n->leaf.base[i], r->base);
		KUNIT_EXPECT_EQ(test, s->last, r->last);
		KUNIT_EXPECT_PTR_EQ(test, dbdev_slot_dev(s), &t->dev[r->dev]);
		KUNIT_EXPECT_PTR_EQ(test, dbdev_slot_lock(s), r->dev & 1 ?
				    &t->dev[r->dev].io_lock : NULL);
		KUNIT_EXPECT_TRUE(test, s->stats == t->stats[r->dev]);
	}
	for (; i < DBDEV_LEAF_SLOTS; i++)
		KUNIT_EXPECT_EQ(test, n->leaf.base[i], U64_MAX);
	return n->leaf.base[0];
}

/* @v's tree of @bus holds what @m says, and is in shape. */
static void bus_check_view(struct kunit *test, struct bus_test *t,
			   const struct dbdev_view *v, enum dbdev_bus bus,
			   const struct bus_model *m, unsigned long *nodes,
			   bool published)
{
	unsigned int next = 0;

	if (!v->root[bus]) {
		KUNIT_EXPECT_EQ(test, m->nr, 0U);
		KUNIT_EXPECT_EQ(test, v->height[bus], 0U);
		return;
	}
	bus_check_node(test, t, v->root[bus], v->height[bus], m, &next, nodes,
		       published);
	KUNIT_EXPECT_EQ(test, next, m->nr);
	/* a root with one child would have given way to it */
	if (v->height[bus])
		KUNIT_EXPECT_GE(test, v->root[bus]->inner.nr, 2U);
}

/* Both views, their node counts, and what dispatch finds. */
static void bus_check(struct kunit *test, struct bus_test *t, bool lookups)
{
	const struct dbdev_view *pub = dbdev_view_published(t->b);
	const struct dbdev_view *staged = dbdev_view_staged(t->b);
	unsigned long nodes[2] = { 0, 0 };
	const union dbdev_bnode *n;
	enum dbdev_bus bus;
	unsigned int i;
	u64 addr;

	for (bus = 0; bus < DBDEV_NR_BUSES; bus++) {
		bus_check_view(test, t, pub, bus, &t->pub[bus], &nodes[0],
			       true);
		bus_check_view(test, t, staged, bus, &t->staged[bus],
			       &nodes[1], false);
	}
	KUNIT_EXPECT_EQ(test, nodes[0], pub->nodes);
	KUNIT_EXPECT_EQ(test, nodes[1], staged->nodes);
	for (i = 0, n = t->b->spare; n; n = n->leaf.meta.link)
		i++;
	KUNIT_EXPECT_EQ(test, i, t->b->nr_spare);
	if (!t->b->next)
		KUNIT_EXPECT_PTR_EQ(test, staged, pub);

	/* every other address near the one before: the hint's */
	for (i = 0, addr = 0; lookups && i < 512; i++) {
		const struct dbdev_slot *s, *f;
		const struct bus_model *m;
		u64 base = U64_MAX, fbase;
		int idx, k;

		if (i & 1) {
			addr += get_random_u32_below(16);
		} else {
			bus = get_random_u32_below(DBDEV_NR_BUSES);
			addr = get_random_u32_below(BUS_SPACE + 16);
		}
		m = &t->pub[bus];
		idx = srcu_read_lock(&dbdev_srcu);
		s = dbdev_buses_lookup(t->b, bus, addr, &base, &t->hint[bus]);
		/* the very slot of the published view, hint or not */
		f = dbdev_view_floor(pub, bus, addr, &fbase);
		KUNIT_EXPECT_PTR_EQ(test, s, f && addr <= f->last ? f : NULL);
		k = bus_model_floor(m, addr);
		if (k >= 0 && addr <= m->r[k].last) {
			/* no assertion: it would leave with the read side held */
			KUNIT_EXPECT_NOT_NULL(test, s);
			if (!s)
				goto next;
			KUNIT_EXPECT_EQ(test, base, m->r[k].base);
			KUNIT_EXPECT_EQ(test, s->last, m->r[k].last);
			KUNIT_EXPECT_PTR_EQ(test, dbdev_slot_dev(s),
					    &t->dev[m->r[k].dev]);
		} else {
			KUNIT_EXPECT_NULL(test, s);
		}
next:
		srcu_read_unlock(&dbdev_srcu, idx);
	}
}

static void bus_model_copy(struct bus_model *to, const struct bus_model *from)
{
	enum dbdev_bus bus;

	for (bus = 0; bus < DBDEV_NR_BUSES; bus++) {
		to[bus].nr = from[bus].nr;
		memcpy(to[bus].r, from[bus].r, from[bus].nr * sizeof(from->r[0]));
	}
}

static void bus_publish(struct bus_test *t)
{
	struct dbdev_view *old = dbdev_buses_publish(t->b);

	bus_model_copy(t->pub, t->staged);
	mutex_unlock(&t->mgr->lock);
	synchronize_srcu(&dbdev_srcu);
	dbdev_buses_free_view(old);
	mutex_lock(&t->mgr->lock);
}

static void bus_cancel(struct bus_test *t)
{
	dbdev_buses_cancel(t->b);
	bus_model_copy(t->staged, t->pub);
}

/*
 * Stage [@base, @last] for @dev on @bus, unless it overlaps: then check
 * that the writer sees the overlap.
 */
static void bus_try_insert(struct kunit *test, struct bus_test *t,
			   enum dbdev_bus bus, u64 base, u64 last,
			   unsigned int dev)
{
	struct bus_model *m = &t->staged[bus];
	const struct dbdev_slot *s;
	struct dbdev_range r = { .base = base, .last = last, .bus = bus };
	int k = bus_model_floor(m, last);
	u64 hit = U64_MAX;

	s = dbdev_buses_conflict(t->b, bus, base, last, &hit);
	if (k >= 0 && m->r[k].last >= base) {
		KUNIT_ASSERT_NOT_NULL(test, s);
		KUNIT_EXPECT_EQ(test, hit, m->r[k].base);
		KUNIT_EXPECT_EQ(test, s->last, m->r[k].last);
		return;
	}
	KUNIT_ASSERT_NULL(test, s);
	if (m->nr == BUS_MODEL_MAX)
		return;
	KUNIT_ASSERT_EQ(test, bus_insert(t, &r, dev), 0);
	k++;
	memmove(&m->r[k + 1], &m->r[k], (m->nr - k) * sizeof(m->r[0]));
	m->r[k] = (struct bus_model_range){ base, last, dev };
	m->nr++;
}

static void bus_erase(struct kunit *test, struct bus_test *t,
		      enum dbdev_bus bus, unsigned int k)
{
	struct bus_model *m = &t->staged[bus];
	struct dbdev_range r = {
		.base = m->r[k].base, .last = m->r[k].last, .bus = bus,
	};

	KUNIT_ASSERT_EQ(test, dbdev_buses_reserve_erase(t->b, 1, GFP_KERNEL),
			0);
	dbdev_buses_erase(t->b, &r);
	m->nr--;
	memmove(&m->r[k], &m->r[k + 1], (m->nr - k) * sizeof(m->r[0]));
}

/*
 * Random insertions, erasures, publishes and cancels on both buses, with
 * the trees grown to several levels and shrunk again, checked after each.
 */
static void bus_random_model(struct kunit *test)
{
	struct bus_test *t = bus_test_init(test);
	unsigned int step, grow, most = 0, tallest = 0;

	mutex_lock(&t->mgr->lock);
	for (step = 0; step < 8000; step++) {
		enum dbdev_bus bus = get_random_u32_below(DBDEV_NR_BUSES);
		unsigned int op = get_random_u32_below(100);
		u64 base = get_random_u32_below(BUS_SPACE);

		/* grow for 5,000 steps, then shrink */
		grow = step < 5000 ? 60 : 25;
		if (op < grow)
			bus_try_insert(test, t, bus, base,
				       base + get_random_u32_below(16),
				       get_random_u32_below(BUS_DEVS));
		else if (op < 92 && t->staged[bus].nr)
			bus_erase(test, t, bus,
				  get_random_u32_below(t->staged[bus].nr));
		else if (op < 97)
			bus_publish(t);
		else
			bus_cancel(t);
		bus_check(test, t, op >= 92);
		if (test->status == KUNIT_FAILURE)
			break;
		most = max(most, t->staged[bus].nr);
		tallest = max(tallest, dbdev_view_staged(t->b)->height[bus]);
	}
	bus_publish(t);
	kunit_info(test, "at most %u ranges on a bus, %u inner levels\n", most,
		   tallest);
	/* splits, and nodes emptied, at two levels and more */
	KUNIT_EXPECT_GE(test, tallest, 2U);
	mutex_unlock(&t->mgr->lock);
	bus_test_exit(t);
}

/*
 * A range inserted and erased again before the publish takes nodes the
 * writer owns already: erasing it needs no reserve, which is how a
 * registration that fails half-way is undone.
 */
static void bus_undo_needs_no_reserve(struct kunit *test)
{
	struct bus_test *t = bus_test_init(test);
	struct dbdev_range r[8];
	union dbdev_bnode *n, *sentinel;
	unsigned int i, k;

	mutex_lock(&t->mgr->lock);
	for (i = 0; i < 500; i++)
		bus_try_insert(test, t, DBDEV_BUS_MMIO, i * 16, i * 16 + 7, 0);
	bus_publish(t);
	for (i = 0; i < 40; i++) {
		/* a registration of 8 ranges on both buses, then undone */
		for (k = 0; k < ARRAY_SIZE(r); k++) {
			r[k].bus = k & 1 ? DBDEV_BUS_PIO : DBDEV_BUS_MMIO;
			r[k].base = (i * 12 + k * 61) * 16 + 8;
			r[k].last = r[k].base + 3;
			KUNIT_ASSERT_EQ(test, bus_insert(t, &r[k], 1), 0);
		}
		/* one node left in the reserve: an erasure that took it... */
		while ((n = dbdev_bnode_pop(&t->b->spare))) {
			kfree(n);
			t->b->nr_spare--;
		}
		sentinel = kmalloc(sizeof(*sentinel), GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, sentinel);
		dbdev_bnode_push(&t->b->spare, sentinel);
		t->b->nr_spare++;
		while (k--)
			dbdev_buses_erase(t->b, &r[k]);
		/* ...would have taken it off the top */
		KUNIT_EXPECT_TRUE(test, bus_on_list(sentinel, t->b->spare));
		bus_check(test, t, false);
	}
	bus_check(test, t, true);
	bus_cancel(t);
	bus_check(test, t, true);
	mutex_unlock(&t->mgr->lock);
	bus_test_exit(t);
}

/* Nodes for @n ranges registered one by one in order of address. */
static unsigned long bus_nodes_in_order(unsigned long n)
{
	unsigned long nodes = 0, level = DIV_ROUND_UP(n, DBDEV_LEAF_SLOTS);

	for (;;) {
		nodes += level;
		if (level == 1)
			return nodes;
		level = DIV_ROUND_UP(level, DBDEV_INNER_SLOTS);
	}
}

/*
 * The index's size: ranges registered in order of address, up or down,
 * fill every node but one of each level; in any order it stays under 128
 * bytes a range, the most the performance issue allows.
 */
static void bus_index_size(struct kunit *test)
{
	static const unsigned int n = 10000;
	unsigned int order, i, k;

	for (order = 0; order < 3; order++) {
		struct bus_test *t = bus_test_init(test);
		struct dbdev_range r = { .bus = DBDEV_BUS_MMIO };
		size_t bytes;

		mutex_lock(&t->mgr->lock);
		for (i = 0; i < n; i++) {
			/* ascending, descending, and scattered by a stride */
			k = order == 0 ? i : order == 1 ? n - 1 - i :
			    (i * 7919) % n;
			r.base = (u64)k * 4096;
			r.last = r.base + 4095;
			KUNIT_ASSERT_EQ(test, bus_insert(t, &r, 0), 0);
			dbdev_buses_retire(t->b, dbdev_buses_publish(t->b));
		}
		bytes = dbdev_buses_index_bytes(t->b);
		if (order < 2)
			KUNIT_EXPECT_EQ(test, bytes,
					bus_nodes_in_order(n) * 256 +
					sizeof(struct dbdev_view));
		KUNIT_EXPECT_LE(test, bytes / n, (size_t)128);
		kunit_info(test, "order %u: %zu bytes a range\n", order,
			   bytes / n);
		mutex_unlock(&t->mgr->lock);
		bus_test_exit(t);
	}
}

/*
 * Ranges registered in order, up, down and scattered, where the splits at
 * the edges of the tree happen at every level: the shape and what dispatch
 * finds, after each one.
 */
static void bus_ordered_shape(struct kunit *test)
{
	static const unsigned int n = BUS_MODEL_MAX;
	unsigned int order, i, k;

	for (order = 0; order < 3; order++) {
		struct bus_test *t = bus_test_init(test);

		mutex_lock(&t->mgr->lock);
		for (i = 0; i < n && test->status != KUNIT_FAILURE; i++) {
			k = order == 0 ? i : order == 1 ? n - 1 - i :
			    (i * 617) % n;
			bus_try_insert(test, t, DBDEV_BUS_MMIO, k * 32,
				       k * 32 + 31, k % BUS_DEVS);
			if (i % 3 == 0)
				bus_publish(t);
			bus_check(test, t, i % 64 == 0);
		}
		KUNIT_EXPECT_EQ(test, t->staged[DBDEV_BUS_MMIO].nr, n);
		KUNIT_EXPECT_GE(test,
				dbdev_view_staged(t->b)->height[DBDEV_BUS_MMIO],
				2U);
		bus_publish(t);
		mutex_unlock(&t->mgr->lock);
		bus_test_exit(t);
	}
}

/*
 * Views that registrations replaced, when no later change frees them: the
 * buses' idle work hands them to the reclaim worker.
 */
static void bus_idle_frees_dead(struct kunit *test)
{
	struct bus_test *t = bus_test_init(test);
	unsigned int i;

	mutex_lock(&t->mgr->lock);
	for (i = 0; i < 3; i++) {
		bus_try_insert(test, t, DBDEV_BUS_PIO, i * 8, i * 8 + 7, 0);
		dbdev_buses_retire(t->b, dbdev_buses_publish(t->b));
	}
	KUNIT_EXPECT_EQ(test, t->b->nr_dead, 3U);
	KUNIT_EXPECT_TRUE(test, delayed_work_pending(&t->b->idle));
	mutex_unlock(&t->mgr->lock);

	flush_delayed_work(&t->b->idle);
	mutex_lock(&t->mgr->lock);
	KUNIT_EXPECT_EQ(test, t->b->nr_dead, 0U);
	KUNIT_EXPECT_TRUE(test, list_empty(&t->b->dead));
	mutex_unlock(&t->mgr->lock);
	dbdev_buses_reclaim_flush();
	bus_test_exit(t);
}

static struct kunit_case dbdev_bus_cases[] = {
	KUNIT_CASE(bus_random_model),
	KUNIT_CASE(bus_undo_needs_no_reserve),
	KUNIT_CASE(bus_ordered_shape),
	KUNIT_CASE(bus_index_size),
	KUNIT_CASE(bus_idle_frees_dead),
	{}
};

static struct kunit_suite dbdev_bus_suite = {
	.name = "dbdev_bus",
	.test_cases = dbdev_bus_cases,
};

kunit_test_suite(dbdev_bus_suite);
