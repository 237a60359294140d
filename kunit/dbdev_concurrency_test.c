// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for dbdev under concurrency: kthreads dispatching while the
 * test thread registers, unregisters and commits transactions.
 *
 * UML has one CPU and no preemption, so threads interleave only where they
 * sleep or reschedule; the callbacks here sleep inside on purpose, which is
 * what lets two callbacks overlap and a registration change land while a
 * callback is running.
 *
 * Only the test thread uses KUNIT_ASSERT_*(); the kthreads and the
 * callbacks they run count what they see in atomics that the test thread
 * checks once they are stopped.  The fixture's exit stops every kthread
 * before it destroys the manager, so a failed assertion cannot leave one
 * running.
 */
#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/errno.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/kthread.h>
#include <linux/sched.h>

#include "dbdev.h"

/* A caller of its own, for an access made outside any callback */
#define CALLER(mgr)	(&(struct dbdev_caller)DBDEV_CALLER_INIT(mgr))

/* ------------------------------------------------------------------------
 * A device whose reads answer (id + offset + i) in byte i
 */

struct cdev {
	struct dbdev_device dev;
	u8 id;
	u64 mmio_base;
	u16 pio_base;
	u64 size;
	/* sleep inside every @sleep_every-th callback, 0 for never */
	unsigned int sleep_every;
	unsigned int sleep_us;
	atomic_t calls;
	atomic_t inside;
	atomic_t max_inside;
	/* callbacks that saw a wrong base, offset or length */
	atomic_t bad_args;
	/* set by the test thread once dbdev_unregister() has returned */
	bool dead;
	/* callbacks that ran, wholly or partly, while @dead was set */
	atomic_t late;
};

static struct cdev *to_cdev(struct dbdev_device *dev)
{
	return container_of(dev, struct cdev, dev);
}

static u8 cdev_byte(u8 id, u64 off, unsigned int i)
{
	return (u8)(id + off + i);
}

static int cdev_io(struct dbdev_device *dev, bool pio, u64 base, u64 off,
		   u8 *data, unsigned int len)
{
	struct cdev *c = to_cdev(dev);
	int n, max, calls;
	unsigned int i;

	if (READ_ONCE(c->dead))
		atomic_inc(&c->late);
	calls = atomic_inc_return(&c->calls);
	n = atomic_inc_return(&c->inside);
	max = atomic_read(&c->max_inside);
	while (n > max && !atomic_try_cmpxchg(&c->max_inside, &max, n))
		;

	if (base != (pio ? c->pio_base : c->mmio_base) || off >= c->size ||
	    !len || len > DBDEV_MAX_ACCESS || len > c->size - off)
		atomic_inc(&c->bad_args);
	else
		for (i = 0; data && i < len; i++)
			data[i] = cdev_byte(c->id, off, i);

	if (c->sleep_every && calls % c->sleep_every == 0)
		usleep_range(c->sleep_us, 2 * c->sleep_us);

	atomic_dec(&c->inside);
	if (READ_ONCE(c->dead))
		atomic_inc(&c->late);
	return 0;
}

static int cdev_read(struct dbdev_caller *caller, struct dbdev_device *dev,
		     u64 base, u64 offset, void *data, unsigned int len)
{
	return cdev_io(dev, false, base, offset, data, len);
}

static int cdev_write(struct dbdev_caller *caller, struct dbdev_device *dev,
		      u64 base, u64 offset, const void *data, unsigned int len)
{
	return cdev_io(dev, false, base, offset, NULL, len);
}

static int cdev_pio_read(struct dbdev_caller *caller, struct dbdev_device *dev,
			 u16 base, u16 offset, void *data, unsigned int len)
{
	return cdev_io(dev, true, base, offset, data, len);
}

static int cdev_pio_write(struct dbdev_caller *caller, struct dbdev_device *dev,
			  u16 base, u16 offset, const void *data,
			  unsigned int len)
{
	return cdev_io(dev, true, base, offset, NULL, len);
}

static const struct dbdev_device_ops cdev_ops = {
	.read = cdev_read,
	.write = cdev_write,
	.pio_read = cdev_pio_read,
	.pio_write = cdev_pio_write,
};

static struct cdev *cdev_new(struct kunit *test, u8 id, unsigned int flags,
			     u64 mmio_base, u16 pio_base, u64 size)
{
	struct cdev *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, c);
	dbdev_device_init(&c->dev, &cdev_ops, flags);
	c->id = id;
	c->mmio_base = mmio_base;
	c->pio_base = pio_base;
	c->size = size;
	atomic_set(&c->calls, 0);
	atomic_set(&c->inside, 0);
	atomic_set(&c->max_inside, 0);
	atomic_set(&c->bad_args, 0);
	atomic_set(&c->late, 0);
	return c;
}

static int cdev_register(struct dbdev_manager *mgr, struct cdev *c)
{
	struct dbdev_resource res[] = {
		DBDEV_MMIO(c->mmio_base, c->size),
		DBDEV_PIO(c->pio_base, c->size),
	};

	return dbdev_register(mgr, &c->dev, res, ARRAY_SIZE(res));
}

static int cdev_tx_register(struct dbdev_tx *tx, struct cdev *c)
{
	struct dbdev_resource res[] = {
		DBDEV_MMIO(c->mmio_base, c->size),
		DBDEV_PIO(c->pio_base, c->size),
	};

	return dbdev_tx_register(tx, &c->dev, res, ARRAY_SIZE(res));
}

/* ------------------------------------------------------------------------
 * Fixture: a manager and the kthreads of the test
 */

#define MAX_WORKERS	8

struct worker {
	struct task_struct *task;
	struct conc_ctx *ctx;
	unsigned int idx;
	/* dispatch target: MMIO at @addr or PIO at @addr */
	bool pio;
	u64 addr;
	u64 size;
	/* 0: until stopped; otherwise that many dispatches, then @done */
	unsigned int iters;
	/* the worker's own, kept from dispatch to dispatch, as a vCPU's */
	struct dbdev_caller caller;
	/* what the dispatches returned */
	atomic_t ok;
	atomic_t enodev;
	atomic_t other_err;
	atomic_t bad_data;
	atomic_t hits[4];
	int first_err;
	/* instead of dispatching: run @action once, keep its @result */
	int (*action)(struct worker *w);
	struct dbdev_manager *mgr;
	void *arg;
	int result;
	int observed;
	struct completion done;
};

struct conc_ctx {
	struct dbdev_manager *mgr;
	struct completion go;
	struct worker *w[MAX_WORKERS];
	unsigned int nr;
	/* devices the answers may come from, by id (1 .. ARRAY_SIZE - 1) */
	struct cdev *dev_by_id[4];
};

static void stop_workers(struct conc_ctx *ctx)
{
	unsigned int i;

	/* in case a worker still waits for the start */
	complete_all(&ctx->go);
	for (i = 0; i < ctx->nr; i++) {
		if (ctx->w[i] && ctx->w[i]->task) {
			kthread_stop(ctx->w[i]->task);
			ctx->w[i]->task = NULL;
		}
	}
}

static int conc_init(struct kunit *test)
{
	struct conc_ctx *ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);

	if (!ctx)
		return -ENOMEM;
	init_completion(&ctx->go);
	ctx->mgr = dbdev_manager_create();
	if (IS_ERR_OR_NULL(ctx->mgr))
		return -ENOMEM;
	test->priv = ctx;
	return 0;
}

static void conc_exit(struct kunit *test)
{
	struct conc_ctx *ctx = test->priv;

	if (!ctx)
		return;
	stop_workers(ctx);
	dbdev_manager_destroy(ctx->mgr);
}

/* One dispatch; checks the answer against every device it may come from. */
static void worker_dispatch(struct worker *w, u64 off, unsigned int len)
{
	struct conc_ctx *ctx = w->ctx;
	u8 buf[DBDEV_MAX_ACCESS] = { };
	unsigned int i, id;
	int ret;

	if (w->pio)
		ret = dbdev_pio_read(&w->caller, w->addr + off, buf, len);
	else
		ret = dbdev_mmio_read(&w->caller, w->addr + off, buf, len);

	if (ret == -ENODEV) {
		atomic_inc(&w->enodev);
		return;
	}
	if (ret) {
		if (!atomic_read(&w->other_err))
			w->first_err = ret;
		atomic_inc(&w->other_err);
		return;
	}
	atomic_inc(&w->ok);
	id = (u8)(buf[0] - off);
	if (id == 0 || id >= ARRAY_SIZE(ctx->dev_by_id) ||
	    !ctx->dev_by_id[id]) {
		atomic_inc(&w->bad_data);
		return;
	}
	atomic_inc(&w->hits[id]);
	for (i = 0; i < len; i++)
		if (buf[i] != cdev_byte(id, off, i))
			atomic_inc(&w->bad_data);
}

/* Returns only once kthread_stop() is called. */
static void worker_park(void)
{
	set_current_state(TASK_INTERRUPTIBLE);
	while (!kthread_should_stop()) {
		schedule();
		set_current_state(TASK_INTERRUPTIBLE);
	}
	__set_current_state(TASK_RUNNING);
}

static int worker_fn(void *arg)
{
	struct worker *w = arg;
	static const unsigned int lens[] = { 1, 2, 4, 8 };
	unsigned int n = 0, len;
	u64 off;

	wait_for_completion(&w->ctx->go);
	if (w->action)
		w->result = w->action(w);
	while (!w->action && !kthread_should_stop() &&
	       (!w->iters || n < w->iters)) {
		len = min_t(u64, lens[(n + w->idx) % ARRAY_SIZE(lens)], w->size);
		off = (n * 7 + w->idx) % (w->size - len + 1);
		worker_dispatch(w, off, len);
		n++;
		cond_resched();
	}
	complete(&w->done);
	worker_park();
	return 0;
}

static struct worker *worker_new(struct kunit *test)
{
	struct conc_ctx *ctx = test->priv;
	struct worker *w;
	unsigned int i;

	KUNIT_ASSERT_LT(test, ctx->nr, (unsigned int)MAX_WORKERS);
	w = kunit_kzalloc(test, sizeof(*w), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, w);
	w->ctx = ctx;
	w->idx = ctx->nr;
	dbdev_caller_init(&w->caller, ctx->mgr);
	atomic_set(&w->ok, 0);
	atomic_set(&w->enodev, 0);
	atomic_set(&w->other_err, 0);
	atomic_set(&w->bad_data, 0);
	for (i = 0; i < ARRAY_SIZE(w->hits); i++)
		atomic_set(&w->hits[i], 0);
	init_completion(&w->done);
	return w;
}

static void worker_start(struct kunit *test, struct worker *w)
{
	struct conc_ctx *ctx = test->priv;

	w->task = kthread_run(worker_fn, w, "dbdev-kunit-%u", w->idx);
	KUNIT_ASSERT_FALSE(test, IS_ERR(w->task));
	ctx->w[ctx->nr++] = w;
}

static struct worker *start_worker(struct kunit *test, bool pio, u64 addr,
				   u64 size, unsigned int iters)
{
	struct worker *w = worker_new(test);

	w->pio = pio;
	w->addr = addr;
	w->size = size;
	w->iters = iters;
	worker_start(test, w);
	return w;
}

/* A worker that runs @action once, with @arg, on manager @mgr. */
static struct worker *start_action(struct kunit *test,
				   int (*action)(struct worker *w),
				   struct dbdev_manager *mgr, void *arg)
{
	struct worker *w = worker_new(test);

	w->action = action;
	w->mgr = mgr;
	w->arg = arg;
	worker_start(test, w);
	return w;
}

/* Waits for a finite worker; a worker stuck for a minute is a deadlock. */
static bool wait_worker(struct worker *w)
{
	return wait_for_completion_timeout(&w->done, 60 * HZ) != 0;
}

/* ------------------------------------------------------------------------
 * Serialised devices run one callback at a time
 */

#define PAR_WORKERS	4
#define PAR_ITERS	25

/* Returns the most callbacks of one device seen running at once. */
static int run_parallel(struct kunit *test, unsigned int flags)
{
	struct conc_ctx *ctx = test->priv;
	struct worker *w[PAR_WORKERS];
	struct cdev *c;
	unsigned int i;

	c = cdev_new(test, 1, flags, 0x10000, 0x100, 0x10);
	c->sleep_every = 1;
	c->sleep_us = 200;
	ctx->dev_by_id[1] = c;
	KUNIT_ASSERT_EQ(test, cdev_register(ctx->mgr, c), 0);

	/* half on the MMIO range, half on the PIO range: one device */
	for (i = 0; i < PAR_WORKERS; i++)
		w[i] = start_worker(test, i & 1, i & 1 ? 0x100 : 0x10000, 0x10,
				    PAR_ITERS);
	complete_all(&ctx->go);
	for (i = 0; i < PAR_WORKERS; i++)
		KUNIT_EXPECT_TRUE_MSG(test, wait_worker(w[i]),
				      "worker %u stuck", i);
	stop_workers(ctx);

	for (i = 0; i < PAR_WORKERS; i++) {
		KUNIT_EXPECT_EQ_MSG(test, atomic_read(&w[i]->ok), PAR_ITERS,
				    "worker %u", i);
		KUNIT_EXPECT_EQ_MSG(test, atomic_read(&w[i]->hits[1]),
				    PAR_ITERS, "worker %u", i);
		KUNIT_EXPECT_EQ_MSG(test, atomic_read(&w[i]->bad_data), 0,
				    "worker %u", i);
	}
	KUNIT_EXPECT_EQ(test, atomic_read(&c->calls), PAR_WORKERS * PAR_ITERS);
	KUNIT_EXPECT_EQ(test, atomic_read(&c->bad_args), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&c->inside), 0);
	return atomic_read(&c->max_inside);
}

static void serialized_one_at_a_time(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, run_parallel(test, DBDEV_DEVICE_SERIALIZED), 1);
}

/* The control: without the flag the same load does overlap. */
static void unserialized_overlaps(struct kunit *test)
{
	KUNIT_EXPECT_GT(test, run_parallel(test, 0), 1);
}

/* ------------------------------------------------------------------------
 * A swap committed under dispatch: always old or new, never nobody
 */

#define SWAPS		1000
#define SWAP_MMIO	0x40000ULL
#define SWAP_PIO	0x700
#define SWAP_SIZE	0x40

static void tx_swap_under_dispatch(struct kunit *test)
{
	struct conc_ctx *ctx = test->priv;
	struct cdev *dev[2];
	struct worker *wm, *wp;
	struct dbdev_tx *tx;
	unsigned int i, cur = 0, spins = 0;
	unsigned int bad_commit = 0, bad_after = 0;
	unsigned long start = jiffies;
	u8 b;
	int ret;

	for (i = 0; i < 2; i++) {
		dev[i] = cdev_new(test, i + 1, 0, SWAP_MMIO, SWAP_PIO,
				  SWAP_SIZE);
		dev[i]->sleep_every = 5;
		dev[i]->sleep_us = 20;
		ctx->dev_by_id[i + 1] = dev[i];
	}
	KUNIT_ASSERT_EQ(test, cdev_register(ctx->mgr, dev[0]), 0);

	wm = start_worker(test, false, SWAP_MMIO, SWAP_SIZE, 0);
	wp = start_worker(test, true, SWAP_PIO, SWAP_SIZE, 0);
	complete_all(&ctx->go);
	/* let both get going */
	while (atomic_read(&wm->ok) + atomic_read(&wp->ok) < 20 &&
	       spins++ < 1000)
		usleep_range(100, 200);

	for (i = 0; i < SWAPS; i++) {
		tx = dbdev_tx_begin(ctx->mgr);
		if (IS_ERR_OR_NULL(tx)) {
			bad_commit++;
			break;
		}
		if (dbdev_tx_unregister(tx, &dev[cur]->dev) ||
		    cdev_tx_register(tx, dev[!cur])) {
			bad_commit++;
			dbdev_tx_cancel(tx);
			break;
		}
		if (dbdev_tx_commit(tx)) {
			bad_commit++;
			break;
		}
		cur = !cur;
		/* visible as soon as the commit returns */
		b = 0;
		ret = dbdev_mmio_read(CALLER(ctx->mgr), SWAP_MMIO + 3, &b, 1);
		if (ret || b != cdev_byte(dev[cur]->id, 3, 0))
			bad_after++;
		/* an odd period, so the workers get either device to see */
		if (i % 5 == 4)
			usleep_range(50, 100);
	}
	stop_workers(ctx);

	KUNIT_EXPECT_EQ(test, bad_commit, 0U);
	KUNIT_EXPECT_EQ(test, bad_after, 0U);
	KUNIT_EXPECT_EQ(test, i, (unsigned int)SWAPS);
	KUNIT_EXPECT_EQ(test, atomic_read(&wm->enodev), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&wp->enodev), 0);
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&wm->other_err), 0,
			    "first error %d", wm->first_err);
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&wp->other_err), 0,
			    "first error %d", wp->first_err);
	KUNIT_EXPECT_EQ(test, atomic_read(&wm->bad_data), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&wp->bad_data), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&dev[0]->bad_args), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&dev[1]->bad_args), 0);
	/* the race was actually run: both devices answered both workers */
	KUNIT_EXPECT_GT(test, atomic_read(&wm->hits[1]), 0);
	KUNIT_EXPECT_GT(test, atomic_read(&wm->hits[2]), 0);
	KUNIT_EXPECT_GT(test, atomic_read(&wp->hits[1]), 0);
	KUNIT_EXPECT_GT(test, atomic_read(&wp->hits[2]), 0);
	kunit_info(test, "mmio %d+%d pio %d+%d answers over %u swaps in %u ms",
		   atomic_read(&wm->hits[1]), atomic_read(&wm->hits[2]),
		   atomic_read(&wp->hits[1]), atomic_read(&wp->hits[2]), i,
		   jiffies_to_msecs(jiffies - start));
}

/* ------------------------------------------------------------------------
 * Register and unregister thousands of times under dispatch
 */

#define CHURN		5000
#define CHURN_MMIO	0x80000ULL
#define CHURN_PIO	0x900
#define CHURN_SIZE	0x20

static void churn_under_dispatch(struct kunit *test)
{
	struct conc_ctx *ctx = test->priv;
	struct cdev *dev[2];
	struct worker *wm, *wp;
	unsigned int i, spins = 0;
	unsigned int bad_reg = 0, bad_unreg = 0, busy_after = 0;
	unsigned long start = jiffies;
	int ret;

	for (i = 0; i < 2; i++) {
		dev[i] = cdev_new(test, i + 1, i ? DBDEV_DEVICE_SERIALIZED : 0,
				  CHURN_MMIO, CHURN_PIO, CHURN_SIZE);
		dev[i]->sleep_every = 3;
		dev[i]->sleep_us = 10;
		WRITE_ONCE(dev[i]->dead, true);
		ctx->dev_by_id[i + 1] = dev[i];
	}

	wm = start_worker(test, false, CHURN_MMIO, CHURN_SIZE, 0);
	wp = start_worker(test, true, CHURN_PIO, CHURN_SIZE, 0);
	complete_all(&ctx->go);

	for (i = 0; i < CHURN; i++) {
		struct cdev *c = dev[i & 1];

		WRITE_ONCE(c->dead, false);
		ret = cdev_register(ctx->mgr, c);
		if (ret) {
			bad_reg++;
			WRITE_ONCE(c->dead, true);
			continue;
		}
		/* now and then, let the workers in while it is registered */
		if (i % 16 == 0)
			usleep_range(20, 40);
		ret = dbdev_unregister(ctx->mgr, &c->dev);
		if (ret)
			bad_unreg++;
		/* no callback of c may be running now */
		if (atomic_read(&c->inside))
			busy_after++;
		WRITE_ONCE(c->dead, true);
		/* and none may start: give a late one the chance to show */
		if (i % 16 == 8)
			usleep_range(20, 40);
	}
	/* let the workers run once more with nothing registered */
	while (spins++ < 10)
		usleep_range(100, 200);
	stop_workers(ctx);

	KUNIT_EXPECT_EQ(test, bad_reg, 0U);
	KUNIT_EXPECT_EQ(test, bad_unreg, 0U);
	KUNIT_EXPECT_EQ(test, busy_after, 0U);
	for (i = 0; i < 2; i++) {
		KUNIT_EXPECT_EQ_MSG(test, atomic_read(&dev[i]->late), 0,
				    "device %u ran after unregister", i);
		KUNIT_EXPECT_EQ_MSG(test, atomic_read(&dev[i]->bad_args), 0,
				    "device %u", i);
		KUNIT_EXPECT_EQ_MSG(test, atomic_read(&dev[i]->inside), 0,
				    "device %u", i);
	}
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&wm->other_err), 0,
			    "first error %d", wm->first_err);
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&wp->other_err), 0,
			    "first error %d", wp->first_err);
	KUNIT_EXPECT_EQ(test, atomic_read(&wm->bad_data), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&wp->bad_data), 0);
	/* the workers did run against registered devices, and found holes */
	KUNIT_EXPECT_GT(test, atomic_read(&wm->ok), 0);
	KUNIT_EXPECT_GT(test, atomic_read(&wp->ok), 0);
	KUNIT_EXPECT_GT(test, atomic_read(&wm->enodev), 0);
	KUNIT_EXPECT_GT(test, atomic_read(&wp->enodev), 0);
	kunit_info(test, "mmio %d ok %d enodev, pio %d ok %d enodev, %u ms",
		   atomic_read(&wm->ok), atomic_read(&wm->enodev),
		   atomic_read(&wp->ok), atomic_read(&wp->enodev),
		   jiffies_to_msecs(jiffies - start));

	/* and afterwards the place is empty */
	KUNIT_EXPECT_EQ(test, dbdev_unregister(ctx->mgr, &dev[0]->dev),
			-ENOENT);
	KUNIT_EXPECT_EQ(test, dbdev_unregister(ctx->mgr, &dev[1]->dev),
			-ENOENT);
}

/* ------------------------------------------------------------------------
 * Unregistration, commit and teardown wait for a running callback
 */

/* A device whose callback, once armed, blocks until released. */
struct bdev {
	struct dbdev_device dev;
	bool armed;
	struct completion entered;
	struct completion release;
	atomic_t inside;
	atomic_t calls;
	atomic_t releases;
	int inside_at_release;
};

static int bdev_io(struct dbdev_device *dev)
{
	struct bdev *b = container_of(dev, struct bdev, dev);

	atomic_inc(&b->inside);
	atomic_inc(&b->calls);
	if (READ_ONCE(b->armed)) {
		WRITE_ONCE(b->armed, false);
		complete(&b->entered);
		wait_for_completion_timeout(&b->release, 30 * HZ);
	}
	atomic_dec(&b->inside);
	return 0;
}

static int bdev_read(struct dbdev_caller *caller, struct dbdev_device *dev,
		     u64 base, u64 offset, void *data, unsigned int len)
{
	return bdev_io(dev);
}

static int bdev_write(struct dbdev_caller *caller, struct dbdev_device *dev,
		      u64 base, u64 offset, const void *data, unsigned int len)
{
	return bdev_io(dev);
}

static void bdev_release(struct dbdev_device *dev)
{
	struct bdev *b = container_of(dev, struct bdev, dev);

	b->inside_at_release = atomic_read(&b->inside);
	atomic_inc(&b->releases);
}

static const struct dbdev_device_ops bdev_ops = {
	.read = bdev_read,
	.write = bdev_write,
	.release = bdev_release,
};

#define BDEV_BASE	0x100000ULL

static struct bdev *bdev_new(struct kunit *test, unsigned int flags)
{
	struct bdev *b = kunit_kzalloc(test, sizeof(*b), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, b);
	dbdev_device_init(&b->dev, &bdev_ops, flags);
	init_completion(&b->entered);
	init_completion(&b->release);
	atomic_set(&b->inside, 0);
	atomic_set(&b->calls, 0);
	atomic_set(&b->releases, 0);
	b->inside_at_release = -1;
	return b;
}

static int act_dispatch(struct worker *w)
{
	u8 buf[4];

	return dbdev_mmio_read(CALLER(w->mgr), BDEV_BASE, buf, sizeof(buf));
}

static int act_unregister(struct worker *w)
{
	struct bdev *b = w->arg;
	int ret = dbdev_unregister(w->mgr, &b->dev);

	w->observed = atomic_read(&b->inside);
	return ret;
}

static int act_commit_unregister(struct worker *w)
{
	struct bdev *b = w->arg;
	struct dbdev_tx *tx = dbdev_tx_begin(w->mgr);
	int ret;

	if (IS_ERR_OR_NULL(tx))
		return tx ? PTR_ERR(tx) : -EFAULT;
	ret = dbdev_tx_unregister(tx, &b->dev);
	if (ret) {
		dbdev_tx_cancel(tx);
		return ret;
	}
	ret = dbdev_tx_commit(tx);
	w->observed = atomic_read(&b->inside);
	return ret;
}

static int act_destroy(struct worker *w)
{
	struct bdev *b = w->arg;

	dbdev_manager_destroy(w->mgr);
	w->observed = atomic_read(&b->inside);
	return 0;
}

enum wait_kind {
	WAIT_UNREGISTER,
	WAIT_COMMIT,
	WAIT_DESTROY,
};

/*
 * One kthread is inside a callback of b; another unregisters b (or commits
 * its unregistration, or destroys the manager).  That must not return
 * before the callback does, and ->release() must come after it.
 */
static void run_wait_for_callback(struct kunit *test, enum wait_kind kind,
				  unsigned int flags)
{
	static int (* const actions[])(struct worker *w) = {
		[WAIT_UNREGISTER] = act_unregister,
		[WAIT_COMMIT] = act_commit_unregister,
		[WAIT_DESTROY] = act_destroy,
	};
	struct conc_ctx *ctx = test->priv;
	struct dbdev_manager *mgr = ctx->mgr;
	struct bdev *b = bdev_new(test, flags);
	struct worker *user, *killer;
	u8 buf[4];

	if (kind == WAIT_DESTROY) {
		mgr = dbdev_manager_create();
		KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(mgr));
	}
	KUNIT_ASSERT_EQ(test, dbdev_register(mgr, &b->dev,
					     &DBDEV_MMIO(BDEV_BASE, 0x10), 1),
			0);
	complete_all(&ctx->go);

	WRITE_ONCE(b->armed, true);
	user = start_action(test, act_dispatch, mgr, b);
	KUNIT_ASSERT_TRUE(test, wait_for_completion_timeout(&b->entered,
							    10 * HZ) != 0);
	killer = start_action(test, actions[kind], mgr, b);

	/* the killer has run into the wait and must stay there */
	msleep(200);
	KUNIT_EXPECT_FALSE(test, completion_done(&killer->done));
	KUNIT_EXPECT_EQ(test, atomic_read(&b->inside), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&b->releases), 0);

	complete(&b->release);
	KUNIT_EXPECT_TRUE(test, wait_worker(killer));
	KUNIT_EXPECT_TRUE(test, wait_worker(user));
	stop_workers(ctx);

	KUNIT_EXPECT_EQ(test, user->result, 0);
	KUNIT_EXPECT_EQ(test, killer->result, 0);
	KUNIT_EXPECT_EQ(test, killer->observed, 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&b->calls), 1);
	if (kind == WAIT_DESTROY) {
		KUNIT_EXPECT_EQ(test, atomic_read(&b->releases), 1);
		KUNIT_EXPECT_EQ(test, b->inside_at_release, 0);
		return;
	}
	KUNIT_EXPECT_EQ(test, atomic_read(&b->releases), 0);
	KUNIT_EXPECT_EQ(test, dbdev_mmio_read(CALLER(mgr), BDEV_BASE, buf, 4), -ENODEV);
	KUNIT_EXPECT_EQ(test, dbdev_unregister(mgr, &b->dev), -ENOENT);
}

static void unregister_waits_for_callback(struct kunit *test)
{
	run_wait_for_callback(test, WAIT_UNREGISTER, 0);
}

static void unregister_waits_for_serialized_callback(struct kunit *test)
{
	run_wait_for_callback(test, WAIT_UNREGISTER, DBDEV_DEVICE_SERIALIZED);
}

static void commit_waits_for_callback(struct kunit *test)
{
	run_wait_for_callback(test, WAIT_COMMIT, 0);
}

static void destroy_waits_for_callback(struct kunit *test)
{
	run_wait_for_callback(test, WAIT_DESTROY, 0);
}

static struct kunit_case dbdev_concurrency_cases[] = {
	KUNIT_CASE(serialized_one_at_a_time),
	KUNIT_CASE(unserialized_overlaps),
	KUNIT_CASE(tx_swap_under_dispatch),
	KUNIT_CASE(churn_under_dispatch),
	KUNIT_CASE(unregister_waits_for_callback),
	KUNIT_CASE(unregister_waits_for_serialized_callback),
	KUNIT_CASE(commit_waits_for_callback),
	KUNIT_CASE(destroy_waits_for_callback),
	{}
};

static struct kunit_suite dbdev_concurrency_suite = {
	.name = "dbdev_concurrency",
	.init = conc_init,
	.exit = conc_exit,
	.test_cases = dbdev_concurrency_cases,
};

kunit_test_suites(&dbdev_concurrency_suite);
