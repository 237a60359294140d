// SPDX-License-Identifier: GPL-2.0
/*
 * dbdev interrupts: a device's lines, vectors and notification, and what
 * each of them signals.
 *
 * A device names its interrupts by index into its own resources: line n is
 * its n-th %DBDEV_RES_LEGACY_IRQ, vector n counts on through its
 * %DBDEV_RES_MSI blocks in their order.  A line is a level: the core keeps
 * its state and signals its rising edge.  A vector is an edge: every send
 * signals.  dbdev_notify() tells the VMM that the device has something for
 * it (output to drain, say), also an edge.
 *
 * Each of them may be connected to one sink.  /dev/dbdev connects eventfds,
 * the very ones a VMM hands to KVM_IRQFD, so that a device interrupts the
 * guest without a trip through userspace.  A line may also have a resample
 * eventfd, as with KVM_IRQFD_FLAG_RESAMPLE: KVM de-asserts the GSI when the
 * guest acknowledges it and signals the resample eventfd; if the device
 * still holds the line high, the line is signalled again.  Signalling
 * what has no sink is counted, not an error.
 *
 * Locking
 *
 *   dev->irq_sinks	an xarray: connecting and disconnecting take its own
 *			lock; signalling looks a sink up under
 *			rcu_read_lock(), and a sink is released only after
 *			a grace period.
 *   dev->irq_level	atomic bit operations.
 *
 * Signalling takes no lock of dbdev's, so a device may raise a line from a
 * callback, a timer, a workqueue or under its own spinlock.
 */
#include <linux/eventfd.h>
#include <linux/file.h>
#include <linux/hashtable.h>
#include <linux/poll.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "dbdev_internal.h"
#include "dbdev_trace.h"

/* The kinds interleave in the xarray, so that no index is out of reach. */
static unsigned long dbdev_irq_key(enum dbdev_irq_kind kind,
				   unsigned int index)
{
	return (unsigned long)index * DBDEV_NR_IRQ_KINDS + kind;
}

/* Is @index a line, vector or notification that @dev has now? */
static bool dbdev_irq_valid(const struct dbdev_device *dev,
			    enum dbdev_irq_kind kind, unsigned int index)
{
	if (index > (ULONG_MAX - kind) / DBDEV_NR_IRQ_KINDS)
		return false;
	switch (kind) {
	case DBDEV_IRQ_LINE:
		return index < READ_ONCE(dev->irq_lines);
	case DBDEV_IRQ_MSI:
		return index < READ_ONCE(dev->msi_vectors);
	case DBDEV_IRQ_NOTIFY:
		return index == 0;
	default:
		return false;
	}
}

/* Signal what is connected there; false if nothing is. */
static bool dbdev_irq_fire(struct dbdev_device *dev, enum dbdev_irq_kind kind,
			   unsigned int index)
{
	struct dbdev_irq_sink *sink;

	rcu_read_lock();
	sink = xa_load(&dev->irq_sinks, dbdev_irq_key(kind, index));
	if (sink)
		sink->fire(sink);
	else if (kind != DBDEV_IRQ_NOTIFY)
		atomic64_inc(&dev->irq_stats.unbound);
	rcu_read_unlock();
	return !!sink;
}

/**
 * dbdev_irq_set() - raise or lower one of a device's legacy interrupt lines
 * @dev: the device
 * @line: which line: the index among its %DBDEV_RES_LEGACY_IRQ resources
 * @level: true to raise, false to lower
 *
 * Raising a low line signals it; raising a high line changes nothing, and
 * neither does lowering.  While the line stays high, each resample (the
 * guest acknowledged the interrupt) signals it again.
 *
 * Context: any context but NMI; does not sleep.
 * Return: 0, or -EINVAL if the device, as registered now, has no such
 * line.
 */
int dbdev_irq_set(struct dbdev_device *dev, unsigned int line, bool level)
{
	bool bound;

	if (!dbdev_irq_valid(dev, DBDEV_IRQ_LINE, line))
		return -EINVAL;
	/*
	 * A device sets its line on every access: write the bit only when it
	 * changes, so that vCPUs on other CPUs keep its cache line.
	 */
	if (level == test_bit(line, dev->irq_level))
		return 0;
	if (!level) {
		clear_bit(line, dev->irq_level);
	} else if (!test_and_set_bit(line, dev->irq_level)) {
		atomic64_inc(&dev->irq_stats.raised);
		bound = dbdev_irq_fire(dev, DBDEV_IRQ_LINE, line);
		trace_dbdev_irq(dev, false, line, bound);
	}
	return 0;
}
EXPORT_SYMBOL_NS_GPL(dbdev_irq_set, DBDEV_NS);

/**
 * dbdev_msi_send() - send one of a device's MSI vectors
 * @dev: the device
 * @vector: which: counting through its %DBDEV_RES_MSI blocks in order
 *
 * Context: any context but NMI; does not sleep.
 * Return: 0, or -EINVAL if the device, as registered now, has no such
 * vector.
 */
int dbdev_msi_send(struct dbdev_device *dev, unsigned int vector)
{
	bool bound;

	if (!dbdev_irq_valid(dev, DBDEV_IRQ_MSI, vector))
		return -EINVAL;
	atomic64_inc(&dev->irq_stats.raised);
	bound = dbdev_irq_fire(dev, DBDEV_IRQ_MSI, vector);
	trace_dbdev_irq(dev, true, vector, bound);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(dbdev_msi_send, DBDEV_NS);

/**
 * dbdev_notify() - tell the VMM that the device has something for it
 * @dev: the device
 *
 * For what the VMM fetches through the device type's commands, such as a
 * UART's transmitted bytes: the VMM waits for the notification instead of
 * polling.
 *
 * Context: any context but NMI; does not sleep.
 */
void dbdev_notify(struct dbdev_device *dev)
{
	atomic64_inc(&dev->irq_stats.notified);
	dbdev_irq_fire(dev, DBDEV_IRQ_NOTIFY, 0);
}
EXPORT_SYMBOL_NS_GPL(dbdev_notify, DBDEV_NS);

/**
 * dbdev_irq_connect() - connect a sink to a line, a vector or the
 * notification of a device
 * @dev: the device, registered
 * @kind: line, vector or notification
 * @index: which line or vector; 0 for the notification
 * @sink: the sink, with @fire and @release set
 *
 * A line that is high already is signalled at once.
 *
 * Context: process context.
 * Return: 0; -EINVAL if @dev has no such line or vector; -EBUSY if it is
 * connected already; -ENOMEM.
 */
int dbdev_irq_connect(struct dbdev_device *dev, enum dbdev_irq_kind kind,
		      unsigned int index, struct dbdev_irq_sink *sink)
{
	int err;

	if (!dbdev_irq_valid(dev, kind, index))
		return -EINVAL;
	sink->dev = dev;
	sink->kind = kind;
	sink->index = index;
	err = xa_insert(&dev->irq_sinks, dbdev_irq_key(kind, index), sink,
			GFP_KERNEL_ACCOUNT);
	if (err)
		return err;
	/*
	 * Pairs with test_and_set_bit() in dbdev_irq_set(): a raise that
	 * looked the sink up too early sees the line high here.
	 */
	smp_mb();
	if (kind == DBDEV_IRQ_LINE && test_bit(index, dev->irq_level)) {
		rcu_read_lock();
		sink->fire(sink);
		rcu_read_unlock();
	}
	return 0;
}

/**
 * dbdev_irq_disconnect() - disconnect and release a sink
 * @dev: the device
 * @kind: line, vector or notification
 * @index: which one
 *
 * Context: process context; waits for an RCU grace period.
 * Return: 0, or -ENOENT if nothing is connected there.
 */
int dbdev_irq_disconnect(struct dbdev_device *dev, enum dbdev_irq_kind kind,
			 unsigned int index)
{
	struct dbdev_irq_sink *sink;

	if (kind >= DBDEV_NR_IRQ_KINDS ||
	    index > (ULONG_MAX - kind) / DBDEV_NR_IRQ_KINDS)
		return -ENOENT;
	sink = xa_erase(&dev->irq_sinks, dbdev_irq_key(kind, index));
	if (!sink)
		return -ENOENT;
	synchronize_rcu();
	sink->release(sink);
	return 0;
}

/**
 * dbdev_irq_disconnect_all() - release every sink of a device
 * @dev: the device
 *
 * Whoever connects sinks calls this before the device is freed.
 *
 * Context: process context; waits for an RCU grace period if anything was
 * connected.
 */
void dbdev_irq_disconnect_all(struct dbdev_device *dev)
{
	struct dbdev_irq_sink *sink, *tmp;
	unsigned long key;
	LIST_HEAD(gone);

	xa_for_each(&dev->irq_sinks, key, sink) {
		if (xa_erase(&dev->irq_sinks, key) == sink)
			list_add_tail(&sink->node, &gone);
	}
	if (list_empty(&gone))
		return;
	synchronize_rcu();
	list_for_each_entry_safe(sink, tmp, &gone, node)
		sink->release(sink);
}

/**
 * dbdev_irq_resample() - the guest acknowledged a line: signal it again
 * if the device still holds it high
 * @sink: the sink of the line
 *
 * Context: process context, or any context in which @sink may fire.
 */
void dbdev_irq_resample(struct dbdev_irq_sink *sink)
{
	struct dbdev_device *dev = sink->dev;

	if (sink->kind != DBDEV_IRQ_LINE || !test_bit(sink->index, dev->irq_level))
		return;
	atomic64_inc(&dev->irq_stats.resampled);
	rcu_read_lock();
	sink->fire(sink);
	rcu_read_unlock();
}

/* ------------------------------------------------------------------------
 * Eventfd sinks
 */

/* Add one to the eventfd's count (see Kbuild for the two prototypes). */
static void dbdev_eventfd_signal(struct eventfd_ctx *ctx)
{
#ifdef DBDEV_EVENTFD_SIGNAL_NO_COUNT
	eventfd_signal(ctx);
#else
	eventfd_signal(ctx, 1);
#endif
}

/**
 * struct dbdev_eventfd_use - an eventfd dbdev holds, and what for
 * @node: in dbdev_eventfd_uses
 * @ctx: the eventfd
 * @resample: listened to (a resample eventfd), not signalled
 * @users: sinks that hold it
 *
 * An eventfd is either signalled by dbdev or listened to, never both, in
 * any context: else a line's own signal would pass for the guest's
 * acknowledgment and the line would resample itself for ever, through one
 * eventfd or a ring of them.
 */
struct dbdev_eventfd_use {
	struct hlist_node node;
	struct eventfd_ctx *ctx;
	bool resample;
	unsigned int users;
};

static DEFINE_MUTEX(dbdev_eventfd_lock);
static DEFINE_HASHTABLE(dbdev_eventfd_uses, 6);

static struct dbdev_eventfd_use *dbdev_eventfd_find(struct eventfd_ctx *ctx)
{
	struct dbdev_eventfd_use *u;

	lockdep_assert_held(&dbdev_eventfd_lock);
	hash_for_each_possible(dbdev_eventfd_uses, u, node, (unsigned long)ctx)
		if (u->ctx == ctx)
			return u;
	return NULL;
}

/* Hold @ctx as a trigger or a resample eventfd: -EINVAL if it is the other. */
static int dbdev_eventfd_claim(struct eventfd_ctx *ctx, bool resample)
{
	struct dbdev_eventfd_use *u;
	int err = 0;

	mutex_lock(&dbdev_eventfd_lock);
	u = dbdev_eventfd_find(ctx);
	if (u && u->resample != resample) {
		err = -EINVAL;
	} else if (u) {
		u->users++;
	} else {
		u = kzalloc(sizeof(*u), GFP_KERNEL_ACCOUNT);
		if (u) {
			u->ctx = ctx;
			u->resample = resample;
			u->users = 1;
			hash_add(dbdev_eventfd_uses, &u->node, (unsigned long)ctx);
		} else {
			err = -ENOMEM;
		}
	}
	mutex_unlock(&dbdev_eventfd_lock);
	return err;
}

static void dbdev_eventfd_unclaim(struct eventfd_ctx *ctx)
{
	struct dbdev_eventfd_use *u;

	mutex_lock(&dbdev_eventfd_lock);
	u = dbdev_eventfd_find(ctx);
	if (!WARN_ON_ONCE(!u) && !--u->users) {
		hash_del(&u->node);
		kfree(u);
	}
	mutex_unlock(&dbdev_eventfd_lock);
}

/* dbdev_irqfd.pending: what the work item has to do */
enum {
	DBDEV_IRQFD_SIGNAL,	/* signal @trigger (deferred from @fire) */
	DBDEV_IRQFD_RESAMPLE,	/* @resample was signalled */
};

/**
 * struct dbdev_irqfd - a sink that signals an eventfd
 * @sink: the sink
 * @trigger: the eventfd to signal
 * @resample: for a line: the eventfd that says the guest acknowledged it,
 *	      or %NULL
 * @wqh: @resample's wait queue, once we listen to it
 * @wait: our entry on @wqh
 * @pt: to find @wqh
 * @work: does what @pending says, in process context
 * @pending: DBDEV_IRQFD_* bits
 * @fired: how many times @trigger was signalled
 * @acked_at: @fired when the guest last acknowledged the line
 *
 * The work item that answers an acknowledgment may run well after it (on
 * one CPU, once the vCPU lets it).  If the line was signalled since the
 * acknowledgment, that signal asserted it anew, and looking at the level
 * then would signal it a second time, a spurious interrupt: the resample
 * is dropped instead.
 */
struct dbdev_irqfd {
	struct dbdev_irq_sink sink;
	struct eventfd_ctx *trigger;
	struct eventfd_ctx *resample;
	wait_queue_head_t *wqh;
	wait_queue_entry_t wait;
	poll_table pt;
	struct work_struct work;
	unsigned long pending;
	atomic_t fired;
	int acked_at;
};

static void dbdev_irqfd_fire(struct dbdev_irq_sink *sink)
{
	struct dbdev_irqfd *irqfd = container_of(sink, struct dbdev_irqfd, sink);

	/*
	 * Inside another eventfd's wake-up (a device reacting to one), the
	 * eventfd layer refuses to signal: do it from the work item, which
	 * counts it when it signals.  Counted before the signal: an
	 * acknowledgment in between costs a spurious interrupt at worst,
	 * never a lost one.
	 */
	if (eventfd_signal_allowed()) {
		atomic_inc(&irqfd->fired);
		dbdev_eventfd_signal(irqfd->trigger);
	} else {
		set_bit(DBDEV_IRQFD_SIGNAL, &irqfd->pending);
		schedule_work(&irqfd->work);
	}
}

static void dbdev_irqfd_work(struct work_struct *work)
{
	struct dbdev_irqfd *irqfd = container_of(work, struct dbdev_irqfd, work);

	if (test_and_clear_bit(DBDEV_IRQFD_SIGNAL, &irqfd->pending)) {
		atomic_inc(&irqfd->fired);
		dbdev_eventfd_signal(irqfd->trigger);
	}
	if (test_and_clear_bit(DBDEV_IRQFD_RESAMPLE, &irqfd->pending) &&
	    READ_ONCE(irqfd->acked_at) == atomic_read(&irqfd->fired))
		dbdev_irq_resample(&irqfd->sink);
}

/*
 * The guest acknowledged the line (the resample eventfd's wait queue is
 * locked, its count consumed): let the work item signal the line again,
 * since signalling an eventfd from another one's wake-up is not allowed.
 */
static void dbdev_irqfd_acked(struct dbdev_irqfd *irqfd)
{
	WRITE_ONCE(irqfd->acked_at, atomic_read(&irqfd->fired));
	set_bit(DBDEV_IRQFD_RESAMPLE, &irqfd->pending);
	schedule_work(&irqfd->work);
}

/* Called by the resample eventfd, with its wait queue locked. */
static int dbdev_irqfd_wakeup(wait_queue_entry_t *wait, unsigned int mode,
			      int sync, void *key)
{
	struct dbdev_irqfd *irqfd = container_of(wait, struct dbdev_irqfd, wait);
	u64 count;

	if (key_to_poll(key) & EPOLLIN) {
		eventfd_ctx_do_read(irqfd->resample, &count);
		dbdev_irqfd_acked(irqfd);
	}
	return 0;
}

static void dbdev_irqfd_queue(struct file *file, wait_queue_head_t *wqh,
			      poll_table *pt)
{
	struct dbdev_irqfd *irqfd = container_of(pt, struct dbdev_irqfd, pt);

	irqfd->wqh = wqh;
	add_wait_queue(wqh, &irqfd->wait);
}

/*
 * Listen to the resample eventfd @file, once the line is connected (a
 * refused connection must not act on it).  A count it holds already came
 * before we listened.  If the line was signalled since it was connected,
 * the guest may have taken that interrupt and acknowledged it meanwhile:
 * dropped, the acknowledgment would be lost, and with it the interrupt of
 * a line that stays high.  It is taken for one; if it was older, that
 * costs a signal of a line still high, which KVM finds asserted already.
 * Else it is older than the connection: dropped.
 */
static void dbdev_irqfd_listen(struct dbdev_irqfd *irqfd, struct file *file)
{
	u64 count;

	init_waitqueue_func_entry(&irqfd->wait, dbdev_irqfd_wakeup);
	init_poll_funcptr(&irqfd->pt, dbdev_irqfd_queue);
	if (!(vfs_poll(file, &irqfd->pt) & EPOLLIN))
		return;
	spin_lock_irq(&irqfd->wqh->lock);
	eventfd_ctx_do_read(irqfd->resample, &count);
	if (count && atomic_read(&irqfd->fired))
		dbdev_irqfd_acked(irqfd);
	spin_unlock_irq(&irqfd->wqh->lock);
}

/* Give back what an irqfd holds; it was never connected or is no more. */
static void dbdev_irqfd_free(struct dbdev_irqfd *irqfd)
{
	u64 count;

	if (irqfd->wqh)
		eventfd_ctx_remove_wait_queue(irqfd->resample, &irqfd->wait,
					      &count);
	cancel_work_sync(&irqfd->work);
	if (irqfd->resample) {
		dbdev_eventfd_unclaim(irqfd->resample);
		eventfd_ctx_put(irqfd->resample);
	}
	if (!IS_ERR_OR_NULL(irqfd->trigger)) {
		dbdev_eventfd_unclaim(irqfd->trigger);
		eventfd_ctx_put(irqfd->trigger);
	}
	kfree(irqfd);
}

static void dbdev_irqfd_release(struct dbdev_irq_sink *sink)
{
	dbdev_irqfd_free(container_of(sink, struct dbdev_irqfd, sink));
}

/*
 * Claim @ctx, an eventfd reference just taken (or an error pointer), as a
 * trigger or a resample eventfd; on error the reference is dropped.
 */
static struct eventfd_ctx *dbdev_irqfd_claim(struct eventfd_ctx *ctx,
					     bool resample)
{
	int err;

	if (IS_ERR(ctx))
		return ctx;
	err = dbdev_eventfd_claim(ctx, resample);
	if (err) {
		eventfd_ctx_put(ctx);
		return ERR_PTR(err);
	}
	return ctx;
}

/**
 * dbdev_irq_eventfd() - connect an eventfd to a line, vector or the
 * notification of a device
 * @dev: the device, registered
 * @kind: line, vector or notification
 * @index: which line or vector; 0 for the notification
 * @fd: the eventfd to signal
 * @resample_fd: for a line, an eventfd signalled when the guest
 *		 acknowledges it, or -1
 *
 * Context: process context.
 * Return: 0; -EBADF if @fd or @resample_fd is not open; -EINVAL if it is
 * not an eventfd, or one that dbdev listens to (@fd) or signals
 * (@resample_fd) elsewhere, or the same for both; -EINVAL for a resample
 * eventfd on a vector or the notification, or an index the device does
 * not have; -EBUSY if something is connected there already; -ENOMEM.
 * Nothing is connected on error.
 */
int dbdev_irq_eventfd(struct dbdev_device *dev, enum dbdev_irq_kind kind,
		      unsigned int index, int fd, int resample_fd)
{
	struct file *rfile = NULL;
	struct dbdev_irqfd *irqfd;
	int err;

	if ((resample_fd >= 0 && kind != DBDEV_IRQ_LINE) ||
	    !dbdev_irq_valid(dev, kind, index))
		return -EINVAL;
	irqfd = kzalloc(sizeof(*irqfd), GFP_KERNEL_ACCOUNT);
	if (!irqfd)
		return -ENOMEM;
	irqfd->sink.fire = dbdev_irqfd_fire;
	irqfd->sink.release = dbdev_irqfd_release;
	INIT_WORK(&irqfd->work, dbdev_irqfd_work);

	irqfd->trigger = dbdev_irqfd_claim(eventfd_ctx_fdget(fd), false);
	err = PTR_ERR_OR_ZERO(irqfd->trigger);
	if (!err && resample_fd >= 0) {
		/*
		 * The file is looked up once: another thread may make
		 * @resample_fd another file at any time, and the eventfd
		 * listened to must be the one whose count is consumed.
		 */
		rfile = eventfd_fget(resample_fd);
		err = PTR_ERR_OR_ZERO(rfile);
		if (!err) {
			irqfd->resample =
				dbdev_irqfd_claim(eventfd_ctx_fileget(rfile),
						  true);
			err = PTR_ERR_OR_ZERO(irqfd->resample);
			if (err)
				irqfd->resample = NULL;
		}
	}
	/* nothing listens yet: no work item runs before the connection */
	if (!err)
		err = dbdev_irq_connect(dev, kind, index, &irqfd->sink);
	if (!err && irqfd->resample)
		dbdev_irqfd_listen(irqfd, rfile);
	if (!IS_ERR_OR_NULL(rfile))
		fput(rfile);
	if (err)
		dbdev_irqfd_free(irqfd);
	return err;
}
