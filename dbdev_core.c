// SPDX-License-Identifier: GPL-2.0
/*
 * dbdev core: devices, the I/O manager of a VM, transactions and dispatch.
 *
 * Locking
 *
 *   mgr->lock (mutex)	serialises every writer of a manager: registration,
 *			unregistration, transactions and teardown.  It guards
 *			the staged bus copies, mgr->devices, mgr->tx and the
 *			private fields of every device bound to the manager.
 *   dbdev_srcu		read side held by each dispatch from the bus lookup
 *			until the device callback has returned; the
 *			injection ioctls hold it across up to DBDEV_IO_HOLD
 *			(16) dispatches and never wait for a page fault
 *			with it (dbdev_chardev.c).
 *			Writers wait for it (an expedited grace period) only
 *			after dropping mgr->lock, so a callback may register
 *			devices; it must not unregister or commit, which
 *			would wait for itself (with lockdep, which tracks
 *			the read side per task, they refuse: -EDEADLK).  One
 *			SRCU for every manager: an srcu_struct's per-CPU
 *			data is not charged to any memory cgroup, so one per
 *			VM would be memory a process makes the kernel spend
 *			outside its limit (about 0.5 KiB per possible CPU).
 *			An unregistration then also waits for the
 *			dispatches of other VMs in flight, each at most 16
 *			callbacks long.
 *   dev->io_lock	held around each callback of a serialised device;
 *			nested by dispatch depth for lockdep.
 *
 * A dispatch takes none of these but the SRCU read side, whose counters are
 * per CPU.  Re-entry is caught on the dispatching thread's own struct
 * dbdev_caller, which no other thread touches: a dispatch neither pins its
 * task to a CPU nor disables preemption.
 */
#include <linux/debug_locks.h>
#include <linux/err.h>
#include <linux/export.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/sort.h>

#include "dbdev_internal.h"

#define CREATE_TRACE_POINTS
#include "dbdev_trace.h"

DEFINE_SRCU(dbdev_srcu);

/*
 * Is current inside a dispatch, in a callback?  Only lockdep can tell: it
 * tracks the SRCU read side per task.  Without it, a callback that
 * unregisters, commits or dispatches through a caller of its own is the
 * driver bug the documentation forbids, and not caught.
 */
static bool dbdev_in_dispatch(void)
{
#ifdef CONFIG_DEBUG_LOCK_ALLOC
	/* a lockdep that turned itself off answers "held" for everything */
	return debug_locks && lock_is_held(&dbdev_srcu.dep_map);
#else
	return false;
#endif
}

/*
 * dbdev_callback_result() for the errnos that the kernel keeps to itself
 * (ERESTARTSYS and above) and for what is no errno at all.
 */
static noinline int dbdev_callback_rare(const void *callback, int ret)
{
	if (ret > 0 || ret < -MAX_ERRNO) {
		WARN_ONCE(1, "dbdev: %ps returned %d, neither 0 nor an errno\n",
			  callback, ret);
		return -EIO;
	}
	switch (ret) {
	case -ENOIOCTLCMD:
		return -ENOTTY;
	case -ENOTSUPP:
		return -EOPNOTSUPP;
	default:
		ret = dbdev_restart_errno(ret);
		return ret > -ERESTARTSYS ? ret : -EIO;
	}
}

/*
 * A callback's result must be 0 or an errno.  Anything else is a driver
 * bug: say which callback, once, and give the caller -EIO rather than a
 * value it would take for a length or pass on as a bogus errno.  An errno
 * that the kernel keeps to itself becomes what a syscall would return for
 * it, so that one taken to userspace means something there: a restart
 * code, from a wait that a signal interrupted, -EINTR (the access is over,
 * and no syscall restarts it), -ENOIOCTLCMD -ENOTTY, -ENOTSUPP
 * -EOPNOTSUPP, the others -EIO.  0 and the errnos userspace knows take
 * one test in line.
 */
static __always_inline int dbdev_callback_result(const void *callback,
						 int ret)
{
	if (likely(ret <= 0 && ret > -ERESTARTSYS))
		return ret;
	return dbdev_callback_rare(callback, ret);
}

/*
 * Add one to a device's per-CPU counter.  Only dispatching threads touch
 * these, and a dispatch is made in process context (see dbdev_dispatch()),
 * never from an interrupt: what this_cpu_inc() guards against here is the
 * thread moving to another CPU between its read and its write, which only
 * preemption makes it do.  Without preemption raw_cpu_inc() is enough, and
 * where this_cpu ops mask interrupts around the increment (UML, the
 * generic ones) that is about a third of what a dispatch to one range
 * costs besides the lookup.  On x86 both are one instruction.
 */
static void dbdev_count_one(u64 __percpu *counter)
{
	if (IS_ENABLED(CONFIG_PREEMPTION))
		this_cpu_inc(*counter);
	else
		raw_cpu_inc(*counter);
}

/*
 * Count an access the device of @s served.  The counters are per CPU: no
 * cache line is shared with another dispatcher.  The bus leaf has them, so
 * the device's own lines are not read; when the device leaves its manager
 * they wait, with its last binding, for the dispatchers that still found
 * it.
 */
static void dbdev_count(const struct dbdev_slot *s, enum dbdev_bus bus,
			bool write, int result)
{
	struct dbdev_io_stats __percpu *st = s->stats;

	dbdev_count_one(write ? &st->writes[bus] : &st->reads[bus]);
	if (result)
		dbdev_count_one(&st->errors[bus]);
}

/*
 * Call the device of @s, the range at @base, for an access at @offset: 0
 * with the callback's result in *@result, or -EDEADLK without a call
 * (re-entry, or nested too deep).  Whether @caller is inside the device
 * already is a look at its own, thread-local, list: nothing is shared,
 * nothing pins the task to a CPU.  In line: GCC, left to choose, kept it
 * out of line once dispatch was in line in several places, which cost an
 * access of a batch about a tenth more under TCG.
 */
static __always_inline int dbdev_call(struct dbdev_caller *caller,
				      const struct dbdev_slot *s, u64 base,
				      enum dbdev_bus bus, u64 offset,
				      void *data, unsigned int len, bool write,
				      int *result)
{
	struct dbdev_device *dev = dbdev_slot_dev(s);
	const struct dbdev_device_ops *ops = s->ops;
	struct mutex *io_lock = dbdev_slot_lock(s);
	unsigned int depth = caller->depth, i;
	const void *callback;
	int ret;

	if (unlikely(depth)) {
		if (depth >= DBDEV_MAX_NESTING)
			return -EDEADLK;
		for (i = 0; i < depth; i++)
			if (caller->inside[i] == dev)
				return -EDEADLK;
	}
	caller->inside[depth] = dev;
	caller->depth = depth + 1;

	if (io_lock)
		mutex_lock_nested(io_lock, depth);

	if (bus == DBDEV_BUS_PIO) {
		callback = write ? (void *)ops->pio_write : (void *)ops->pio_read;
		ret = write ?
		      ops->pio_write(caller, dev, base, offset, data, len) :
		      ops->pio_read(caller, dev, base, offset, data, len);
	} else {
		callback = write ? (void *)ops->write : (void *)ops->read;
		ret = write ? ops->write(caller, dev, base, offset, data, len) :
			      ops->read(caller, dev, base, offset, data, len);
	}

	if (io_lock)
		mutex_unlock(io_lock);

	caller->depth = depth;
	*result = dbdev_callback_result(callback, ret);
	dbdev_count(s, bus, write, *result);
	return 0;
}

/* The dbdev_io event; a read's data only if the device filled it. */
static void dbdev_trace_io(struct dbdev_manager *mgr, enum dbdev_bus bus,
			   u64 addr, const void *data, unsigned int len,
			   bool write, const struct dbdev_slot *s, u64 base,
			   int err)
{
	u64 val = 0;

	if (write || !err)
		memcpy(&val, data, min_t(unsigned int, len, sizeof(val)));
	trace_dbdev_io(mgr, bus, write, addr, len, val,
		       s ? dbdev_slot_dev(s) : NULL, s ? base : 0, err);
}

/* The part of a dispatch under the dbdev_srcu read side */
static __always_inline int dbdev_dispatch_srcu(struct dbdev_caller *caller,
					       enum dbdev_bus bus, u64 addr,
					       void *data, unsigned int len,
					       bool write, int *result)
{
	struct dbdev_manager *mgr = caller->mgr;
	const struct dbdev_slot *s;
	u64 base;
	int ret;

	s = dbdev_buses_lookup(&mgr->buses, bus, addr, &base,
			       &caller->hint[bus]);
	if (!s)
		ret = -ENODEV;
	else if (len - 1 > s->last - addr)
		ret = -ERANGE;
	else
		ret = dbdev_call(caller, s, base, bus, addr - base, data, len,
				 write, result);
	if (trace_dbdev_io_enabled())
		dbdev_trace_io(mgr, bus, addr, data, len, write, s, base,
			       ret ?: *result);
	return ret;
}

/*
 * dbdev_dispatch(), in line in it and in the bus accessors below: what one
 * call more costs is a good part of a dispatch to a range the caller's
 * hint holds.
 */
static __always_inline int dbdev_dispatch_one(struct dbdev_caller *caller,
					      enum dbdev_bus bus, u64 addr,
					      void *data, unsigned int len,
					      bool write, int *result)
{
	int idx, ret;

	/* the check of might_sleep(), without its preemption point */
	__might_sleep(__FILE__, __LINE__);
	if (!len || len > DBDEV_MAX_ACCESS || bus >= DBDEV_NR_BUSES)
		return -EINVAL;
	/* a callback that did not pass on the caller it received */
	if (!caller->depth && dbdev_in_dispatch())
		return -EDEADLK;

	idx = srcu_read_lock(&dbdev_srcu);
	ret = dbdev_dispatch_srcu(caller, bus, addr, data, len, write, result);
	srcu_read_unlock(&dbdev_srcu, idx);
	return ret;
}

/*
 * dbdev_dispatch() under a dbdev_srcu read side the caller holds across
 * several dispatches: an injection ioctl's, never a callback's (with
 * lockdep, dbdev_dispatch() tells the two apart by that read side).
 */
int dbdev_dispatch_held(struct dbdev_caller *caller, enum dbdev_bus bus,
			u64 addr, void *data, unsigned int len, bool write,
			int *result)
{
	lockdep_assert_held(&dbdev_srcu);
	__might_sleep(__FILE__, __LINE__);
	if (!len || len > DBDEV_MAX_ACCESS || bus >= DBDEV_NR_BUSES)
		return -EINVAL;
	return dbdev_dispatch_srcu(caller, bus, addr, data, len, write, result);
}

/**
 * dbdev_dispatch() - route one access, keeping the core's refusals apart
 * @caller: the dispatching thread (see struct dbdev_caller); in a callback,
 *	    the one the callback received
 * @bus: %DBDEV_BUS_PIO or %DBDEV_BUS_MMIO
 * @addr: the port or guest-physical address
 * @data: @len bytes: read into, or written from
 * @len: 1 to %DBDEV_MAX_ACCESS
 * @write: true for a write
 * @result: set to the device's result when a device was called
 *
 * What an exit handler needs to tell an access that no device owns (to be
 * handled elsewhere) from one that a device failed.
 *
 * Context: process context; may sleep.  Takes no lock unless the device is
 * serialised.
 * Return: 0 if a device was called, with its result (0 or a negative
 * errno) in *@result; else a core error listed in dbdev.h, and no device
 * was called.
 */
int dbdev_dispatch(struct dbdev_caller *caller, enum dbdev_bus bus, u64 addr,
		   void *data, unsigned int len, bool write, int *result)
{
	return dbdev_dispatch_one(caller, bus, addr, data, len, write, result);
}
EXPORT_SYMBOL_NS_GPL(dbdev_dispatch, DBDEV_NS);

/* The core's error, else the device's result. */
static __always_inline int dbdev_route(struct dbdev_caller *caller,
				       enum dbdev_bus bus, u64 addr,
				       void *data, unsigned int len,
				       bool write)
{
	int result, err;

	err = dbdev_dispatch_one(caller, bus, addr, data, len, write, &result);
	return err ?: result;
}

/**
 * dbdev_mmio_read() - read from the MMIO bus
 * @caller: the dispatching thread
 * @addr: guest-physical address
 * @data: where the device puts @len bytes
 * @len: 1 to %DBDEV_MAX_ACCESS
 *
 * Context: as dbdev_dispatch().
 * Return: a core error listed in dbdev.h, else the callback's result.
 */
int dbdev_mmio_read(struct dbdev_caller *caller, u64 addr, void *data,
		    unsigned int len)
{
	return dbdev_route(caller, DBDEV_BUS_MMIO, addr, data, len, false);
}
EXPORT_SYMBOL_NS_GPL(dbdev_mmio_read, DBDEV_NS);

/**
 * dbdev_mmio_write() - write to the MMIO bus
 * @caller: the dispatching thread
 * @addr: guest-physical address
 * @data: @len bytes for the device
 * @len: 1 to %DBDEV_MAX_ACCESS
 *
 * Context: as dbdev_dispatch().
 * Return: a core error listed in dbdev.h, else the callback's result.
 */
int dbdev_mmio_write(struct dbdev_caller *caller, u64 addr, const void *data,
		     unsigned int len)
{
	return dbdev_route(caller, DBDEV_BUS_MMIO, addr, (void *)data, len, true);
}
EXPORT_SYMBOL_NS_GPL(dbdev_mmio_write, DBDEV_NS);

/**
 * dbdev_pio_read() - read from the port-I/O bus
 * @caller: the dispatching thread
 * @port: the port
 * @data: where the device puts @len bytes
 * @len: 1 to %DBDEV_MAX_ACCESS
 *
 * Context: as dbdev_dispatch().
 * Return: a core error listed in dbdev.h, else the callback's result.
 */
int dbdev_pio_read(struct dbdev_caller *caller, u16 port, void *data,
		   unsigned int len)
{
	return dbdev_route(caller, DBDEV_BUS_PIO, port, data, len, false);
}
EXPORT_SYMBOL_NS_GPL(dbdev_pio_read, DBDEV_NS);

/**
 * dbdev_pio_write() - write to the port-I/O bus
 * @caller: the dispatching thread
 * @port: the port
 * @data: @len bytes for the device
 * @len: 1 to %DBDEV_MAX_ACCESS
 *
 * Context: as dbdev_dispatch().
 * Return: a core error listed in dbdev.h, else the callback's result.
 */
int dbdev_pio_write(struct dbdev_caller *caller, u16 port, const void *data,
		    unsigned int len)
{
	return dbdev_route(caller, DBDEV_BUS_PIO, port, (void *)data, len, true);
}
EXPORT_SYMBOL_NS_GPL(dbdev_pio_write, DBDEV_NS);

/* ------------------------------------------------------------------------
 * Devices and their bindings
 */

/**
 * dbdev_device_init() - prepare a device for registration
 * @dev: the device, embedded in the driver's state
 * @ops: its callbacks, usually a static const table
 * @flags: %DBDEV_DEVICE_SERIALIZED to have the core run one callback at a
 *	   time, or 0 if the driver does its own locking
 */
void dbdev_device_init(struct dbdev_device *dev,
		       const struct dbdev_device_ops *ops, unsigned int flags)
{
	dev->ops = ops;
	dev->flags = flags & DBDEV_DEVICE_SERIALIZED;
	mutex_init(&dev->io_lock);
	dev->mgr = NULL;
	dev->binding = NULL;
	INIT_LIST_HEAD(&dev->node);
	dev->irq_lines = 0;
	dev->msi_vectors = 0;
	bitmap_zero(dev->irq_level, DBDEV_MAX_RESOURCES);
	xa_init(&dev->irq_sinks);
	memset(&dev->irq_stats, 0, sizeof(dev->irq_stats));
	dev->io_stats = NULL;
}
EXPORT_SYMBOL_NS_GPL(dbdev_device_init, DBDEV_NS);

/**
 * dbdev_device_io_stats() - what a device's callbacks served
 * @dev: a registered device, which the caller keeps registered meanwhile
 *	 (from its callbacks, or by holding off its unregistration)
 * @sum: filled with the counts since it was registered, all CPUs summed;
 *	 all zero for a device that is not registered
 *
 * Dispatch counts on the CPU it runs on; the sum is a snapshot, exact
 * once dispatch has stopped.
 */
void dbdev_device_io_stats(const struct dbdev_device *dev,
			   struct dbdev_io_stats *sum)
{
	struct dbdev_io_stats __percpu *st = READ_ONCE(dev->io_stats);
	unsigned int bus;
	int cpu;

	memset(sum, 0, sizeof(*sum));
	if (!st)
		return;
	for_each_possible_cpu(cpu) {
		const struct dbdev_io_stats *c = per_cpu_ptr(st, cpu);

		for (bus = 0; bus < DBDEV_NR_BUSES; bus++) {
			sum->reads[bus] += READ_ONCE(c->reads[bus]);
			sum->writes[bus] += READ_ONCE(c->writes[bus]);
			sum->errors[bus] += READ_ONCE(c->errors[bus]);
		}
	}
}
EXPORT_SYMBOL_NS_GPL(dbdev_device_io_stats, DBDEV_NS);

/**
 * dbdev_device_resources() - the resources a device was registered with
 * @dev: the device
 *
 * The list stays valid until the device is unregistered; the driver, which
 * decides when that happens, must not race the two.
 *
 * Return: the list in registration order; empty if @dev is not registered.
 */
struct dbdev_resources dbdev_device_resources(const struct dbdev_device *dev)
{
	const struct dbdev_binding *b = READ_ONCE(dev->binding);

	return b ? b->assigned : (struct dbdev_resources){};
}
EXPORT_SYMBOL_NS_GPL(dbdev_device_resources, DBDEV_NS);

/**
 * dbdev_device_trapped() - the resources on which a device traps I/O
 * @dev: the device
 *
 * Like dbdev_device_resources(), but only the port-I/O and MMIO ranges.
 *
 * Return: the list in registration order; empty if @dev is not registered.
 */
struct dbdev_resources dbdev_device_trapped(const struct dbdev_device *dev)
{
	const struct dbdev_binding *b = READ_ONCE(dev->binding);

	return b ? b->trapped : (struct dbdev_resources){};
}
EXPORT_SYMBOL_NS_GPL(dbdev_device_trapped, DBDEV_NS);

static int dbdev_range_cmp(const void *a, const void *b)
{
	const struct dbdev_range *x = a, *y = b;

	if (x->bus != y->bus)
		return x->bus < y->bus ? -1 : 1;
	if (x->base != y->base)
		return x->base < y->base ? -1 : 1;
	return 0;
}

/* Can @ops serve a port-I/O (@pio) or MMIO (@mmio) range? */
static bool dbdev_ops_serve(const struct dbdev_device_ops *ops, bool pio,
			    bool mmio)
{
	return (!pio || (ops->pio_read && ops->pio_write)) &&
	       (!mmio || (ops->read && ops->write));
}

static int dbdev_check_resources(const struct dbdev_device *dev,
				 const struct dbdev_resource *res,
				 unsigned int nr)
{
	unsigned int i;
	int err;

	if (!dev->ops || (nr && !res))
		return -EINVAL;
	if (nr > DBDEV_MAX_RESOURCES)
		return -E2BIG;
	for (i = 0; i < nr; i++) {
		err = dbdev_resource_validate(&res[i]);
		if (err)
			return err;
		if (!dbdev_ops_serve(dev->ops, res[i].type == DBDEV_RES_PIO,
				     res[i].type == DBDEV_RES_MMIO))
			return -EINVAL;
	}
	return 0;
}

/*
 * Check constraints for @dev (%NULL: a plain allocation) and count the
 * resources they turn into.
 */
static int dbdev_check_constraints(const struct dbdev_device *dev,
				   const struct dbdev_constraint *con,
				   unsigned int nr, unsigned int *count)
{
	unsigned int i;
	int err;

	if ((dev && !dev->ops) || (nr && !con))
		return -EINVAL;
	*count = 0;
	for (i = 0; i < nr; i++) {
		err = dbdev_constraint_validate(&con[i]);
		if (err)
			return err;
		if (dev && !dbdev_ops_serve(dev->ops,
					    con[i].type == DBDEV_CON_PIO,
					    con[i].type == DBDEV_CON_MMIO))
			return -EINVAL;
		*count += dbdev_con_outputs(&con[i]);
		if (*count > DBDEV_MAX_RESOURCES)
			return -E2BIG;
	}
	return 0;
}

/*
 * A binding has room for @nr resources and @nr_ext pool extents, laid out
 * after the structure: extents, assigned, trapped; and, for a device, for
 * @nr bus ranges, allocated apart.
 */
static struct dbdev_binding *dbdev_binding_alloc(struct dbdev_device *dev,
						 unsigned int nr,
						 unsigned int nr_ext)
{
	struct dbdev_resource *res;
	struct dbdev_binding *b;
	unsigned int i;

	b = kzalloc(sizeof(*b) + nr * 2 * sizeof(*res) +
		    nr_ext * sizeof(*b->ext), GFP_KERNEL_ACCOUNT);
	if (!b)
		return NULL;
	if (dev && nr) {
		b->ranges = kcalloc(nr, sizeof(*b->ranges), GFP_KERNEL_ACCOUNT);
		if (!b->ranges) {
			kfree(b);
			return NULL;
		}
	}
	b->dev = dev;
	b->ext = (struct dbdev_extent *)(b + 1);
	b->nr_ext = nr_ext;
	res = (struct dbdev_resource *)(b->ext + nr_ext);
	b->assigned = (struct dbdev_resources){ res, nr };
	b->trapped = (struct dbdev_resources){ res + nr, 0 };
	for (i = 0; i < nr_ext; i++)
		b->ext[i].owner = b;
	return b;
}

static void dbdev_binding_free(struct dbdev_binding *b)
{
	if (!b)
		return;
	free_percpu(b->io_stats);
	kfree(b->ranges);
	kfree(b);
}

/* The writable view of the binding's resource arrays. */
static struct dbdev_resource *dbdev_binding_res(struct dbdev_binding *b)
{
	return (struct dbdev_resource *)(b->ext + b->nr_ext);
}

/*
 * Derive the trapped list and the bus entries from the assigned resources;
 * refuse ranges of the binding that overlap each other on one bus.
 */
static int dbdev_binding_index(struct dbdev_binding *b)
{
	struct dbdev_resource *res = dbdev_binding_res(b);
	struct dbdev_resource *trapped = res + b->assigned.nr;
	unsigned int i, n = 0;

	for (i = 0; i < b->assigned.nr; i++) {
		struct dbdev_range *r = &b->ranges[n];

		if (res[i].type != DBDEV_RES_PIO &&
		    res[i].type != DBDEV_RES_MMIO)
			continue;
		trapped[n++] = res[i];
		r->base = res[i].range.base;
		r->last = res[i].range.base + res[i].range.size - 1;
		r->bus = res[i].type == DBDEV_RES_PIO ? DBDEV_BUS_PIO :
							DBDEV_BUS_MMIO;
	}
	b->trapped.nr = n;

	sort(b->ranges, n, sizeof(b->ranges[0]), dbdev_range_cmp, NULL);
	for (i = 1; i < n; i++)
		if (b->ranges[i].bus == b->ranges[i - 1].bus &&
		    b->ranges[i].base <= b->ranges[i - 1].last)
			return -EEXIST;
	return 0;
}

/* A binding of explicit resources for @dev, checked, not yet shared. */
static struct dbdev_binding *dbdev_binding_explicit(struct dbdev_device *dev,
						    const struct dbdev_resource *res,
						    unsigned int nr)
{
	unsigned int i, nr_ext = 0;
	struct dbdev_binding *b;
	int err;

	err = dbdev_check_resources(dev, res, nr);
	if (err)
		return ERR_PTR(err);
	for (i = 0; i < nr; i++)
		nr_ext += dbdev_res_extents(&res[i]);
	b = dbdev_binding_alloc(dev, nr, nr_ext);
	if (!b)
		return ERR_PTR(-ENOMEM);
	memcpy(dbdev_binding_res(b), res, nr * sizeof(*res));
	err = dbdev_binding_index(b);
	if (err) {
		dbdev_binding_free(b);
		return ERR_PTR(err);
	}
	return b;
}

/* An empty binding for what @con will turn into. */
static struct dbdev_binding *dbdev_binding_for(struct dbdev_device *dev,
					       const struct dbdev_constraint *con,
					       unsigned int nr)
{
	struct dbdev_binding *b;
	unsigned int count;
	int err;

	err = dbdev_check_constraints(dev, con, nr, &count);
	if (err)
		return ERR_PTR(err);
	b = dbdev_binding_alloc(dev, count, count);
	return b ?: ERR_PTR(-ENOMEM);
}

static void dbdev_binding_free_rcu(struct rcu_head *head)
{
	dbdev_binding_free(container_of(head, struct dbdev_binding, rcu));
}

/* Give the binding's resources back to the pools, or take them again. */
static void dbdev_binding_release(struct dbdev_binding *b)
{
	unsigned int i;

	for (i = 0; i < b->nr_ext; i++)
		dbdev_pools_release(&b->ext[i]);
}

static void dbdev_binding_restore(struct dbdev_binding *b)
{
	unsigned int i;

	for (i = 0; i < b->nr_ext; i++)
		dbdev_pools_restore(&b->ext[i]);
}

/*
 * Does @r describe what extent @e of a grant was allocated for?  The pools
 * know numbers only; an MSI block's type must match too.  (Registered
 * devices' extents are not matched: freeing them is refused anyway.)
 */
static bool dbdev_grant_matches(const struct dbdev_extent *e,
				const struct dbdev_resource *r)
{
	const struct dbdev_binding *b = e->owner;

	return b->dev || r->type != DBDEV_RES_MSI ||
	       b->assigned.res[e - b->ext].msi.type == r->msi.type;
}

/* The extent of a grant that is exactly @r and not yet freed, or %NULL. */
static struct dbdev_extent *dbdev_grant_extent(struct dbdev_manager *mgr,
					       const struct dbdev_resource *r)
{
	struct dbdev_extent *e = dbdev_pools_find(&mgr->pools, r);

	return e && !e->owner->dev && dbdev_grant_matches(e, r) ? e : NULL;
}

/*
 * Undo the handovers of @b's registration, whose extents are released:
 * the grants have their resources again.
 */
static void dbdev_binding_giveback(struct dbdev_binding *b)
{
	struct dbdev_extent *grant;
	unsigned int i;

	for (i = 0; i < b->nr_ext; i++) {
		grant = b->ext[i].taken;
		if (!grant)
			continue;
		dbdev_pools_restore(grant);
		grant->owner->live++;
		b->ext[i].taken = NULL;
	}
}

/*
 * Mark the binding's explicit resources used, all or none.  A resource
 * that a grant of dbdev_alloc() holds exactly is handed over: the grant's
 * extent leaves the pool for the device's.
 */
static int dbdev_binding_reserve(struct dbdev_manager *mgr,
				 struct dbdev_binding *b)
{
	struct dbdev_extent *grant;
	unsigned int i, used = 0;
	int n;

	for (i = 0; i < b->assigned.nr; i++) {
		grant = dbdev_grant_extent(mgr, &b->assigned.res[i]);
		if (grant) {
			dbdev_pools_release(grant);
			grant->owner->live--;
		}
		n = dbdev_pools_reserve(&mgr->pools, &b->assigned.res[i],
					&b->ext[used]);
		if (n < 0) {
			if (grant) {
				dbdev_pools_restore(grant);
				grant->owner->live++;
			}
			dbdev_binding_release(b);
			dbdev_binding_giveback(b);
			return n;
		}
		/* a grant is in one pool: its resource is one extent */
		if (n)
			b->ext[used].taken = grant;
		used += n;
	}
	return 0;
}

/* Forget a grant none of whose resources is left to it. */
static void dbdev_grant_drop(struct dbdev_manager *mgr, struct dbdev_binding *g)
{
	list_del(&g->link);
	mgr->nr_grants--;
	dbdev_binding_free(g);
}

/* ------------------------------------------------------------------------
 * Staging and publishing changes
 *
 * Every change is first made in the staged state of the buses and in the
 * pools, where the checks of later steps see it, and recorded as a step.
 * Publishing switches dispatchers to the staged state of the buses at once;
 * cancelling drops it, and undoes the steps in the pools, newest first.
 */

/*
 * A staged step: @b was added for @dev, or removed from it.  A device can
 * have a binding removed and a new one added in one transaction (a BAR that
 * moves): dispatch sees the old one until the commit.
 */
struct dbdev_tx_op {
	struct list_head node;
	struct dbdev_device *dev;
	struct dbdev_binding *b;
	bool add;
};

/*
 * Stage @b's ranges on the buses, counting into @stats: all, or none and
 * -ENOMEM.
 */
static int dbdev_bus_add(struct dbdev_manager *mgr, struct dbdev_binding *b,
			 struct dbdev_io_stats __percpu *stats)
{
	unsigned int i;
	int err;

	for (i = 0; i < b->trapped.nr; i++) {
		err = dbdev_buses_insert(&mgr->buses, &b->ranges[i], b->dev,
					 stats);
		if (err) {
			while (i--)
				dbdev_buses_erase(&mgr->buses, &b->ranges[i]);
			return err;
		}
	}
	return 0;
}

/* Stage the removal of @b's ranges: all, or with @gfp that may fail none. */
static int dbdev_bus_remove(struct dbdev_manager *mgr, struct dbdev_binding *b,
			    gfp_t gfp)
{
	unsigned int i;
	int err;

	err = dbdev_buses_reserve_erase(&mgr->buses, b->trapped.nr, gfp);
	if (err)
		return err;
	for (i = 0; i < b->trapped.nr; i++)
		dbdev_buses_erase(&mgr->buses, &b->ranges[i]);
	return 0;
}

static int dbdev_bus_conflicts(struct dbdev_manager *mgr,
			       const struct dbdev_binding *b)
{
	unsigned int i;
	u64 hit;

	for (i = 0; i < b->trapped.nr; i++) {
		const struct dbdev_range *r = &b->ranges[i];

		if (dbdev_buses_conflict(&mgr->buses, r->bus, r->base, r->last,
					 &hit))
			return -EEXIST;
	}
	return 0;
}

/*
 * Give @dev the binding @b (%NULL: none), and with it the interrupt lines
 * and MSI vectors that dbdev_irq_set() and dbdev_msi_send() accept.
 */
static void dbdev_set_binding(struct dbdev_device *dev,
			      struct dbdev_binding *b)
{
	const struct dbdev_resource *r;
	unsigned int lines = 0;
	u64 vectors = 0;

	if (b) {
		lines = dbdev_res_count(&b->assigned, DBDEV_RES_LEGACY_IRQ);
		dbdev_for_each_res(r, &b->assigned, DBDEV_RES_MSI)
			vectors += r->msi.size;
	}
	WRITE_ONCE(dev->binding, b);
	WRITE_ONCE(dev->irq_lines, lines);
	WRITE_ONCE(dev->msi_vectors, min_t(u64, vectors, U32_MAX));
}

/*
 * Stage the registration of @b's device: with @con, place the constraints
 * in the pools first; else reserve @b's explicit resources.  Bus overlaps
 * (-EEXIST) are checked before pool conflicts (-EBUSY).
 */
static int dbdev_stage_register(struct dbdev_manager *mgr,
				struct dbdev_binding *b,
				const struct dbdev_constraint *con,
				unsigned int nr_con)
{
	struct dbdev_io_stats __percpu *stats = NULL;
	struct dbdev_device *dev = b->dev;
	int err;

	lockdep_assert_held(&mgr->lock);
	if (dev->binding || (dev->mgr && dev->mgr != mgr))
		return -EBUSY;
	if (!dev->mgr) {
		stats = alloc_percpu_gfp(struct dbdev_io_stats,
					 GFP_KERNEL_ACCOUNT);
		if (!stats)
			return -ENOMEM;
	}
	if (con) {
		err = dbdev_pools_alloc(&mgr->pools, con, nr_con,
					dbdev_binding_res(b), b->ext);
		if (!err) {
			err = dbdev_binding_index(b) ?:
			      dbdev_bus_conflicts(mgr, b);
			if (err)
				dbdev_binding_release(b);
		}
	} else {
		err = dbdev_bus_conflicts(mgr, b) ?:
		      dbdev_binding_reserve(mgr, b);
	}
	if (!err) {
		err = dbdev_bus_add(mgr, b, dev->mgr ? dev->io_stats : stats);
		if (err) {
			dbdev_binding_release(b);
			dbdev_binding_giveback(b);
		}
	}
	if (err) {
		free_percpu(stats);
		return err;
	}

	if (!dev->mgr) {
		dev->mgr = mgr;
		dev->io_stats = stats;
		list_add_tail(&dev->node, &mgr->devices);
	}
	dbdev_set_binding(dev, b);
	return 0;
}

/* With @gfp that may not fail, neither does this but for -ENOENT. */
static int dbdev_stage_unregister(struct dbdev_manager *mgr,
				  struct dbdev_device *dev, gfp_t gfp)
{
	int err;

	lockdep_assert_held(&mgr->lock);
	if (dev->mgr != mgr || !dev->binding)
		return -ENOENT;
	err = dbdev_bus_remove(mgr, dev->binding, gfp);
	if (err)
		return err;
	dbdev_binding_release(dev->binding);
	/*
	 * Until the removal is published the device answers I/O: its lines
	 * and vectors stay usable as well.
	 */
	WRITE_ONCE(dev->binding, NULL);
	return 0;
}

/*
 * @dev leaves its manager.  @last, its binding that is freed after the
 * dispatchers that may still be inside @dev, takes its I/O counters along.
 */
static void dbdev_device_leave(struct dbdev_device *dev,
			       struct dbdev_binding *last)
{
	dbdev_set_binding(dev, NULL);
	last->io_stats = dev->io_stats;
	WRITE_ONCE(dev->io_stats, NULL);
	list_del_init(&dev->node);
	dev->mgr = NULL;
}

/*
 * Unbind the devices of @ops that the steps left without a binding.  The
 * bindings of the steps that @cancel (or else a commit) drops are the
 * ones freed after a grace period: each such device has one.
 */
static void dbdev_detach_unbound(struct list_head *ops, bool cancel)
{
	struct dbdev_tx_op *op;

	list_for_each_entry(op, ops, node)
		if (op->dev->mgr && !op->dev->binding && op->add == cancel)
			dbdev_device_leave(op->dev, op->b);
}

/*
 * The registrations of @ops are published: their handovers are final.
 * Free the grants they emptied, once no step points into them any more.
 */
static void dbdev_grants_settle(struct dbdev_manager *mgr,
				struct list_head *ops)
{
	struct dbdev_binding *g, *tmp;
	struct dbdev_tx_op *op;
	bool emptied = false;
	unsigned int i;

	list_for_each_entry(op, ops, node) {
		for (i = 0; op->add && i < op->b->nr_ext; i++) {
			struct dbdev_extent *e = &op->b->ext[i];

			emptied |= e->taken && !e->taken->owner->live;
			e->taken = NULL;
		}
	}
	if (!emptied)
		return;
	list_for_each_entry_safe(g, tmp, &mgr->grants, link)
		if (!g->live)
			dbdev_grant_drop(mgr, g);
}

/*
 * Make the staged state of @ops visible at once; queue the bindings they
 * removed on @dead, which the caller frees after waiting for a grace
 * period.
 * Return: the buses' view it replaced, to free with @dead, or %NULL if
 * there is nothing on @dead to wait for: then the buses keep it until a
 * grace period has passed.
 */
static struct dbdev_view *dbdev_publish(struct dbdev_manager *mgr,
					struct list_head *ops,
					struct list_head *dead)
{
	struct dbdev_view *old;
	struct dbdev_tx_op *op;

	lockdep_assert_held(&mgr->lock);
	old = dbdev_buses_publish(&mgr->buses);

	list_for_each_entry(op, ops, node)
		if (!op->add)
			list_add_tail(&op->b->link, dead);
	dbdev_grants_settle(mgr, ops);
	dbdev_detach_unbound(ops, false);
	if (!dead || list_empty(dead)) {
		dbdev_buses_retire(&mgr->buses, old);
		old = NULL;
	}
	return old;
}

/* Undo @ops, newest first; queue the bindings they added on @dead. */
static void dbdev_unstage(struct dbdev_manager *mgr, struct list_head *ops,
			  struct list_head *dead)
{
	struct dbdev_tx_op *op;

	lockdep_assert_held(&mgr->lock);
	dbdev_buses_cancel(&mgr->buses);
	list_for_each_entry_reverse(op, ops, node) {
		if (op->add) {
			dbdev_binding_release(op->b);
			dbdev_binding_giveback(op->b);
		} else {
			dbdev_binding_restore(op->b);
		}
		dbdev_set_binding(op->dev, op->add ? NULL : op->b);
	}

	list_for_each_entry(op, ops, node)
		if (op->add)
			list_add_tail(&op->b->link, dead);
	dbdev_detach_unbound(ops, true);
}

/*
 * Free the bindings on @dead, and with @wait the buses' view @old that
 * dbdev_publish() returned.  With @wait, first wait until no dispatch can
 * still be inside their devices; callers drop mgr->lock before.  The wait
 * is an expedited grace period, as KVM's for its buses: an unregistration
 * returns in microseconds, not the milliseconds of a normal one, and SRCU
 * expedites without interrupting other CPUs.  Else the bindings are freed
 * after a grace period, without waiting for it.
 */
static void dbdev_reap(struct list_head *dead, struct dbdev_view *old,
		       bool wait)
{
	struct dbdev_binding *b, *tmp;

	if (list_empty(dead))
		return;
	if (wait)
		synchronize_srcu_expedited(&dbdev_srcu);
	list_for_each_entry_safe(b, tmp, dead, link) {
		if (wait)
			dbdev_binding_free(b);
		else
			call_srcu(&dbdev_srcu, &b->rcu, dbdev_binding_free_rcu);
	}
	if (wait)
		dbdev_buses_free_view(old);
}

static void dbdev_tx_close(struct dbdev_tx *tx)
{
	struct dbdev_tx_op *op, *tmp;

	list_for_each_entry_safe(op, tmp, &tx->ops, node)
		kfree(op);
	INIT_LIST_HEAD(&tx->ops);
	tx->open = false;
}

/* ------------------------------------------------------------------------
 * Registration and transactions
 */

/* Register @b's device outside a transaction, with @con if given. */
static int dbdev_register_binding(struct dbdev_manager *mgr,
				  struct dbdev_binding *b,
				  const struct dbdev_constraint *con,
				  unsigned int nr_con)
{
	struct dbdev_tx_op op = { .dev = b->dev, .b = b, .add = true };
	LIST_HEAD(ops);
	int err;

	mutex_lock(&mgr->lock);
	if (mgr->tx.open) {
		err = -EBUSY;
	} else {
		err = dbdev_stage_register(mgr, b, con, nr_con);
		if (!err) {
			list_add(&op.node, &ops);
			dbdev_publish(mgr, &ops, NULL);
		} else {
			dbdev_buses_cancel(&mgr->buses);
		}
	}
	trace_dbdev_update(mgr, op.dev, true, false, err);
	mutex_unlock(&mgr->lock);

	if (err)
		dbdev_binding_free(b);
	return err;
}

/**
 * dbdev_register() - put a device on the buses of a manager
 * @mgr: the VM's manager
 * @dev: the device, set up with dbdev_device_init()
 * @res: its resources; copied, so the caller may reuse the array
 * @nr: how many
 *
 * The device lands on the PIO bus for each port range and on the MMIO bus
 * for each MMIO range, all at once or not at all.  Every resource that lies
 * in one of the manager's pools is marked used there, so the allocator
 * never hands it out; all are reported by dbdev_device_resources().  A
 * resource that is exactly one dbdev_alloc() returned, and that was not
 * freed, is handed over to the device: from then on it is the device's
 * (dbdev_free() refuses it), and it goes back to the pool when the device
 * is unregistered.
 *
 * Context: process context; takes the manager's lock.  May be called from a
 * device callback.
 * Return: 0; -EINVAL for an invalid resource or a range without the
 * callbacks to serve it; -E2BIG for more than %DBDEV_MAX_RESOURCES; -EEXIST
 * if a range overlaps another on the same bus; -EBUSY if @dev is already
 * registered, a transaction is open, or a resource is already used in its
 * pool; -ENOMEM; -ENOSPC if a bus's index is as deep as it may grow.  On
 * error nothing changed.
 */
int dbdev_register(struct dbdev_manager *mgr, struct dbdev_device *dev,
		   const struct dbdev_resource *res, unsigned int nr)
{
	struct dbdev_binding *b = dbdev_binding_explicit(dev, res, nr);

	return IS_ERR(b) ? PTR_ERR(b) : dbdev_register_binding(mgr, b, NULL, 0);
}
EXPORT_SYMBOL_NS_GPL(dbdev_register, DBDEV_NS);

/**
 * dbdev_register_alloc() - allocate resources for a device and register it
 * @mgr: the VM's manager
 * @dev: the device, set up with dbdev_device_init()
 * @con: what it needs
 * @nr: how many constraints
 *
 * One step: the constraints are placed in the manager's pools (see
 * dbdev_alloc()) and the device is registered with the result, which
 * dbdev_device_resources() reports in constraint order.  Unregistering the
 * device gives the resources back.
 *
 * Context: as dbdev_register().
 * Return: 0, an error of dbdev_alloc(), or one of dbdev_register().  On
 * error nothing changed.
 */
int dbdev_register_alloc(struct dbdev_manager *mgr, struct dbdev_device *dev,
			 const struct dbdev_constraint *con, unsigned int nr)
{
	struct dbdev_binding *b = dbdev_binding_for(dev, con, nr);

	return IS_ERR(b) ? PTR_ERR(b) : dbdev_register_binding(mgr, b, con, nr);
}
EXPORT_SYMBOL_NS_GPL(dbdev_register_alloc, DBDEV_NS);

/**
 * dbdev_unregister() - take a device off the buses of its manager
 * @mgr: the manager it was registered with
 * @dev: the device
 *
 * Its resources go back to the pools.  When this returns 0, no callback of
 * @dev is running and none will start: the driver may free it.
 *
 * Context: process context, not from a device callback, which would wait
 * for itself; sleeps for an expedited SRCU grace period.
 * Return: 0; -ENOENT if @dev is not registered with @mgr; -EBUSY if a
 * transaction is open; -EDEADLK from a device callback, on a kernel with
 * lockdep, the only one that can tell (without, the call never returns).
 */
int dbdev_unregister(struct dbdev_manager *mgr, struct dbdev_device *dev)
{
	struct dbdev_tx_op op = { .dev = dev, .add = false };
	struct dbdev_view *old = NULL;
	LIST_HEAD(dead);
	LIST_HEAD(ops);
	int err;

	if (dbdev_in_dispatch())
		return -EDEADLK;

	mutex_lock(&mgr->lock);
	op.b = dev->mgr == mgr ? dev->binding : NULL;
	/* the few nodes the buses need must not fail a removal */
	err = mgr->tx.open ? -EBUSY :
	      dbdev_stage_unregister(mgr, dev,
				     GFP_KERNEL_ACCOUNT | __GFP_NOFAIL);
	if (!err) {
		list_add(&op.node, &ops);
		old = dbdev_publish(mgr, &ops, &dead);
	}
	trace_dbdev_update(mgr, dev, false, false, err);
	mutex_unlock(&mgr->lock);

	dbdev_reap(&dead, old, true);
	return err;
}
EXPORT_SYMBOL_NS_GPL(dbdev_unregister, DBDEV_NS);

/**
 * dbdev_tx_begin() - open a transaction on a manager
 * @mgr: the VM's manager
 *
 * Until dbdev_tx_commit() or dbdev_tx_cancel(), dispatch keeps seeing the
 * state before the transaction, and dbdev_register(), dbdev_unregister(),
 * dbdev_alloc(), dbdev_free() and dbdev_pools_set() on @mgr fail with
 * -EBUSY rather than wait.
 *
 * Return: the transaction, or ERR_PTR(-EBUSY) if one is already open.
 */
struct dbdev_tx *dbdev_tx_begin(struct dbdev_manager *mgr)
{
	struct dbdev_tx *tx = &mgr->tx;

	mutex_lock(&mgr->lock);
	if (tx->open)
		tx = ERR_PTR(-EBUSY);
	else
		tx->open = true;
	mutex_unlock(&mgr->lock);
	return tx;
}
EXPORT_SYMBOL_NS_GPL(dbdev_tx_begin, DBDEV_NS);

static struct dbdev_manager *dbdev_tx_manager(struct dbdev_tx *tx)
{
	return container_of(tx, struct dbdev_manager, tx);
}

/*
 * Stage one step: register @b's device (with @con if given), or with @b
 * %NULL unregister @dev.  On error a given @b is freed.
 */
static int dbdev_tx_step(struct dbdev_tx *tx, struct dbdev_device *dev,
			 struct dbdev_binding *b,
			 const struct dbdev_constraint *con, unsigned int nr_con)
{
	struct dbdev_manager *mgr = dbdev_tx_manager(tx);
	struct dbdev_tx_op *op;
	int err;

	op = kmalloc(sizeof(*op), GFP_KERNEL_ACCOUNT);
	if (!op) {
		dbdev_binding_free(b);
		return -ENOMEM;
	}
	op->dev = dev;
	op->add = !!b;

	mutex_lock(&mgr->lock);
	op->b = b ?: (dev->mgr == mgr ? dev->binding : NULL);
	if (WARN_ON_ONCE(!tx->open))
		err = -EINVAL;
	else if (b)
		err = dbdev_stage_register(mgr, b, con, nr_con);
	else
		err = dbdev_stage_unregister(mgr, dev, GFP_KERNEL_ACCOUNT);
	if (!err)
		list_add_tail(&op->node, &tx->ops);
	trace_dbdev_update(mgr, dev, !!b, true, err);
	mutex_unlock(&mgr->lock);

	if (err) {
		kfree(op);
		dbdev_binding_free(b);
	}
	return err;
}

/**
 * dbdev_tx_register() - register a device inside a transaction
 * @tx: the open transaction
 * @dev: the device
 * @res: its resources
 * @nr: how many
 *
 * As dbdev_register(), checked against the state the earlier steps of @tx
 * leave, and visible to dispatch only from dbdev_tx_commit().  A device
 * unregistered earlier in @tx may register again in it, with other
 * resources: that moves it, and dispatch finds it at its old place until
 * the commit and at its new place after.
 *
 * Return: as dbdev_register(), but never -EBUSY for the open transaction.
 */
int dbdev_tx_register(struct dbdev_tx *tx, struct dbdev_device *dev,
		      const struct dbdev_resource *res, unsigned int nr)
{
	struct dbdev_binding *b = dbdev_binding_explicit(dev, res, nr);

	return IS_ERR(b) ? PTR_ERR(b) : dbdev_tx_step(tx, dev, b, NULL, 0);
}
EXPORT_SYMBOL_NS_GPL(dbdev_tx_register, DBDEV_NS);

/**
 * dbdev_tx_register_alloc() - dbdev_register_alloc() inside a transaction
 * @tx: the open transaction
 * @dev: the device
 * @con: what it needs
 * @nr: how many constraints
 *
 * The resources are taken from the pools at once, so later steps cannot
 * get them; dbdev_tx_cancel() gives them back.
 *
 * Return: as dbdev_register_alloc(), but never -EBUSY for the open
 * transaction.
 */
int dbdev_tx_register_alloc(struct dbdev_tx *tx, struct dbdev_device *dev,
			    const struct dbdev_constraint *con, unsigned int nr)
{
	struct dbdev_binding *b = dbdev_binding_for(dev, con, nr);

	return IS_ERR(b) ? PTR_ERR(b) : dbdev_tx_step(tx, dev, b, con, nr);
}
EXPORT_SYMBOL_NS_GPL(dbdev_tx_register_alloc, DBDEV_NS);

/**
 * dbdev_tx_unregister() - unregister a device inside a transaction
 * @tx: the open transaction
 * @dev: the device, registered as the earlier steps of @tx leave it
 *
 * Its resources are free for the later steps of @tx at once; dispatch
 * keeps reaching @dev, and @dev keeps its interrupt lines and vectors,
 * until dbdev_tx_commit() (unless a later step registers it again: then
 * it has those of that registration).
 *
 * Return: 0, -ENOENT if @dev is not registered in the transaction's view,
 * or -ENOMEM.
 */
int dbdev_tx_unregister(struct dbdev_tx *tx, struct dbdev_device *dev)
{
	return dbdev_tx_step(tx, dev, NULL, NULL, 0);
}
EXPORT_SYMBOL_NS_GPL(dbdev_tx_unregister, DBDEV_NS);

/**
 * dbdev_tx_commit() - publish every step of a transaction at once
 * @tx: the open transaction
 *
 * A concurrent dispatch sees either the whole state before the transaction
 * or the whole state after it.  When this returns 0, no callback of a
 * device unregistered in @tx is running or will start.
 *
 * Context: process context, not from a device callback, which would wait
 * for itself; may sleep for an expedited SRCU grace period.
 * Return: 0; -EDEADLK from a device callback, on a kernel with lockdep,
 * the only one that can tell (the transaction stays open).
 */
int dbdev_tx_commit(struct dbdev_tx *tx)
{
	struct dbdev_manager *mgr = dbdev_tx_manager(tx);
	struct dbdev_view *old = NULL;
	LIST_HEAD(dead);

	if (dbdev_in_dispatch())
		return -EDEADLK;

	mutex_lock(&mgr->lock);
	if (!WARN_ON_ONCE(!tx->open)) {
		old = dbdev_publish(mgr, &tx->ops, &dead);
		dbdev_tx_close(tx);
		trace_dbdev_tx_end(mgr, true);
	}
	mutex_unlock(&mgr->lock);

	dbdev_reap(&dead, old, true);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(dbdev_tx_commit, DBDEV_NS);

/**
 * dbdev_tx_cancel() - drop every step of a transaction
 * @tx: the open transaction
 *
 * Devices registered in @tx are unregistered again and their allocated
 * resources go back to the pools; devices unregistered in it stay
 * registered with all they had.  Dispatch never saw any of it.
 *
 * Context: process context; does not wait, so a device callback may call it.
 */
void dbdev_tx_cancel(struct dbdev_tx *tx)
{
	struct dbdev_manager *mgr = dbdev_tx_manager(tx);
	LIST_HEAD(dead);

	mutex_lock(&mgr->lock);
	if (!WARN_ON_ONCE(!tx->open)) {
		dbdev_unstage(mgr, &tx->ops, &dead);
		dbdev_tx_close(tx);
		trace_dbdev_tx_end(mgr, false);
	}
	mutex_unlock(&mgr->lock);

	dbdev_reap(&dead, NULL, false);
}
EXPORT_SYMBOL_NS_GPL(dbdev_tx_cancel, DBDEV_NS);

/* ------------------------------------------------------------------------
 * The allocator
 */

/**
 * dbdev_alloc() - turn constraints into resources
 * @mgr: the VM's manager, whose pools are used
 * @con: what is needed
 * @nr: how many constraints
 * @res: filled with the resources, in constraint order
 * @max: room in @res
 *
 * All or nothing.  Address ranges go first fit at the lowest address that
 * has the size and power-of-two alignment inside the optional window (MMIO
 * tries the windows in order); a legacy IRQ is the lowest free line, or
 * exactly the fixed one; a PCI MSI block is aligned to its size rounded up
 * to a power of two, MSI-X and generic blocks are not aligned; KVM slots
 * are the lowest free run, or exactly the fixed one, and give one resource
 * per slot; a MAC is the lowest free one of the pool.  Each resource can
 * later be freed on its own with dbdev_free(), or handed to the device
 * that registers it with dbdev_register() (allocate first, register
 * later).
 *
 * Context: process context; takes the manager's lock.
 * Return: how many resources were written; -EINVAL for an invalid
 * constraint or a window or fixed number outside every pool of its kind;
 * -E2BIG if the result has more than @max or %DBDEV_MAX_RESOURCES entries;
 * -ENOSPC if something does not fit; -EBUSY if a fixed IRQ or slot is
 * taken or a transaction is open; -EMFILE if @mgr keeps as many
 * allocations as it may (no limit unless its owner set one); -ENOMEM.  On error the pools are as
 * before.
 */
int dbdev_alloc(struct dbdev_manager *mgr, const struct dbdev_constraint *con,
		unsigned int nr, struct dbdev_resource *res, unsigned int max)
{
	struct dbdev_binding *b = dbdev_binding_for(NULL, con, nr);
	int err;

	if (IS_ERR(b))
		return PTR_ERR(b);
	if (b->assigned.nr > max) {
		dbdev_binding_free(b);
		return -E2BIG;
	}

	mutex_lock(&mgr->lock);
	err = mgr->tx.open ? -EBUSY :
	      mgr->nr_grants >= mgr->max_grants ? -EMFILE :
	      dbdev_pools_alloc(&mgr->pools, con, nr, dbdev_binding_res(b),
				b->ext);
	if (!err && b->assigned.nr) {
		b->live = b->assigned.nr;
		list_add_tail(&b->link, &mgr->grants);
		mgr->nr_grants++;
		memcpy(res, b->assigned.res, b->assigned.nr * sizeof(*res));
	}
	mutex_unlock(&mgr->lock);

	if (err || !b->assigned.nr) {
		dbdev_binding_free(b);
		return err;
	}
	return b->assigned.nr;
}
EXPORT_SYMBOL_NS_GPL(dbdev_alloc, DBDEV_NS);

/*
 * Let @mgr keep at most @max allocations of dbdev_alloc() at once: the
 * bound of a context of /dev/dbdev, whose allocations userspace makes.
 */
void dbdev_manager_limit_grants(struct dbdev_manager *mgr, unsigned int max)
{
	mutex_lock(&mgr->lock);
	mgr->max_grants = max;
	mutex_unlock(&mgr->lock);
}

/**
 * dbdev_free() - give resources from dbdev_alloc() back
 * @mgr: the manager they came from
 * @res: the resources, each exactly as dbdev_alloc() returned it
 * @nr: how many
 *
 * All or nothing.  Freed space merges with its free neighbours.
 *
 * Context: process context; takes the manager's lock.
 * Return: 0; -EINVAL if an entry is invalid, was never allocated, is
 * already free, is only part of an allocation or appears twice; -EBUSY if
 * an entry belongs to a registered device (one it was handed over to
 * included: unregister the device instead) or a transaction is open.  On
 * error the pools are unchanged.
 */
int dbdev_free(struct dbdev_manager *mgr, const struct dbdev_resource *res,
	       unsigned int nr)
{
	struct dbdev_extent *e;
	unsigned int i, j;
	int err = 0;

	if (nr && !res)
		return -EINVAL;
	for (i = 0; i < nr; i++)
		if (dbdev_resource_validate(&res[i]))
			return -EINVAL;

	mutex_lock(&mgr->lock);
	if (mgr->tx.open)
		err = -EBUSY;
	for (i = 0; i < nr && !err; i++) {
		e = dbdev_pools_find(&mgr->pools, &res[i]);
		if (!e || e->marked || !dbdev_grant_matches(e, &res[i]))
			err = -EINVAL;
		else if (e->owner->dev)
			err = -EBUSY;
		else
			e->marked = true;
	}
	if (err) {
		for (j = 0; j < i; j++) {
			e = dbdev_pools_find(&mgr->pools, &res[j]);
			if (e)
				e->marked = false;
		}
	} else {
		for (i = 0; i < nr; i++) {
			e = dbdev_pools_find(&mgr->pools, &res[i]);
			e->marked = false;
			dbdev_pools_release(e);
			if (!--e->owner->live)
				dbdev_grant_drop(mgr, e->owner);
		}
	}
	mutex_unlock(&mgr->lock);
	return err;
}
EXPORT_SYMBOL_NS_GPL(dbdev_free, DBDEV_NS);

/**
 * dbdev_pools_get() - read the pool configuration of a manager
 * @mgr: the VM's manager
 * @cfg: filled in; see &struct dbdev_pool_config for the defaults
 */
void dbdev_pools_get(struct dbdev_manager *mgr, struct dbdev_pool_config *cfg)
{
	mutex_lock(&mgr->lock);
	*cfg = mgr->pools.cfg;
	mutex_unlock(&mgr->lock);
}
EXPORT_SYMBOL_NS_GPL(dbdev_pools_get, DBDEV_NS);

/**
 * dbdev_pools_set() - set the pool configuration of a manager
 * @mgr: the VM's manager, not used yet
 * @cfg: the pools: every window with min <= max inside its space, port I/O
 *	 within 16 bits, IRQ, MSI and slot numbers within 32 bits, 1 to
 *	 %DBDEV_MAX_MMIO_WINDOWS ascending disjoint MMIO windows, and a
 *	 locally administered unicast MAC prefix
 *
 * Return: 0; -EINVAL if @cfg is malformed; -EBUSY once a device is
 * registered, a resource allocated or a transaction open.
 */
int dbdev_pools_set(struct dbdev_manager *mgr,
		    const struct dbdev_pool_config *cfg)
{
	int err;

	mutex_lock(&mgr->lock);
	if (mgr->tx.open || !list_empty(&mgr->devices) ||
	    !list_empty(&mgr->grants))
		err = -EBUSY;
	else
		err = dbdev_pools_configure(&mgr->pools, cfg);
	mutex_unlock(&mgr->lock);
	return err;
}
EXPORT_SYMBOL_NS_GPL(dbdev_pools_set, DBDEV_NS);

/**
 * dbdev_conflict() - what stands in the way of a resource
 * @mgr: the VM's manager
 * @res: the resource that could not be had
 * @hit: filled with the existing resource it overlaps: a range on the same
 *	 bus, else the resource that holds that part of a pool, as its owner
 *	 has it
 * @owner: set to the device that holds @hit, or %NULL for an allocation
 *
 * For reporting a registration that failed with -EEXIST or -EBUSY; it sees
 * the state as an open transaction leaves it.
 *
 * Return: true if something overlaps @res.
 */
bool dbdev_conflict(struct dbdev_manager *mgr, const struct dbdev_resource *res,
		    struct dbdev_resource *hit, struct dbdev_device **owner)
{
	const struct dbdev_slot *s = NULL;
	struct dbdev_extent *e = NULL;
	u64 base;

	if (dbdev_resource_validate(res))
		return false;

	mutex_lock(&mgr->lock);
	if (res->type == DBDEV_RES_PIO || res->type == DBDEV_RES_MMIO)
		s = dbdev_buses_conflict(&mgr->buses,
					 res->type == DBDEV_RES_PIO ?
					 DBDEV_BUS_PIO : DBDEV_BUS_MMIO,
					 res->range.base,
					 res->range.base + res->range.size - 1,
					 &base);
	if (s) {
		*hit = DBDEV_RES_RANGE(res->type, base, s->last - base + 1);
		*owner = dbdev_slot_dev(s);
	} else {
		e = dbdev_pools_overlap(&mgr->pools, res);
		if (e) {
			*hit = *dbdev_pools_holder(&mgr->pools, e);
			*owner = e->owner->dev;
		}
	}
	mutex_unlock(&mgr->lock);
	return s || e;
}
EXPORT_SYMBOL_NS_GPL(dbdev_conflict, DBDEV_NS);

/* ------------------------------------------------------------------------
 * Managers
 */

/**
 * dbdev_manager_create() - create the I/O manager of a VM
 *
 * Context: process context; the memory is charged to the caller's memory
 * cgroup.
 * Return: the manager, with empty buses and the default pools, or
 * ERR_PTR(-ENOMEM).
 */
struct dbdev_manager *dbdev_manager_create(void)
{
	struct dbdev_manager *mgr;

	mgr = kzalloc(sizeof(*mgr), GFP_KERNEL_ACCOUNT);
	if (!mgr)
		return ERR_PTR(-ENOMEM);
	if (dbdev_buses_init(&mgr->buses)) {
		kfree(mgr);
		return ERR_PTR(-ENOMEM);
	}
	mutex_init(&mgr->lock);
	INIT_LIST_HEAD(&mgr->devices);
	INIT_LIST_HEAD(&mgr->grants);
	mgr->max_grants = UINT_MAX;
	INIT_LIST_HEAD(&mgr->tx.ops);
	dbdev_pools_configure(&mgr->pools, NULL);
	return mgr;
}
EXPORT_SYMBOL_NS_GPL(dbdev_manager_create, DBDEV_NS);

/**
 * dbdev_manager_destroy() - tear down the I/O manager of a VM
 * @mgr: the manager
 *
 * Cancels an open transaction, unregisters every device, waits until none
 * of their callbacks runs, then calls each one's ->release() and frees
 * everything, allocations included.  The caller must not dispatch on @mgr
 * any more.
 *
 * Context: process context, not from a device callback.
 */
void dbdev_manager_destroy(struct dbdev_manager *mgr)
{
	struct dbdev_device *dev, *tmp;
	LIST_HEAD(dead);
	LIST_HEAD(gone);

	if (WARN_ON_ONCE(dbdev_in_dispatch()))
		return;

	dbdev_buses_quiesce(&mgr->buses);
	mutex_lock(&mgr->lock);
	if (mgr->tx.open) {
		dbdev_unstage(mgr, &mgr->tx.ops, &dead);
		dbdev_tx_close(&mgr->tx);
	}
	list_for_each_entry_safe(dev, tmp, &mgr->devices, node) {
		list_add_tail(&dev->binding->link, &dead);
		dbdev_device_leave(dev, dev->binding);
		list_add_tail(&dev->node, &gone);
	}
	list_splice_init(&mgr->grants, &dead);
	mutex_unlock(&mgr->lock);

	dbdev_reap(&dead, NULL, true);
	mutex_lock(&mgr->lock);
	dbdev_buses_destroy(&mgr->buses);
	mutex_unlock(&mgr->lock);
	list_for_each_entry_safe(dev, tmp, &gone, node) {
		list_del_init(&dev->node);
		if (dev->ops->release)
			dev->ops->release(dev);
	}
	mutex_destroy(&mgr->lock);
	kfree(mgr);
}
EXPORT_SYMBOL_NS_GPL(dbdev_manager_destroy, DBDEV_NS);

static int __init dbdev_init(void)
{
	return dbdev_chardev_init();
}
module_init(dbdev_init);

static void __exit dbdev_exit(void)
{
	dbdev_chardev_exit();
	/* what is freed after a grace period, by code of this module */
	dbdev_buses_reclaim_flush();
	srcu_barrier(&dbdev_srcu);
}
module_exit(dbdev_exit);

MODULE_DESCRIPTION("dbdev: in-kernel device bus for virtual machines");
MODULE_LICENSE("GPL");
