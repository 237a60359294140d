// SPDX-License-Identifier: GPL-2.0
/*
 * dbdev benchmarks: they measure, they do not judge.  Built as a KUnit
 * suite with CONFIG_DBDEV_BENCH, in a UML kernel of its own without debug
 * options, so that the numbers are those of the code; and as a module of
 * its own, dbdev_bench.ko (CONFIG_DBDEV_BENCH_MODULE), that runs when it
 * is loaded into a distribution's SMP kernel, which has no KUnit
 * (`make bench`, tools/bench.sh).  Each line of the tables starts with
 * "dbdev-bench:".
 *
 * Dispatch is set beside three lookups written here, each reaching the
 * same callback through a pointer as dbdev does:
 *   array   KVM's kvm_io_bus: a sorted array searched by bisection under
 *	     SRCU, copied on every update
 *   rbtree  an rbtree of ranges under a rwlock
 *   maple   the kernel's maple tree of ranges, read under SRCU
 * at 1 to 100,000 ranges of one page each, for random, sequential and
 * same-address accesses, back to back and with a fence before each, in
 * interleaved rounds; then the cost of a registration and unregistration,
 * and the kernel memory each range takes.  The allocator's rows follow.
 */
#ifndef DBDEV_BENCH_MODULE
#include <kunit/test.h>
#endif
#include <linux/ktime.h>
#include <linux/maple_tree.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/random.h>
#include <linux/rbtree.h>
#include <linux/sort.h>
#include <linux/spinlock.h>
#include <linux/srcu.h>
#include <linux/vmalloc.h>
#include <linux/vmstat.h>

#include "dbdev.h"
#include "dbdev_internal.h"

/* Accesses timed per measurement; rounds per figure (the median is shown) */
#define BENCH_OPS	4096
#define BENCH_ROUNDS	5
/* Updates timed in a row per figure */
#define BENCH_UPDATES	64
/* Where the ranges start; each is one page */
#define BENCH_BASE	0x100000000ULL
#define BENCH_PAGE	0x1000ULL

/* Operations of the allocator's rows, in rounds of BENCH_BATCH */
#define BENCH_ALLOC_OPS	16384
#define BENCH_BATCH	256
/* An odd prime: stepping by it visits distinct indices of any live count. */
#define BENCH_STRIDE	104729

static const unsigned int bench_n[] = { 1, 8, 64, 1000, 10000, 100000 };
static const unsigned int bench_alloc_live[] = { 1000, 10000, 100000 };

/* What every lookup calls once it found the range: a device's read. */
struct bench_target {
	int (*read)(struct bench_target *t, u64 offset, void *data,
		    unsigned int len);
};

static int bench_target_read(struct bench_target *t, u64 offset, void *data,
			     unsigned int len)
{
	memset(data, 0, len);
	return 0;
}

static struct bench_target bench_target = { .read = bench_target_read };

/* ------------------------------------------------------------------------
 * dbdev
 */

static int bench_read(struct dbdev_caller *caller, struct dbdev_device *dev,
		      u64 base, u64 offset, void *data, unsigned int len)
{
	memset(data, 0, len);
	return 0;
}

static int bench_write(struct dbdev_caller *caller, struct dbdev_device *dev,
		       u64 base, u64 offset, const void *data, unsigned int len)
{
	return 0;
}

static const struct dbdev_device_ops bench_ops = {
	.read = bench_read,
	.write = bench_write,
};

/* ------------------------------------------------------------------------
 * The KVM-style array
 */

struct bench_entry {
	u64 base;
	u64 last;
	struct bench_target *t;
};

struct bench_tab {
	struct rcu_head rcu;
	unsigned int nr;
	struct bench_entry e[];
};

struct bench_array {
	struct srcu_struct srcu;
	struct bench_tab __rcu *tab;
};

static int bench_array_read(struct bench_array *a, u64 addr, void *data,
			    unsigned int len)
{
	const struct bench_tab *tab;
	unsigned int lo = 0, hi;
	int idx, ret = -ENODEV;

	idx = srcu_read_lock(&a->srcu);
	tab = srcu_dereference(a->tab, &a->srcu);
	hi = tab->nr;
	while (lo < hi) {	/* the first entry whose base is above addr */
		unsigned int mid = lo + (hi - lo) / 2;

		if (tab->e[mid].base <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo && addr + len - 1 <= tab->e[lo - 1].last)
		ret = tab->e[lo - 1].t->read(tab->e[lo - 1].t,
					     addr - tab->e[lo - 1].base, data,
					     len);
	srcu_read_unlock(&a->srcu, idx);
	return ret;
}

/* A copy of @old with one more range, or without the range at @base. */
static struct bench_tab *bench_tab_update(const struct bench_tab *old, u64 base,
					  bool add)
{
	unsigned int i, j = 0, nr = old->nr + (add ? 1 : -1);
	struct bench_tab *tab;

	tab = kvmalloc(struct_size(tab, e, nr), GFP_KERNEL);
	if (!tab)
		return NULL;
	tab->nr = nr;
	for (i = 0; i < old->nr; i++) {
		if (add && !j && old->e[i].base > base) {
			tab->e[i] = (struct bench_entry){
				base, base + BENCH_PAGE - 1, &bench_target };
			j = 1;
		}
		if (!add && old->e[i].base == base) {
			j = 1;
			continue;
		}
		tab->e[i + (add ? j : -j)] = old->e[i];
	}
	if (add && !j)
		tab->e[nr - 1] = (struct bench_entry){
			base, base + BENCH_PAGE - 1, &bench_target };
	return tab;
}

/* Publish @tab, wait for the readers of the old one and free it (as KVM). */
static void bench_tab_publish(struct bench_array *a, struct bench_tab *tab)
{
	struct bench_tab *old = rcu_replace_pointer(a->tab, tab, true);

	synchronize_srcu_expedited(&a->srcu);
	kvfree(old);
}

static int bench_array_init(struct bench_array *a, unsigned int n)
{
	struct bench_tab *tab;
	unsigned int i;

	tab = kvmalloc(struct_size(tab, e, n), GFP_KERNEL);
	if (!tab)
		return -ENOMEM;
	tab->nr = n;
	for (i = 0; i < n; i++)
		tab->e[i] = (struct bench_entry){
			BENCH_BASE + i * BENCH_PAGE,
			BENCH_BASE + (i + 1) * BENCH_PAGE - 1, &bench_target };
	RCU_INIT_POINTER(a->tab, tab);
	if (init_srcu_struct(&a->srcu)) {
		kvfree(tab);
		return -ENOMEM;
	}
	return 0;
}

static void bench_array_exit(struct bench_array *a)
{
	cleanup_srcu_struct(&a->srcu);
	kvfree(rcu_dereference_protected(a->tab, true));
}

/* ------------------------------------------------------------------------
 * An rbtree under a rwlock
 */

struct bench_node {
	struct rb_node rb;
	u64 base;
	u64 last;
	struct bench_target *t;
};

struct bench_rbtree {
	rwlock_t lock;
	struct rb_root root;
	struct bench_node *nodes;
};

static int bench_rbtree_read(struct bench_rbtree *r, u64 addr, void *data,
			     unsigned int len)
{
	const struct rb_node *rb;
	int ret = -ENODEV;

	read_lock(&r->lock);
	rb = r->root.rb_node;
	while (rb) {
		const struct bench_node *n = rb_entry(rb, struct bench_node, rb);

		if (addr < n->base) {
			rb = rb->rb_left;
		} else if (addr > n->last) {
			rb = rb->rb_right;
		} else {
			if (addr + len - 1 <= n->last)
				ret = n->t->read(n->t, addr - n->base, data, len);
			break;
		}
	}
	read_unlock(&r->lock);
	return ret;
}

static void bench_rbtree_insert(struct bench_rbtree *r, struct bench_node *n)
{
	struct rb_node **link = &r->root.rb_node, *parent = NULL;

	while (*link) {
		parent = *link;
		link = n->base < rb_entry(parent, struct bench_node, rb)->base ?
		       &parent->rb_left : &parent->rb_right;
	}
	rb_link_node(&n->rb, parent, link);
	rb_insert_color(&n->rb, &r->root);
}

static int bench_rbtree_init(struct bench_rbtree *r, unsigned int n)
{
	unsigned int i;

	rwlock_init(&r->lock);
	r->root = RB_ROOT;
	/* one node more, for the updates */
	r->nodes = kvcalloc(n + 1, sizeof(*r->nodes), GFP_KERNEL);
	if (!r->nodes)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		r->nodes[i].base = BENCH_BASE + i * BENCH_PAGE;
		r->nodes[i].last = r->nodes[i].base + BENCH_PAGE - 1;
		r->nodes[i].t = &bench_target;
		bench_rbtree_insert(r, &r->nodes[i]);
	}
	return 0;
}

/* ------------------------------------------------------------------------
 * The maple tree under SRCU
 */

struct bench_maple {
	struct srcu_struct srcu;
	struct maple_tree mt;
};

static int bench_maple_read(struct bench_maple *m, u64 addr, void *data,
			    unsigned int len)
{
	struct bench_target *t;
	int idx, ret = -ENODEV;

	idx = srcu_read_lock(&m->srcu);
	t = mtree_load(&m->mt, addr);
	/* every range is one page: one entry of the tree covers the access */
	if (t && (addr & (BENCH_PAGE - 1)) + len <= BENCH_PAGE)
		ret = t->read(t, addr & (BENCH_PAGE - 1), data, len);
	srcu_read_unlock(&m->srcu, idx);
	return ret;
}

static int bench_maple_init(struct bench_maple *m, unsigned int n)
{
	unsigned int i;
	int err = 0;

	mt_init(&m->mt);
	for (i = 0; i < n; i++) {
		u64 base = BENCH_BASE + i * BENCH_PAGE;

		err = mtree_store_range(&m->mt, base, base + BENCH_PAGE - 1,
					&bench_target, GFP_KERNEL);
		if (err)
			break;
	}
	err = err ?: init_srcu_struct(&m->srcu);
	if (err)
		mtree_destroy(&m->mt);
	return err;
}

static void bench_maple_exit(struct bench_maple *m)
{
	cleanup_srcu_struct(&m->srcu);
	mtree_destroy(&m->mt);
}

/* ------------------------------------------------------------------------
 * The four, side by side
 */

enum bench_impl { BENCH_DBDEV, BENCH_ARRAY, BENCH_RBTREE, BENCH_MAPLE,
		  BENCH_NR_IMPLS };

static const char *const bench_impl_names[] = {
	"dbdev", "array", "rbtree", "maple",
};

struct bench_ctx {
	unsigned int n;
	bool array_built;
	bool maple_built;
	struct dbdev_manager *mgr;
	struct dbdev_caller caller;
	struct dbdev_device *devs;
	struct bench_array array;
	struct bench_rbtree rbtree;
	struct bench_maple maple;
	u64 *addr;
};

#ifdef DBDEV_BENCH_MODULE
/* A module has no way to the per-CPU and vmalloc counts: no memory table. */
static const bool bench_memory;

static u64 bench_kernel_bytes(void)
{
	return 0;
}

static u64 bench_index_bytes(struct dbdev_manager *mgr)
{
	return 0;
}

static void bench_settle(struct dbdev_manager *mgr)
{
}
#else
static const bool bench_memory = true;

/* Kernel memory in use: slab, per-CPU and vmalloc pages, in bytes. */
static u64 bench_kernel_bytes(void)
{
	return global_node_page_state_pages(NR_SLAB_UNRECLAIMABLE_B) *
	       PAGE_SIZE +
	       global_node_page_state_pages(NR_SLAB_RECLAIMABLE_B) * PAGE_SIZE +
	       (pcpu_nr_pages() + vmalloc_nr_pages()) * PAGE_SIZE;
}

/*
 * Let the memory that registrations left for after a grace period (each
 * replaced a few nodes of the bus index) go, before it is counted and
 * before updates are timed, which would pay for freeing it.
 */
static void bench_settle(struct dbdev_manager *mgr)
{
	mutex_lock(&mgr->lock);
	dbdev_buses_release_dead(&mgr->buses);
	mutex_unlock(&mgr->lock);
	dbdev_buses_reclaim_flush();
}

/* The memory of @mgr's lookup index, of all the bytes it takes. */
static u64 bench_index_bytes(struct dbdev_manager *mgr)
{
	size_t bytes;

	mutex_lock(&mgr->lock);
	bytes = dbdev_buses_index_bytes(&mgr->buses);
	mutex_unlock(&mgr->lock);
	return bytes;
}
#endif

/*
 * Build the four with @n ranges, and the memory each took per range in
 * @bytes (kernel memory grown while building it, divided by @n), of which
 * dbdev's lookup index in *@index.
 */
static int bench_build(struct bench_ctx *c, unsigned int n,
		       u64 bytes[BENCH_NR_IMPLS], u64 *index)
{
	unsigned int i;
	u64 before;
	int err;

	memset(c, 0, sizeof(*c));
	c->n = n;
	/* the device structures are the driver's, not the bus's */
	c->devs = kvcalloc(n + 1, sizeof(*c->devs), GFP_KERNEL);
	c->addr = kvcalloc(BENCH_OPS, sizeof(*c->addr), GFP_KERNEL);
	if (!c->devs || !c->addr)
		return -ENOMEM;

	before = bench_kernel_bytes();
	c->mgr = dbdev_manager_create();
	if (IS_ERR(c->mgr))
		return PTR_ERR(c->mgr);
	dbdev_caller_init(&c->caller, c->mgr);
	for (i = 0; i < n; i++) {
		const struct dbdev_resource res =
			DBDEV_MMIO(BENCH_BASE + i * BENCH_PAGE, BENCH_PAGE);

		dbdev_device_init(&c->devs[i], &bench_ops, 0);
		err = dbdev_register(c->mgr, &c->devs[i], &res, 1);
		if (err)
			return err;
		/*
		 * As a VMM's ioctls return to userspace: a chance for the
		 * work that frees what registrations replaced to run, which
		 * on one CPU without preemption it otherwise never gets.
		 */
		cond_resched();
	}
	bench_settle(c->mgr);
	bytes[BENCH_DBDEV] = div_u64(bench_kernel_bytes() - before, n);
	*index = div_u64(bench_index_bytes(c->mgr), n);

	before = bench_kernel_bytes();
	err = bench_array_init(&c->array, n);
	if (err)
		return err;
	c->array_built = true;
	bytes[BENCH_ARRAY] = div_u64(bench_kernel_bytes() - before, n);

	before = bench_kernel_bytes();
	err = bench_rbtree_init(&c->rbtree, n);
	if (err)
		return err;
	bytes[BENCH_RBTREE] = div_u64(bench_kernel_bytes() - before, n);

	before = bench_kernel_bytes();
	err = bench_maple_init(&c->maple, n);
	if (err)
		return err;
	c->maple_built = true;
	bytes[BENCH_MAPLE] = div_u64(bench_kernel_bytes() - before, n);
	return 0;
}

/* Undo what bench_build() did, however far it got. */
static void bench_teardown(struct bench_ctx *c)
{
	if (!IS_ERR_OR_NULL(c->mgr))
		dbdev_manager_destroy(c->mgr);
	if (c->array_built)
		bench_array_exit(&c->array);
	kvfree(c->rbtree.nodes);
	if (c->maple_built)
		bench_maple_exit(&c->maple);
	kvfree(c->devs);
	kvfree(c->addr);
}

static int bench_read_one(struct bench_ctx *c, enum bench_impl impl, u64 addr,
			  void *data)
{
	switch (impl) {
	case BENCH_DBDEV:
		return dbdev_mmio_read(&c->caller, addr, data, 4);
	case BENCH_ARRAY:
		return bench_array_read(&c->array, addr, data, 4);
	case BENCH_RBTREE:
		return bench_rbtree_read(&c->rbtree, addr, data, 4);
	default:
		return bench_maple_read(&c->maple, addr, data, 4);
	}
}

/*
 * ns for BENCH_OPS reads at c->addr, back to back or each after a fence,
 * in *@ns; -EIO if one failed.
 */
static int bench_time(struct bench_ctx *c, enum bench_impl impl, bool fenced,
		      u64 *ns)
{
	unsigned int i;
	int err = 0;
	u64 t0;
	u32 v;

	t0 = ktime_get_ns();
	if (fenced) {
		for (i = 0; i < BENCH_OPS; i++) {
			/* each read starts once everything before is done */
			mb();
			err |= bench_read_one(c, impl, c->addr[i], &v);
		}
	} else {
		for (i = 0; i < BENCH_OPS; i++)
			err |= bench_read_one(c, impl, c->addr[i], &v);
	}
	*ns = ktime_get_ns() - t0;
	return err ? -EIO : 0;
}

enum bench_pattern { BENCH_RANDOM, BENCH_SEQUENTIAL, BENCH_SAME,
		     BENCH_NR_PATTERNS };

static const char *const bench_pattern_names[] = {
	"random", "sequential", "same",
};

static void bench_addresses(struct bench_ctx *c, enum bench_pattern p)
{
	unsigned int i;

	for (i = 0; i < BENCH_OPS; i++) {
		u64 page = p == BENCH_RANDOM ? get_random_u32_below(c->n) :
			   p == BENCH_SEQUENTIAL ? i % c->n : c->n / 2;

		c->addr[i] = BENCH_BASE + page * BENCH_PAGE + 8;
	}
}

static int bench_cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/* "n.n", the ns per read of a measurement of @ns, into @buf */
static const char *bench_per_op(char *buf, u64 ns)
{
	u64 tenths = div_u64(ns * 10, BENCH_OPS);

	snprintf(buf, 16, "%llu.%llu", tenths / 10, tenths % 10);
	return buf;
}

/* "d.dd", the ratio @a / @b, into @buf */
static const char *bench_ratio(char *buf, size_t size, u64 a, u64 b)
{
	u64 r = div64_u64(a * 100, b ?: 1);

	snprintf(buf, size, "%llu.%02llu", r / 100, r % 100);
	return buf;
}

/* Dispatch ns/op at @c's n: each pattern, each mode, each lookup. */
static int bench_dispatch(struct bench_ctx *c)
{
	u64 ns[BENCH_NR_IMPLS][BENCH_ROUNDS], med[BENCH_NR_IMPLS], best;
	char r[2][16], v[BENCH_NR_IMPLS][16];
	unsigned int impl, round;
	enum bench_pattern p;
	int fenced, err;

	for (p = 0; p < BENCH_NR_PATTERNS; p++) {
		bench_addresses(c, p);
		for (fenced = 0; fenced < 2; fenced++) {
			/* interleaved: every lookup once per round */
			for (round = 0; round < BENCH_ROUNDS; round++) {
				for (impl = 0; impl < BENCH_NR_IMPLS; impl++) {
					err = bench_time(c, impl, fenced,
							 &ns[impl][round]);
					if (err)
						return err;
				}
			}
			best = U64_MAX;
			for (impl = 0; impl < BENCH_NR_IMPLS; impl++) {
				sort(ns[impl], BENCH_ROUNDS, sizeof(u64),
				     bench_cmp_u64, NULL);
				med[impl] = ns[impl][BENCH_ROUNDS / 2];
				if (impl != BENCH_DBDEV)
					best = min(best, med[impl]);
			}
			pr_info("dbdev-bench: %6u %-10s %-6s %8s %8s %8s %8s %6s %6s\n",
				c->n, bench_pattern_names[p],
				fenced ? "fenced" : "b2b",
				bench_per_op(v[0], med[BENCH_DBDEV]),
				bench_per_op(v[1], med[BENCH_ARRAY]),
				bench_per_op(v[2], med[BENCH_RBTREE]),
				bench_per_op(v[3], med[BENCH_MAPLE]),
				bench_ratio(r[0], sizeof(r[0]),
					    med[BENCH_DBDEV], best),
				bench_ratio(r[1], sizeof(r[1]),
					    med[BENCH_DBDEV], med[BENCH_ARRAY]));
		}
	}
	return 0;
}

/* One registration and unregistration of one more range, each its way. */
static int bench_update_one(struct bench_ctx *c, enum bench_impl impl)
{
	u64 base = BENCH_BASE + c->n * BENCH_PAGE;
	const struct dbdev_resource res = DBDEV_MMIO(base, BENCH_PAGE);
	struct bench_node *node = &c->rbtree.nodes[c->n];
	struct bench_tab *tab;
	int err;

	switch (impl) {
	case BENCH_DBDEV:
		return dbdev_register(c->mgr, &c->devs[c->n], &res, 1) ?:
		       dbdev_unregister(c->mgr, &c->devs[c->n]);
	case BENCH_ARRAY:
		tab = bench_tab_update(rcu_dereference_protected(c->array.tab,
								 true),
				       base, true);
		if (!tab)
			return -ENOMEM;
		bench_tab_publish(&c->array, tab);
		tab = bench_tab_update(tab, base, false);
		if (!tab)
			return -ENOMEM;
		bench_tab_publish(&c->array, tab);
		return 0;
	case BENCH_RBTREE:
		write_lock(&c->rbtree.lock);
		bench_rbtree_insert(&c->rbtree, node);
		write_unlock(&c->rbtree.lock);
		write_lock(&c->rbtree.lock);
		rb_erase(&node->rb, &c->rbtree.root);
		write_unlock(&c->rbtree.lock);
		return 0;
	default:
		err = mtree_store_range(&c->maple.mt, base, base + BENCH_PAGE - 1,
					&bench_target, GFP_KERNEL);
		if (err)
			return err;
		mtree_erase(&c->maple.mt, base);
		synchronize_srcu(&c->maple.srcu);
		return 0;
	}
}

/*
 * ns for one registration and unregistration of one more range, each
 * lookup in its own way: the mean of BENCH_UPDATES in a row; and for
 * dbdev's also the median of BENCH_UPDATES timed one by one (@median:
 * a wait for readers can take long now and then).
 */
static int bench_updates(struct bench_ctx *c, u64 ns[BENCH_NR_IMPLS],
			 u64 *median)
{
	struct bench_node *node = &c->rbtree.nodes[c->n];
	u64 t0, each[BENCH_UPDATES];
	unsigned int impl, k;
	int err;

	dbdev_device_init(&c->devs[c->n], &bench_ops, 0);
	node->base = BENCH_BASE + c->n * BENCH_PAGE;
	node->last = node->base + BENCH_PAGE - 1;
	node->t = &bench_target;
	for (impl = 0; impl < BENCH_NR_IMPLS; impl++) {
		t0 = ktime_get_ns();
		for (k = 0; k < BENCH_UPDATES; k++) {
			err = bench_update_one(c, impl);
			if (err)
				return err;
		}
		ns[impl] = div_u64(ktime_get_ns() - t0, BENCH_UPDATES);
	}
	for (k = 0; k < BENCH_UPDATES; k++) {
		t0 = ktime_get_ns();
		err = bench_update_one(c, BENCH_DBDEV);
		if (err)
			return err;
		each[k] = ktime_get_ns() - t0;
	}
	sort(each, BENCH_UPDATES, sizeof(u64), bench_cmp_u64, NULL);
	*median = each[BENCH_UPDATES / 2];
	return 0;
}

static int bench_lookups(void)
{
	u64 upd[ARRAY_SIZE(bench_n)][BENCH_NR_IMPLS], med[ARRAY_SIZE(bench_n)];
	u64 mem[ARRAY_SIZE(bench_n)][BENCH_NR_IMPLS], idx[ARRAY_SIZE(bench_n)];
	struct bench_ctx *c;
	unsigned int i;
	int err = 0;

	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return -ENOMEM;
	pr_info("dbdev-bench: dispatch, ns/op (median of %u interleaved rounds of %u reads of 4 bytes); /best: dbdev over the best of the others\n",
		BENCH_ROUNDS, BENCH_OPS);
	pr_info("dbdev-bench: %6s %-10s %-6s %8s %8s %8s %8s %6s %6s\n", "n",
		"pattern", "mode", "dbdev", "array", "rbtree", "maple",
		"/best", "/array");
	for (i = 0; i < ARRAY_SIZE(bench_n) && !err; i++) {
		err = bench_build(c, bench_n[i], mem[i], &idx[i]) ?:
		      bench_dispatch(c) ?: bench_updates(c, upd[i], &med[i]);
		bench_teardown(c);
	}
	kfree(c);
	if (err)
		return err;

	pr_info("dbdev-bench: one registration and unregistration, ns, each waiting for its readers but the rbtree's (mean of %u; dbdev's median of %u timed one by one)\n",
		BENCH_UPDATES, BENCH_UPDATES);
	pr_info("dbdev-bench: %6s %10s %10s %10s %10s %10s\n", "n", "dbdev",
		"median", "array", "rbtree", "maple");
	for (i = 0; i < ARRAY_SIZE(bench_n); i++)
		pr_info("dbdev-bench: %6u %10llu %10llu %10llu %10llu %10llu\n",
			bench_n[i], upd[i][BENCH_DBDEV], med[i],
			upd[i][BENCH_ARRAY], upd[i][BENCH_RBTREE],
			upd[i][BENCH_MAPLE]);

	if (!bench_memory)
		return 0;
	pr_info("dbdev-bench: kernel memory per range, bytes (slab, per-CPU and vmalloc growth over n; dbdev's includes its bookkeeping of each device)\n");
	pr_info("dbdev-bench: %6s %10s %10s %10s %10s %10s\n", "n", "dbdev",
		"index", "array", "rbtree", "maple");
	for (i = 0; i < ARRAY_SIZE(bench_n); i++) {
		if (bench_n[i] < 1000)	/* too few to rise above the noise */
			continue;
		pr_info("dbdev-bench: %6u %10llu %10llu %10llu %10llu %10llu\n",
			bench_n[i], mem[i][BENCH_DBDEV], idx[i],
			mem[i][BENCH_ARRAY], mem[i][BENCH_RBTREE],
			mem[i][BENCH_MAPLE]);
	}
	pr_info("dbdev-bench: index: of dbdev's, its lookup index (the nodes of the bus trees, whose leaves hold each range's bounds, device and ops)\n");
	return 0;
}

/* ------------------------------------------------------------------------
 * The allocator
 */

/*
 * Keep @live single-page MMIO allocations, then repeatedly free a batch of
 * them and allocate the batch again: each new allocation takes the lowest
 * hole, which the gap-augmented tree finds without a scan.
 */
static int bench_alloc(unsigned int live, u64 *alloc_ns, u64 *free_ns)
{
	const struct dbdev_constraint con = DBDEV_CON_MMIO(0x1000);
	struct dbdev_resource *held;
	struct dbdev_manager *mgr;
	unsigned int i, k, round;
	u64 t0, t1, t2;
	int err = 0;

	mgr = dbdev_manager_create();
	if (IS_ERR(mgr))
		return PTR_ERR(mgr);
	held = kvcalloc(live, sizeof(*held), GFP_KERNEL);
	if (!held) {
		dbdev_manager_destroy(mgr);
		return -ENOMEM;
	}
	for (i = 0; i < live && err >= 0; i++)
		err = dbdev_alloc(mgr, &con, 1, &held[i], 1);

	*alloc_ns = 0;
	*free_ns = 0;
	for (round = 0; round < BENCH_ALLOC_OPS / BENCH_BATCH && err >= 0;
	     round++) {
		unsigned int first = get_random_u32_below(live);

		t0 = ktime_get_ns();
		for (k = 0; k < BENCH_BATCH && err >= 0; k++) {
			i = (first + (u64)k * BENCH_STRIDE) % live;
			err = dbdev_free(mgr, &held[i], 1);
		}
		t1 = ktime_get_ns();
		for (k = 0; k < BENCH_BATCH && err >= 0; k++) {
			i = (first + (u64)k * BENCH_STRIDE) % live;
			err = dbdev_alloc(mgr, &con, 1, &held[i], 1);
		}
		t2 = ktime_get_ns();
		*free_ns += t1 - t0;
		*alloc_ns += t2 - t1;
	}
	dbdev_manager_destroy(mgr);
	kvfree(held);
	return err < 0 ? err : 0;
}

static int bench_allocator(void)
{
	u64 alloc_ns, free_ns;
	unsigned int n;
	int err;

	pr_info("dbdev-bench: allocator, one page of MMIO at a time\n");
	pr_info("dbdev-bench: %8s %12s %12s\n", "live", "allocs/s", "frees/s");
	for (n = 0; n < ARRAY_SIZE(bench_alloc_live); n++) {
		unsigned int live = bench_alloc_live[n];

		err = bench_alloc(live, &alloc_ns, &free_ns);
		if (err)
			return err;
		pr_info("dbdev-bench: %8u %12llu %12llu\n", live,
			div64_u64(BENCH_ALLOC_OPS * NSEC_PER_SEC, alloc_ns ?: 1),
			div64_u64(BENCH_ALLOC_OPS * NSEC_PER_SEC, free_ns ?: 1));
	}
	return 0;
}

/* ------------------------------------------------------------------------
 * Built into dbdev as a KUnit suite (UML), or a module of its own (a
 * distribution's kernel, which has no KUnit)
 */

#ifdef DBDEV_BENCH_MODULE

static int __init dbdev_bench_init(void)
{
	int err = bench_lookups() ?: bench_allocator();

	if (err)
		pr_err("dbdev-bench: failed: %d\n", err);
	return err;
}
module_init(dbdev_bench_init);

static void __exit dbdev_bench_exit(void)
{
}
module_exit(dbdev_bench_exit);

MODULE_DESCRIPTION("dbdev benchmarks, printed when the module loads");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(DBDEV_NS);

#else

static void bench_lookups_case(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, bench_lookups(), 0);
}

static void bench_allocator_case(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, bench_allocator(), 0);
}

static struct kunit_case dbdev_bench_cases[] = {
	KUNIT_CASE(bench_lookups_case),
	KUNIT_CASE(bench_allocator_case),
	{}
};

static struct kunit_suite dbdev_bench_suite = {
	.name = "dbdev_bench",
	.test_cases = dbdev_bench_cases,
};

kunit_test_suites(&dbdev_bench_suite);

#endif
