// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for dbdev's interrupts (dbdev_irq.c):
 *
 *   dbdev_irq - lines as levels (only the rising edge signals), MSI vectors
 *		 counted through every MSI block, the notification, lines
 *		 raised with nothing connected, resampling, connecting and
 *		 disconnecting and their errors, a device unregistered while
 *		 its line is high, lines that follow the resources when a
 *		 transaction moves a device and stay until the commit of
 *		 its removal, signalling from a timer and
 *		 under a spinlock, connect and disconnect racing a device
 *		 that raises, and real eventfds: signalled, resampled,
 *		 released.
 *
 * The sinks here count what reaches them; every sink must be released
 * exactly once.  UML has no userspace at KUnit time: the eventfds come
 * from the eventfd2 system call made by the test thread, whose files are
 * the init task's.
 */
#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/eventfd.h>
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/kthread.h>
#include <linux/spinlock.h>
#include <linux/syscalls.h>
#include <linux/timer.h>

#include "../dbdev_internal.h"

/* A device with interrupts only: two lines, MSI blocks of 2 and 3. */
struct idev {
	struct dbdev_device dev;
};

static const struct dbdev_device_ops idev_ops = { };

static const struct dbdev_resource idev_res[] = {
	DBDEV_LEGACY_IRQ(5),
	DBDEV_MSI(DBDEV_MSI_PCI, 40, 2),
	DBDEV_LEGACY_IRQ(7),
	DBDEV_MSI(DBDEV_MSI_GENERIC, 100, 3),
};

/* A sink that counts what reaches it. */
struct tsink {
	struct dbdev_irq_sink sink;
	atomic_t fired;
	atomic_t released;
};

static void tsink_fire(struct dbdev_irq_sink *sink)
{
	atomic_inc(&container_of(sink, struct tsink, sink)->fired);
}

static void tsink_release(struct dbdev_irq_sink *sink)
{
	atomic_inc(&container_of(sink, struct tsink, sink)->released);
}

static struct tsink *tsink_new(struct kunit *test)
{
	struct tsink *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, t);
	t->sink.fire = tsink_fire;
	t->sink.release = tsink_release;
	return t;
}

static int fired(struct tsink *t)
{
	return atomic_read(&t->fired);
}

static int released(struct tsink *t)
{
	return atomic_read(&t->released);
}

struct irq_fixture {
	struct dbdev_manager *mgr;
	struct idev *dev;
};

static int irqt_init(struct kunit *test)
{
	struct irq_fixture *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, f);
	f->mgr = dbdev_manager_create();
	KUNIT_ASSERT_FALSE(test, IS_ERR(f->mgr));
	f->dev = kunit_kzalloc(test, sizeof(*f->dev), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, f->dev);
	dbdev_device_init(&f->dev->dev, &idev_ops, 0);
	KUNIT_ASSERT_EQ(test, dbdev_register(f->mgr, &f->dev->dev, idev_res,
					     ARRAY_SIZE(idev_res)), 0);
	test->priv = f;
	return 0;
}

static void irqt_exit(struct kunit *test)
{
	struct irq_fixture *f = test->priv;

	dbdev_manager_destroy(f->mgr);
	dbdev_irq_disconnect_all(&f->dev->dev);
}

static struct dbdev_device *dev_of(struct kunit *test)
{
	return &((struct irq_fixture *)test->priv)->dev->dev;
}

static u64 stat_of(atomic64_t *v)
{
	return atomic64_read(v);
}

/* A line signals its rising edge only; the other line is on its own. */
static void irq_line_levels(struct kunit *test)
{
	struct dbdev_device *dev = dev_of(test);
	struct tsink *l0 = tsink_new(test), *l1 = tsink_new(test);

	KUNIT_ASSERT_EQ(test, dbdev_irq_connect(dev, DBDEV_IRQ_LINE, 0,
						&l0->sink), 0);
	KUNIT_ASSERT_EQ(test, dbdev_irq_connect(dev, DBDEV_IRQ_LINE, 1,
						&l1->sink), 0);
	KUNIT_EXPECT_EQ(test, fired(l0), 0);

	KUNIT_EXPECT_EQ(test, dbdev_irq_set(dev, 0, true), 0);
	KUNIT_EXPECT_EQ(test, fired(l0), 1);
	KUNIT_EXPECT_EQ(test, dbdev_irq_set(dev, 0, true), 0);
	KUNIT_EXPECT_EQ(test, fired(l0), 1);
	KUNIT_EXPECT_EQ(test, dbdev_irq_set(dev, 0, false), 0);
	KUNIT_EXPECT_EQ(test, dbdev_irq_set(dev, 0, false), 0);
	KUNIT_EXPECT_EQ(test, fired(l0), 1);
	KUNIT_EXPECT_EQ(test, dbdev_irq_set(dev, 0, true), 0);
	KUNIT_EXPECT_EQ(test, fired(l0), 2);
	KUNIT_EXPECT_EQ(test, fired(l1), 0);

	KUNIT_EXPECT_EQ(test, dbdev_irq_set(dev, 1, true), 0);
	KUNIT_EXPECT_EQ(test, fired(l1), 1);
	KUNIT_EXPECT_EQ(test, fired(l0), 2);

	/* two lines: index 2 is none of them */
	KUNIT_EXPECT_EQ(test, dbdev_irq_set(dev, 2, true), -EINVAL);
	KUNIT_EXPECT_EQ(test, dbdev_irq_set(dev, UINT_MAX, false), -EINVAL);
	KUNIT_EXPECT_EQ(test, stat_of(&dev->irq_stats.raised), 3);
	KUNIT_EXPECT_EQ(test, stat_of(&dev->irq_stats.unbound), 0);

	dbdev_irq_disconnect_all(dev);
	KUNIT_EXPECT_EQ(test, released(l0), 1);
	KUNIT_EXPECT_EQ(test, released(l1), 1);
}

/* Vectors count on through the MSI blocks; each send signals. */
static void irq_msi_vectors(struct kunit *test)
{
	struct dbdev_device *dev = dev_of(test);
	struct tsink *v[5];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(v); i++) {
		v[i] = tsink_new(test);
		KUNIT_ASSERT_EQ(test, dbdev_irq_connect(dev, DBDEV_IRQ_MSI, i,
							&v[i]->sink), 0);
	}
	KUNIT_EXPECT_EQ(test, dbdev_msi_send(dev, 0), 0);
	KUNIT_EXPECT_EQ(test, dbdev_msi_send(dev, 0), 0);
	KUNIT_EXPECT_EQ(test, dbdev_msi_send(dev, 4), 0);
	KUNIT_EXPECT_EQ(test, dbdev_msi_send(dev, 5), -EINVAL);
	KUNIT_EXPECT_EQ(test, fired(v[0]), 2);
	KUNIT_EXPECT_EQ(test, fired(v[1]), 0);
	KUNIT_EXPECT_EQ(test, fired(v[4]), 1);
	KUNIT_EXPECT_EQ(test, stat_of(&dev->irq_stats.raised), 3);

	/* lines and vectors with the same index are different things */
	KUNIT_EXPECT_EQ(test, dbdev_irq_set(dev, 0, true), 0);
	KUNIT_EXPECT_EQ(test, fired(v[0]), 2);
	KUNIT_EXPECT_EQ(test, stat_of(&dev->irq_stats.unbound), 1);

	KUNIT_EXPECT_EQ(test, dbdev_irq_disconnect(dev, DBDEV_IRQ_MSI, 4), 0);
	KUNIT_EXPECT_EQ(test, released(v[4]), 1);
	KUNIT_EXPECT_EQ(test, dbdev_msi_send(dev, 4), 0);
	KUNIT_EXPECT_EQ(test, fired(v[4]), 1);
	KUNIT_EXPECT_EQ(test, stat_of(&dev->irq_stats.unbound), 2);
}

/*
 * With nothing connected a raise is counted, not an error; connecting a
 * line that is high signals it at once, connecting a low one does not.
 */
static void irq_unbound_then_connect(struct kunit *test)
{
	struct dbdev_device *dev = dev_of(test);
	struct tsink *l0 = tsink_new(test), *l1 = tsink_new(test);

	KUNIT_EXPECT_EQ(test, dbdev_irq_set(dev, 0, true), 0);
	KUNIT_EXPECT_EQ(test, dbdev_msi_send(dev, 1), 0);
	KUNIT_EXPECT_EQ(test, stat_of(&dev->irq_stats.raised), 2);
	KUNIT_EXPECT_EQ(test, stat_of(&dev->irq_stats.unbound), 2);

	KUNIT_ASSERT_EQ(test, dbdev_irq_connect(dev, DBDEV_IRQ_LINE, 0,
						&l0->sink), 0);
	KUNIT_EXPECT_EQ(test, fired(l0), 1);
	KUNIT_ASSERT_EQ(test, dbdev_irq_connect(dev, DBDEV_IRQ_LINE, 1,
						&l1->sink), 0);
	KUNIT_EXPECT_EQ(test, fired(l1), 0);
	/* still high: no new edge */
	KUNIT_EXPECT_EQ(test, dbdev_irq_set(dev, 0, true), 0);
	KUNIT_EXPECT_EQ(test, fired(l0), 1);
	KUNIT_EXPECT_EQ(test, stat_of(&dev->irq_stats.raised), 2);
}

/* A resample signals a line again while it is high, and only then. */
static void irq_resample(struct kunit *test)
{
	struct dbdev_device *dev = dev_of(test);
	struct tsink *l0 = tsink_new(test), *v0 = tsink_new(test);

	KUNIT_ASSERT_EQ(test, dbdev_irq_connect(dev, DBDEV_IRQ_LINE, 0,
						&l0->sink), 0);
	KUNIT_ASSERT_EQ(test, dbdev_irq_connect(dev, DBDEV_IRQ_MSI, 0,
						&v0->sink), 0);
	dbdev_irq_resample(&l0->sink);
	KUNIT_EXPECT_EQ(test, fired(l0), 0);

	KUNIT_EXPECT_EQ(test, dbdev_irq_set(dev, 0, true), 0);
	dbdev_irq_resample(&l0->sink);
	dbdev_irq_resample(&l0->sink);
	KUNIT_EXPECT_EQ(test, fired(l0), 3);
	KUNIT_EXPECT_EQ(test, dbdev_irq_set(dev, 0, false), 0);
	dbdev_irq_resample(&l0->sink);
	KUNIT_EXPECT_EQ(test, fired(l0), 3);
	KUNIT_EXPECT_EQ(test, stat_of(&dev->irq_stats.resampled), 2);
	KUNIT_EXPECT_EQ(test, stat_of(&dev->irq_stats.raised), 1);

	/* a vector is an edge: nothing to resample */
	dbdev_irq_resample(&v0->sink);
	KUNIT_EXPECT_EQ(test, fired(v0), 0);
}

/*
 * The notification: one signal per call, counted with or without a sink,
 * and not among the interrupts (a UART notifies for every burst of output).
 */
static void irq_notify(struct kunit *test)
{
	struct dbdev_device *dev = dev_of(test);
	struct tsink *n = tsink_new(test);

	dbdev_notify(dev);
	KUNIT_ASSERT_EQ(test, dbdev_irq_connect(dev, DBDEV_IRQ_NOTIFY, 0,
						&n->sink), 0);
	dbdev_notify(dev);
	dbdev_notify(dev);
	KUNIT_EXPECT_EQ(test, fired(n), 2);
	KUNIT_EXPECT_EQ(test, stat_of(&dev->irq_stats.notified), 3);
	KUNIT_EXPECT_EQ(test, stat_of(&dev->irq_stats.unbound), 0);
	KUNIT_EXPECT_EQ(test, stat_of(&dev->irq_stats.raised), 0);
}

/* Every error of connect and disconnect leaves things as they were. */
static void irq_connect_errors(struct kunit *test)
{
	struct dbdev_device *dev = dev_of(test);
	struct tsink *a = tsink_new(test), *b = tsink_new(test);
	struct idev *lone = kunit_kzalloc(test, sizeof(*lone), GFP_KERNEL);

	KUNIT_ASSERT_EQ(test, dbdev_irq_connect(dev, DBDEV_IRQ_LINE, 1,
						&a->sink), 0);
	KUNIT_EXPECT_EQ(test, dbdev_irq_connect(dev, DBDEV_IRQ_LINE, 1,
						&b->sink), -EBUSY);
	KUNIT_EXPECT_EQ(test, dbdev_irq_connect(dev, DBDEV_IRQ_LINE, 2,
						&b->sink), -EINVAL);
	KUNIT_EXPECT_EQ(test, dbdev_irq_connect(dev, DBDEV_IRQ_MSI, 5,
						&b->sink), -EINVAL);
	KUNIT_EXPECT_EQ(test, dbdev_irq_connect(dev, DBDEV_IRQ_NOTIFY, 1,
						&b->sink), -EINVAL);
	KUNIT_EXPECT_EQ(test, dbdev_irq_connect(dev, DBDEV_NR_IRQ_KINDS, 0,
						&b->sink), -EINVAL);
	KUNIT_EXPECT_EQ(test, dbdev_irq_disconnect(dev, DBDEV_IRQ_LINE, 0),
			-ENOENT);
	KUNIT_EXPECT_EQ(test, dbdev_irq_disconnect(dev, DBDEV_NR_IRQ_KINDS, 1),
			-ENOENT);
	KUNIT_EXPECT_EQ(test, dbdev_irq_disconnect(dev, DBDEV_IRQ_MSI, 1),
			-ENOENT);

	/* the first sink is still the one connected */
	KUNIT_EXPECT_EQ(test, dbdev_irq_set(dev, 1, true), 0);
	KUNIT_EXPECT_EQ(test, fired(a), 1);
	KUNIT_EXPECT_EQ(test, fired(b), 0);
	KUNIT_EXPECT_EQ(test, dbdev_irq_disconnect(dev, DBDEV_IRQ_LINE, 1), 0);
	KUNIT_EXPECT_EQ(test, dbdev_irq_disconnect(dev, DBDEV_IRQ_LINE, 1),
			-ENOENT);
	KUNIT_EXPECT_EQ(test, released(a), 1);
	KUNIT_EXPECT_EQ(test, released(b), 0);

	/* a device that is not registered has no lines */
	KUNIT_ASSERT_NOT_NULL(test, lone);
	dbdev_device_init(&lone->dev, &idev_ops, 0);
	KUNIT_EXPECT_EQ(test, dbdev_irq_connect(&lone->dev, DBDEV_IRQ_LINE, 0,
						&b->sink), -EINVAL);
	KUNIT_EXPECT_EQ(test, dbdev_irq_set(&lone->dev, 0, true), -EINVAL);
	KUNIT_EXPECT_EQ(test, dbdev_msi_send(&lone->dev, 0), -EINVAL);
}

/*
 * A device unregistered with a line high: its sinks are released once,
 * and it signals nothing any more.
 */
static void irq_destroy_while_raised(struct kunit *test)
{
	struct irq_fixture *f = test->priv;
	struct dbdev_device *dev = dev_of(test);
	struct tsink *l0 = tsink_new(test), *v2 = tsink_new(test);
	struct tsink *n = tsink_new(test);

	KUNIT_ASSERT_EQ(test, dbdev_irq_connect(dev, DBDEV_IRQ_LINE, 0,
						&l0->sink), 0);
	KUNIT_ASSERT_EQ(test, dbdev_irq_connect(dev, DBDEV_IRQ_MSI, 2,
						&v2->sink), 0);
	KUNIT_ASSERT_EQ(test, dbdev_irq_connect(dev, DBDEV_IRQ_NOTIFY, 0,
						&n->sink), 0);
	KUNIT_EXPECT_EQ(test, dbdev_irq_set(dev, 0, true), 0);
	KUNIT_EXPECT_EQ(test, fired(l0), 1);

	KUNIT_ASSERT_EQ(test, dbdev_unregister(f->mgr, dev), 0);
	KUNIT_EXPECT_EQ(test, dbdev_irq_set(dev, 0, true), -EINVAL);
	KUNIT_EXPECT_EQ(test, dbdev_msi_send(dev, 2), -EINVAL);
	dbdev_irq_disconnect_all(dev);
	KUNIT_EXPECT_EQ(test, released(l0), 1);
	KUNIT_EXPECT_EQ(test, released(v2), 1);
	KUNIT_EXPECT_EQ(test, released(n), 1);
	dbdev_notify(dev);
	KUNIT_EXPECT_EQ(test, fired(n), 0);
	KUNIT_EXPECT_EQ(test, fired(l0), 1);

	/* a second teardown finds nothing */
	dbdev_irq_disconnect_all(dev);
	KUNIT_EXPECT_EQ(test, released(l0), 1);
}

/* A transaction that moves a device changes its lines with the commit. */
static void irq_lines_follow_resources(struct kunit *test)
{
	struct irq_fixture *f = test->priv;
	struct dbdev_device *dev = dev_of(test);
	const struct dbdev_resource one = DBDEV_LEGACY_IRQ(9);
	struct dbdev_tx *tx;

	tx = dbdev_tx_begin(f->mgr);
	KUNIT_ASSERT_FALSE(test, IS_ERR(tx));
	KUNIT_ASSERT_EQ(test, dbdev_tx_unregister(tx, dev), 0);
	KUNIT_ASSERT_EQ(test, dbdev_tx_register(tx, dev, &one, 1), 0);
	KUNIT_ASSERT_EQ(test, dbdev_tx_commit(tx), 0);
	KUNIT_EXPECT_EQ(test, dbdev_irq_set(dev, 0, true), 0);
	KUNIT_EXPECT_EQ(test, dbdev_irq_set(dev, 1, true), -EINVAL);
	KUNIT_EXPECT_EQ(test, dbdev_msi_send(dev, 0), -EINVAL);
}

/*
 * Unregistered in an open transaction, a device keeps its lines and
 * vectors until the commit (it answers I/O until then too); a cancel
 * leaves them.
 */
static void irq_lines_until_commit(struct kunit *test)
{
	struct irq_fixture *f = test->priv;
	struct dbdev_device *dev = dev_of(test);
	struct tsink *l1 = tsink_new(test);
	struct dbdev_tx *tx;

	KUNIT_ASSERT_EQ(test, dbdev_irq_connect(dev, DBDEV_IRQ_LINE, 1,
						&l1->sink), 0);
	tx = dbdev_tx_begin(f->mgr);
	KUNIT_ASSERT_FALSE(test, IS_ERR(tx));
	KUNIT_ASSERT_EQ(test, dbdev_tx_unregister(tx, dev), 0);
	KUNIT_EXPECT_EQ(test, dbdev_irq_set(dev, 1, true), 0);
	KUNIT_EXPECT_EQ(test, dbdev_msi_send(dev, 4), 0);
	KUNIT_EXPECT_EQ(test, dbdev_msi_send(dev, 5), -EINVAL);
	KUNIT_EXPECT_EQ(test, fired(l1), 1);
	dbdev_tx_cancel(tx);
	KUNIT_EXPECT_EQ(test, dbdev_irq_set(dev, 1, false), 0);
	KUNIT_EXPECT_EQ(test, dbdev_msi_send(dev, 4), 0);

	tx = dbdev_tx_begin(f->mgr);
	KUNIT_ASSERT_FALSE(test, IS_ERR(tx));
	KUNIT_ASSERT_EQ(test, dbdev_tx_unregister(tx, dev), 0);
	KUNIT_EXPECT_EQ(test, dbdev_irq_set(dev, 1, true), 0);
	KUNIT_EXPECT_EQ(test, fired(l1), 2);
	KUNIT_ASSERT_EQ(test, dbdev_tx_commit(tx), 0);
	KUNIT_EXPECT_EQ(test, dbdev_irq_set(dev, 0, true), -EINVAL);
	KUNIT_EXPECT_EQ(test, dbdev_msi_send(dev, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, fired(l1), 2);
}

struct timer_raise {
	struct timer_list timer;
	struct dbdev_device *dev;
	int ret;
	bool done;
};

static void timer_raise_fn(struct timer_list *t)
{
	struct timer_raise *tr = from_timer(tr, t, timer);

	tr->ret = dbdev_irq_set(tr->dev, 1, true) ?: dbdev_msi_send(tr->dev, 3);
	dbdev_notify(tr->dev);
	WRITE_ONCE(tr->done, true);
}

/* Signalling works from a timer and under a spinlock. */
static void irq_atomic_contexts(struct kunit *test)
{
	struct dbdev_device *dev = dev_of(test);
	struct tsink *l1 = tsink_new(test), *v3 = tsink_new(test);
	struct tsink *n = tsink_new(test);
	struct timer_raise tr = { .dev = dev };
	unsigned int i;
	spinlock_t lock;	/* only to be held while signalling */

	KUNIT_ASSERT_EQ(test, dbdev_irq_connect(dev, DBDEV_IRQ_LINE, 1,
						&l1->sink), 0);
	KUNIT_ASSERT_EQ(test, dbdev_irq_connect(dev, DBDEV_IRQ_MSI, 3,
						&v3->sink), 0);
	KUNIT_ASSERT_EQ(test, dbdev_irq_connect(dev, DBDEV_IRQ_NOTIFY, 0,
						&n->sink), 0);

	spin_lock_init(&lock);
	timer_setup_on_stack(&tr.timer, timer_raise_fn, 0);
	mod_timer(&tr.timer, jiffies + 1);
	for (i = 0; i < 1000 && !READ_ONCE(tr.done); i++)
		usleep_range(1000, 2000);
	del_timer_sync(&tr.timer);
	destroy_timer_on_stack(&tr.timer);
	KUNIT_ASSERT_TRUE(test, READ_ONCE(tr.done));
	KUNIT_EXPECT_EQ(test, tr.ret, 0);
	KUNIT_EXPECT_EQ(test, fired(l1), 1);
	KUNIT_EXPECT_EQ(test, fired(v3), 1);
	KUNIT_EXPECT_EQ(test, fired(n), 1);

	spin_lock_irq(&lock);
	dbdev_irq_set(dev, 1, false);
	dbdev_irq_set(dev, 1, true);
	dbdev_msi_send(dev, 3);
	spin_unlock_irq(&lock);
	KUNIT_EXPECT_EQ(test, fired(l1), 2);
	KUNIT_EXPECT_EQ(test, fired(v3), 2);
}

struct toggler {
	struct dbdev_device *dev;
	bool stop;
	unsigned long rounds;
};

static int toggler_fn(void *data)
{
	struct toggler *t = data;

	while (!READ_ONCE(t->stop)) {
		dbdev_irq_set(t->dev, 0, true);
		dbdev_msi_send(t->dev, 0);
		dbdev_irq_set(t->dev, 0, false);
		t->rounds++;
		cond_resched();
	}
	return 0;
}

/*
 * Connecting and disconnecting while the device signals: every sink is
 * released exactly once, none fires after its release.
 */
static void irq_connect_races_raise(struct kunit *test)
{
	struct dbdev_device *dev = dev_of(test);
	struct toggler tg = { .dev = dev };
	struct task_struct *task;
	struct tsink *s[40];
	unsigned int i;
	int before;

	task = kthread_run(toggler_fn, &tg, "dbdev-irq-toggler");
	KUNIT_ASSERT_FALSE(test, IS_ERR(task));
	get_task_struct(task);
	for (i = 0; i < ARRAY_SIZE(s); i++) {
		s[i] = tsink_new(test);
		KUNIT_EXPECT_EQ(test, dbdev_irq_connect(dev, i % 2 ?
			DBDEV_IRQ_MSI : DBDEV_IRQ_LINE, 0, &s[i]->sink), 0);
		usleep_range(1000, 2000);
		if (i % 3)
			KUNIT_EXPECT_EQ(test, dbdev_irq_disconnect(dev, i % 2 ?
				DBDEV_IRQ_MSI : DBDEV_IRQ_LINE, 0), 0);
		else
			dbdev_irq_disconnect_all(dev);
		before = fired(s[i]);
		usleep_range(1000, 2000);
		KUNIT_EXPECT_EQ(test, fired(s[i]), before);
	}
	WRITE_ONCE(tg.stop, true);
	kthread_stop(task);
	put_task_struct(task);
	for (i = 0; i < ARRAY_SIZE(s); i++)
		KUNIT_EXPECT_EQ(test, released(s[i]), 1);
	KUNIT_EXPECT_GT(test, tg.rounds, 0UL);
}

/* ------------------------------------------------------------------------
 * Eventfds
 */

/* A new eventfd in the test thread's files, non-blocking. */
static int new_eventfd(struct kunit *test)
{
	int fd = sys_eventfd2(0, EFD_NONBLOCK | EFD_CLOEXEC);

	KUNIT_ASSERT_GE(test, fd, 0);
	return fd;
}

/* Read and reset the count of eventfd @fd: 0 if it was not signalled. */
static u64 eventfd_count(struct kunit *test, int fd)
{
	struct file *file = eventfd_fget(fd);
	u64 count = 0;
	loff_t pos = 0;
	ssize_t n;

	KUNIT_ASSERT_FALSE(test, IS_ERR(file));
	n = kernel_read(file, &count, sizeof(count), &pos);
	fput(file);
	KUNIT_EXPECT_TRUE(test, n == sizeof(count) || n == -EAGAIN);
	return n == sizeof(count) ? count : 0;
}

/* Wait up to a second for eventfd @fd to be signalled; its count. */
static u64 eventfd_wait(struct kunit *test, int fd)
{
	unsigned int i;
	u64 count = 0;

	for (i = 0; i < 1000 && !count; i++) {
		count = eventfd_count(test, fd);
		if (!count)
			usleep_range(1000, 2000);
	}
	return count;
}

static void signal_eventfd(struct kunit *test, int fd)
{
	struct eventfd_ctx *ctx = eventfd_ctx_fdget(fd);

	KUNIT_ASSERT_FALSE(test, IS_ERR(ctx));
#ifdef DBDEV_EVENTFD_SIGNAL_NO_COUNT
	eventfd_signal(ctx);
#else
	eventfd_signal(ctx, 1);
#endif
	eventfd_ctx_put(ctx);
}

/*
 * An eventfd on a line, with a resample eventfd, as KVM_IRQFD uses them:
 * the rising edge signals, each resample while high signals again, and
 * once disconnected neither eventfd is used: a resample then reaches
 * nothing (KASAN would see a wait entry left behind).
 */
static void irq_eventfd_line(struct kunit *test)
{
	struct dbdev_device *dev = dev_of(test);
	int trigger = new_eventfd(test), resample = new_eventfd(test);

	KUNIT_ASSERT_EQ(test, dbdev_irq_eventfd(dev, DBDEV_IRQ_LINE, 0,
						trigger, resample), 0);
	KUNIT_EXPECT_EQ(test, eventfd_count(test, trigger), 0);
	KUNIT_EXPECT_EQ(test, dbdev_irq_set(dev, 0, true), 0);
	KUNIT_EXPECT_EQ(test, eventfd_count(test, trigger), 1);

	signal_eventfd(test, resample);
	KUNIT_EXPECT_EQ(test, eventfd_wait(test, trigger), 1);
	KUNIT_EXPECT_EQ(test, eventfd_count(test, resample), 0);

	KUNIT_EXPECT_EQ(test, dbdev_irq_set(dev, 0, false), 0);
	signal_eventfd(test, resample);
	msleep(20);
	KUNIT_EXPECT_EQ(test, eventfd_count(test, trigger), 0);
	KUNIT_EXPECT_EQ(test, stat_of(&dev->irq_stats.resampled), 1);

	/* the slot is taken, by eventfds as by any sink */
	KUNIT_EXPECT_EQ(test, dbdev_irq_eventfd(dev, DBDEV_IRQ_LINE, 0,
						trigger, -1), -EBUSY);
	KUNIT_EXPECT_EQ(test, dbdev_irq_disconnect(dev, DBDEV_IRQ_LINE, 0), 0);
	KUNIT_EXPECT_EQ(test, dbdev_irq_set(dev, 0, true), 0);
	signal_eventfd(test, resample);
	msleep(20);
	KUNIT_EXPECT_EQ(test, eventfd_count(test, trigger), 0);
	KUNIT_EXPECT_EQ(test, stat_of(&dev->irq_stats.unbound), 1);

	close_fd(trigger);
	close_fd(resample);
}

/*
 * The guest's acknowledgment is answered by a work item, which may run
 * after the line went low and was raised again: that raise signalled the
 * line after the acknowledgment, and the late resample must not signal it
 * a second time (a spurious interrupt).  UML does not preempt the test, so
 * the work item runs only when it sleeps.
 */
static void irq_eventfd_late_resample(struct kunit *test)
{
	struct dbdev_device *dev = dev_of(test);
	int trigger = new_eventfd(test), resample = new_eventfd(test);

	KUNIT_ASSERT_EQ(test, dbdev_irq_eventfd(dev, DBDEV_IRQ_LINE, 0,
						trigger, resample), 0);
	KUNIT_EXPECT_EQ(test, dbdev_irq_set(dev, 0, true), 0);
	KUNIT_EXPECT_EQ(test, dbdev_irq_set(dev, 0, false), 0);
	signal_eventfd(test, resample);
	KUNIT_EXPECT_EQ(test, dbdev_irq_set(dev, 0, true), 0);
	msleep(20);
	KUNIT_EXPECT_EQ(test, eventfd_count(test, trigger), 2);
	KUNIT_EXPECT_EQ(test, stat_of(&dev->irq_stats.resampled), 0);

	/* an acknowledgment with nothing signalled since resamples */
	signal_eventfd(test, resample);
	KUNIT_EXPECT_EQ(test, eventfd_wait(test, trigger), 1);
	KUNIT_EXPECT_EQ(test, stat_of(&dev->irq_stats.resampled), 1);

	KUNIT_EXPECT_EQ(test, dbdev_irq_disconnect(dev, DBDEV_IRQ_LINE, 0), 0);
	close_fd(trigger);
	close_fd(resample);
}

/* Eventfds on a vector and on the notification; refused arguments. */
static void irq_eventfd_msi_notify(struct kunit *test)
{
	struct dbdev_device *dev = dev_of(test);
	int v = new_eventfd(test), n = new_eventfd(test);

	KUNIT_EXPECT_EQ(test, dbdev_irq_eventfd(dev, DBDEV_IRQ_MSI, 1, v, n),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, dbdev_irq_eventfd(dev, DBDEV_IRQ_NOTIFY, 0, n, v),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, dbdev_irq_eventfd(dev, DBDEV_IRQ_MSI, 1, -1, -1),
			-EBADF);
	KUNIT_EXPECT_EQ(test, dbdev_irq_eventfd(dev, DBDEV_IRQ_LINE, 1, v,
						INT_MAX), -EBADF);
	KUNIT_EXPECT_EQ(test, dbdev_irq_eventfd(dev, DBDEV_IRQ_MSI, 9, v, -1),
			-EINVAL);

	KUNIT_ASSERT_EQ(test, dbdev_irq_eventfd(dev, DBDEV_IRQ_MSI, 1, v, -1),
			0);
	KUNIT_ASSERT_EQ(test, dbdev_irq_eventfd(dev, DBDEV_IRQ_NOTIFY, 0, n,
						-1), 0);
	KUNIT_EXPECT_EQ(test, dbdev_msi_send(dev, 1), 0);
	KUNIT_EXPECT_EQ(test, dbdev_msi_send(dev, 1), 0);
	dbdev_notify(dev);
	KUNIT_EXPECT_EQ(test, eventfd_count(test, v), 2);
	KUNIT_EXPECT_EQ(test, eventfd_count(test, n), 1);

	/* our files may close first: the connections keep the eventfds */
	close_fd(v);
	close_fd(n);
	KUNIT_EXPECT_EQ(test, dbdev_msi_send(dev, 1), 0);
	dbdev_irq_disconnect_all(dev);
	KUNIT_EXPECT_EQ(test, stat_of(&dev->irq_stats.unbound), 0);
}

/*
 * An eventfd is signalled by dbdev or listened to, never both: not the
 * same one for a line and its resample, and not one that another
 * connection uses the other way (however it is reached), or a line would
 * take its own signal for an acknowledgment and resample for ever.
 */
static void irq_eventfd_roles(struct kunit *test)
{
	struct dbdev_device *dev = dev_of(test);
	int a = new_eventfd(test), b = new_eventfd(test);
	int a2 = sys_dup(a);

	KUNIT_ASSERT_GE(test, a2, 0);
	KUNIT_EXPECT_EQ(test, dbdev_irq_eventfd(dev, DBDEV_IRQ_LINE, 0, a, a),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, dbdev_irq_eventfd(dev, DBDEV_IRQ_LINE, 0, a, a2),
			-EINVAL);
	KUNIT_ASSERT_EQ(test, dbdev_irq_eventfd(dev, DBDEV_IRQ_LINE, 0, a, b),
			0);
	/* a is a trigger now, b a resample eventfd: neither turns round */
	KUNIT_EXPECT_EQ(test, dbdev_irq_eventfd(dev, DBDEV_IRQ_LINE, 1, b, a2),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, dbdev_irq_eventfd(dev, DBDEV_IRQ_MSI, 0, b, -1),
			-EINVAL);
	/* the same role twice is fine: one notification eventfd for many */
	KUNIT_EXPECT_EQ(test, dbdev_irq_eventfd(dev, DBDEV_IRQ_MSI, 0, a2, -1),
			0);
	KUNIT_EXPECT_EQ(test, dbdev_irq_eventfd(dev, DBDEV_IRQ_NOTIFY, 0, a, -1),
			0);

	/* once released, an eventfd may take the other role */
	dbdev_irq_disconnect_all(dev);
	KUNIT_EXPECT_EQ(test, dbdev_irq_eventfd(dev, DBDEV_IRQ_LINE, 1, b, a),
			0);
	KUNIT_EXPECT_EQ(test, dbdev_irq_set(dev, 1, true), 0);
	KUNIT_EXPECT_EQ(test, eventfd_count(test, b), 1);
	KUNIT_EXPECT_EQ(test, stat_of(&dev->irq_stats.resampled), 0);
	close_fd(a);
	close_fd(a2);
	close_fd(b);
}

static struct kunit_case dbdev_irq_cases[] = {
	KUNIT_CASE(irq_line_levels),
	KUNIT_CASE(irq_msi_vectors),
	KUNIT_CASE(irq_unbound_then_connect),
	KUNIT_CASE(irq_resample),
	KUNIT_CASE(irq_notify),
	KUNIT_CASE(irq_connect_errors),
	KUNIT_CASE(irq_destroy_while_raised),
	KUNIT_CASE(irq_lines_follow_resources),
	KUNIT_CASE(irq_lines_until_commit),
	KUNIT_CASE(irq_atomic_contexts),
	KUNIT_CASE(irq_connect_races_raise),
	KUNIT_CASE(irq_eventfd_line),
	KUNIT_CASE(irq_eventfd_late_resample),
	KUNIT_CASE(irq_eventfd_msi_notify),
	KUNIT_CASE(irq_eventfd_roles),
	{}
};

static struct kunit_suite dbdev_irq_suite = {
	.name = "dbdev_irq",
	.init = irqt_init,
	.exit = irqt_exit,
	.test_cases = dbdev_irq_cases,
};

kunit_test_suite(dbdev_irq_suite);
