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
 *   mgr->srcu		read side held by each dispatch from the bus lookup
 *			until the device callback has returned.  Writers wait
 *			for it (synchronize_srcu) only after dropping
 *			mgr->lock, so a callback may register devices; a
 *			callback that would wait for itself gets -EDEADLK.
 *   dev->io_lock	held around each callback of a serialised device;
 *			nested by dispatch depth for lockdep.
 *
 * A dispatch takes none of these but the SRCU read side, whose counters are
 * per CPU.  The per-CPU list of active dispatch frames, which catches a
 * callback that re-enters its own device, is touched only by the CPU that
 * owns it, with preemption disabled; a dispatching task does not migrate
 * until its callback has returned.
 */
#include <linux/err.h>
#include <linux/export.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/preempt.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/sort.h>

#include "dbdev_internal.h"

/* ------------------------------------------------------------------------
 * Dispatch frames: which devices the current thread is inside
 */

struct dbdev_frame {
	struct hlist_node node;
	struct task_struct *task;
	const struct dbdev_device *dev;
};

static DEFINE_PER_CPU(struct hlist_head, dbdev_frames);

/*
 * How many callbacks current is inside, or -EDEADLK if one of them belongs
 * to @dev.  A task inside a callback cannot migrate, so all its frames are
 * on this CPU's list.
 */
static int dbdev_frames_depth(const struct dbdev_device *dev)
{
	struct dbdev_frame *f;
	int depth = 0;

	lockdep_assert_preemption_disabled();
	hlist_for_each_entry(f, this_cpu_ptr(&dbdev_frames), node) {
		if (f->task != current)
			continue;
		if (f->dev == dev)
			return -EDEADLK;
		depth++;
	}
	return depth;
}

/* Is current inside any device callback? */
static bool dbdev_in_callback(void)
{
	bool inside;

	preempt_disable();
	inside = dbdev_frames_depth(NULL) > 0;
	preempt_enable();
	return inside;
}

static int dbdev_call(const struct dbdev_range *r, u64 offset, void *data,
		      unsigned int len, bool write)
{
	struct dbdev_device *dev = r->dev;
	const struct dbdev_device_ops *ops = dev->ops;
	struct dbdev_frame frame = { .task = current, .dev = dev };
	int depth, ret;

	migrate_disable();
	preempt_disable();
	depth = dbdev_frames_depth(dev);
	if (depth >= DBDEV_MAX_NESTING)
		depth = -EDEADLK;
	if (depth >= 0)
		hlist_add_head(&frame.node, this_cpu_ptr(&dbdev_frames));
	preempt_enable();
	if (depth < 0) {
		migrate_enable();
		return depth;
	}

	if (dev->flags & DBDEV_DEVICE_SERIALIZED)
		mutex_lock_nested(&dev->io_lock, depth);

	if (r->bus == DBDEV_BUS_PIO)
		ret = write ? ops->pio_write(dev, r->base, offset, data, len) :
			      ops->pio_read(dev, r->base, offset, data, len);
	else
		ret = write ? ops->write(dev, r->base, offset, data, len) :
			      ops->read(dev, r->base, offset, data, len);

	if (dev->flags & DBDEV_DEVICE_SERIALIZED)
		mutex_unlock(&dev->io_lock);

	preempt_disable();
	hlist_del(&frame.node);
	preempt_enable();
	migrate_enable();
	return ret;
}

static int dbdev_dispatch(struct dbdev_manager *mgr, enum dbdev_bus_id bus,
			  u64 addr, void *data, unsigned int len, bool write)
{
	const struct dbdev_range *r;
	int idx, ret;

	might_sleep();
	if (!len || len > DBDEV_MAX_ACCESS)
		return -EINVAL;

	idx = srcu_read_lock(&mgr->srcu);
	r = dbdev_buses_lookup(&mgr->buses, bus, addr);
	if (!r)
		ret = -ENODEV;
	else if (len - 1 > r->last - addr)
		ret = -ERANGE;
	else
		ret = dbdev_call(r, addr - r->base, data, len, write);
	srcu_read_unlock(&mgr->srcu, idx);
	return ret;
}

/**
 * dbdev_mmio_read() - read from the MMIO bus
 * @mgr: the VM's manager
 * @addr: guest-physical address
 * @data: where the device puts @len bytes
 * @len: 1 to %DBDEV_MAX_ACCESS
 *
 * Context: process context; may sleep.  Takes no lock unless the device is
 * serialised.
 * Return: the callback's result, or a core error listed in dbdev.h.
 */
int dbdev_mmio_read(struct dbdev_manager *mgr, u64 addr, void *data,
		    unsigned int len)
{
	return dbdev_dispatch(mgr, DBDEV_BUS_MMIO, addr, data, len, false);
}
EXPORT_SYMBOL_GPL(dbdev_mmio_read);

/**
 * dbdev_mmio_write() - write to the MMIO bus
 * @mgr: the VM's manager
 * @addr: guest-physical address
 * @data: @len bytes for the device
 * @len: 1 to %DBDEV_MAX_ACCESS
 *
 * Context: as dbdev_mmio_read().
 * Return: the callback's result, or a core error listed in dbdev.h.
 */
int dbdev_mmio_write(struct dbdev_manager *mgr, u64 addr, const void *data,
		     unsigned int len)
{
	return dbdev_dispatch(mgr, DBDEV_BUS_MMIO, addr, (void *)data, len,
			      true);
}
EXPORT_SYMBOL_GPL(dbdev_mmio_write);

/**
 * dbdev_pio_read() - read from the port-I/O bus
 * @mgr: the VM's manager
 * @port: the port
 * @data: where the device puts @len bytes
 * @len: 1 to %DBDEV_MAX_ACCESS
 *
 * Context: as dbdev_mmio_read().
 * Return: the callback's result, or a core error listed in dbdev.h.
 */
int dbdev_pio_read(struct dbdev_manager *mgr, u16 port, void *data,
		   unsigned int len)
{
	return dbdev_dispatch(mgr, DBDEV_BUS_PIO, port, data, len, false);
}
EXPORT_SYMBOL_GPL(dbdev_pio_read);

/**
 * dbdev_pio_write() - write to the port-I/O bus
 * @mgr: the VM's manager
 * @port: the port
 * @data: @len bytes for the device
 * @len: 1 to %DBDEV_MAX_ACCESS
 *
 * Context: as dbdev_mmio_read().
 * Return: the callback's result, or a core error listed in dbdev.h.
 */
int dbdev_pio_write(struct dbdev_manager *mgr, u16 port, const void *data,
		    unsigned int len)
{
	return dbdev_dispatch(mgr, DBDEV_BUS_PIO, port, (void *)data, len,
			      true);
}
EXPORT_SYMBOL_GPL(dbdev_pio_write);

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
	dev->staged = false;
}
EXPORT_SYMBOL_GPL(dbdev_device_init);

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
EXPORT_SYMBOL_GPL(dbdev_device_resources);

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
EXPORT_SYMBOL_GPL(dbdev_device_trapped);

static int dbdev_range_cmp(const void *a, const void *b)
{
	const struct dbdev_range *x = a, *y = b;

	if (x->bus != y->bus)
		return x->bus < y->bus ? -1 : 1;
	if (x->base != y->base)
		return x->base < y->base ? -1 : 1;
	return 0;
}

static bool dbdev_ops_cover(const struct dbdev_device_ops *ops,
			    enum dbdev_res_type type)
{
	if (type == DBDEV_RES_PIO)
		return ops->pio_read && ops->pio_write;
	if (type == DBDEV_RES_MMIO)
		return ops->read && ops->write;
	return true;
}

/*
 * Check a registration request and build its binding: a copy of the
 * resources and one bus entry per PIO or MMIO range, sorted, with overlaps
 * inside the request refused.  Nothing is shared yet.
 */
static struct dbdev_binding *dbdev_binding_create(struct dbdev_device *dev,
						  const struct dbdev_resource *res,
						  unsigned int nr)
{
	struct dbdev_resource *assigned, *trapped;
	struct dbdev_binding *b;
	unsigned int i, nr_trapped = 0;
	int err;

	if (!dev->ops || (nr && !res))
		return ERR_PTR(-EINVAL);
	if (nr > DBDEV_MAX_RESOURCES)
		return ERR_PTR(-E2BIG);
	for (i = 0; i < nr; i++) {
		err = dbdev_resource_validate(&res[i]);
		if (err)
			return ERR_PTR(err);
		if (!dbdev_ops_cover(dev->ops, res[i].type))
			return ERR_PTR(-EINVAL);
		if (res[i].type == DBDEV_RES_PIO ||
		    res[i].type == DBDEV_RES_MMIO)
			nr_trapped++;
	}

	b = kzalloc(struct_size(b, ranges, nr_trapped) +
		    (nr + nr_trapped) * sizeof(*res), GFP_KERNEL_ACCOUNT);
	if (!b)
		return ERR_PTR(-ENOMEM);
	assigned = (struct dbdev_resource *)&b->ranges[nr_trapped];
	trapped = assigned + nr;
	b->assigned = (struct dbdev_resources){ assigned, nr };
	b->trapped = (struct dbdev_resources){ trapped, nr_trapped };
	memcpy(assigned, res, nr * sizeof(*res));

	for (i = 0, nr_trapped = 0; i < nr; i++) {
		struct dbdev_range *r = &b->ranges[nr_trapped];

		if (res[i].type != DBDEV_RES_PIO &&
		    res[i].type != DBDEV_RES_MMIO)
			continue;
		trapped[nr_trapped++] = res[i];
		r->base = res[i].range.base;
		r->last = res[i].range.base + res[i].range.size - 1;
		r->dev = dev;
		r->bus = res[i].type == DBDEV_RES_PIO ? DBDEV_BUS_PIO :
							DBDEV_BUS_MMIO;
	}

	sort(b->ranges, nr_trapped, sizeof(b->ranges[0]), dbdev_range_cmp,
	     NULL);
	for (i = 1; i < nr_trapped; i++) {
		if (b->ranges[i].bus == b->ranges[i - 1].bus &&
		    b->ranges[i].base <= b->ranges[i - 1].last) {
			kfree(b);
			return ERR_PTR(-EEXIST);
		}
	}
	return b;
}

static void dbdev_binding_free_rcu(struct rcu_head *head)
{
	kfree(container_of(head, struct dbdev_binding, rcu));
}

/* ------------------------------------------------------------------------
 * Staging and publishing changes
 *
 * Every change is first made in the staged copy of the buses, where the
 * checks of later steps see it, and recorded as a step.  Publishing flips
 * dispatchers onto the staged copy and replays the steps on the other one.
 */

struct dbdev_tx_op {
	struct list_head node;
	struct dbdev_device *dev;
	bool add;
};

static void dbdev_apply(struct dbdev_manager *mgr, enum dbdev_copy copy,
			struct dbdev_binding *b, bool add)
{
	unsigned int i;

	for (i = 0; i < b->trapped.nr; i++) {
		struct dbdev_range *r = &b->ranges[i];

		if (add)
			dbdev_buses_insert(&mgr->buses, copy, r);
		else
			dbdev_buses_erase(&mgr->buses, copy, r);
	}
}

static int dbdev_stage_register(struct dbdev_manager *mgr,
				struct dbdev_device *dev,
				struct dbdev_binding *b)
{
	unsigned int i;

	lockdep_assert_held(&mgr->lock);
	if (dev->mgr)
		return -EBUSY;
	for (i = 0; i < b->trapped.nr; i++) {
		const struct dbdev_range *r = &b->ranges[i];

		if (dbdev_buses_conflict(&mgr->buses, DBDEV_COPY_STAGED,
					 r->bus, r->base, r->last))
			return -EEXIST;
	}
	dbdev_apply(mgr, DBDEV_COPY_STAGED, b, true);
	dev->mgr = mgr;
	dev->binding = b;
	dev->staged = true;
	list_add_tail(&dev->node, &mgr->devices);
	return 0;
}

static int dbdev_stage_unregister(struct dbdev_manager *mgr,
				  struct dbdev_device *dev)
{
	lockdep_assert_held(&mgr->lock);
	if (dev->mgr != mgr || !dev->staged)
		return -ENOENT;
	dbdev_apply(mgr, DBDEV_COPY_STAGED, dev->binding, false);
	dev->staged = false;
	return 0;
}

/* Unbind @dev and queue its binding on @dead, to be freed after a grace. */
static void dbdev_detach(struct dbdev_device *dev, struct list_head *dead)
{
	list_add_tail(&dev->binding->dead, dead);
	list_del_init(&dev->node);
	WRITE_ONCE(dev->binding, NULL);
	dev->mgr = NULL;
	dev->staged = false;
}

/* Make the staged state of @ops visible at once; unbind what it removed. */
static void dbdev_publish(struct dbdev_manager *mgr, struct list_head *ops,
			  struct list_head *dead)
{
	struct dbdev_tx_op *op;

	lockdep_assert_held(&mgr->lock);
	dbdev_buses_flip(&mgr->buses);
	list_for_each_entry(op, ops, node)
		dbdev_apply(mgr, DBDEV_COPY_PUBLISHED, op->dev->binding, op->add);
	dbdev_buses_flip(&mgr->buses);

	list_for_each_entry(op, ops, node)
		if (!op->add)
			dbdev_detach(op->dev, dead);
}

/* Undo @ops in the staged copy, newest first; unbind what they added. */
static void dbdev_unstage(struct dbdev_manager *mgr, struct list_head *ops,
			  struct list_head *dead)
{
	struct dbdev_tx_op *op;

	lockdep_assert_held(&mgr->lock);
	list_for_each_entry_reverse(op, ops, node) {
		dbdev_apply(mgr, DBDEV_COPY_STAGED, op->dev->binding, !op->add);
		op->dev->staged = !op->add;
	}
	list_for_each_entry(op, ops, node)
		if (op->add)
			dbdev_detach(op->dev, dead);
}

/*
 * Free the bindings on @dead.  With @wait, first wait until no dispatch can
 * still be inside their devices; callers drop mgr->lock before.
 */
static void dbdev_reap(struct dbdev_manager *mgr, struct list_head *dead,
		       bool wait)
{
	struct dbdev_binding *b, *tmp;

	if (list_empty(dead))
		return;
	if (wait)
		synchronize_srcu(&mgr->srcu);
	list_for_each_entry_safe(b, tmp, dead, dead) {
		if (wait)
			kfree(b);
		else
			call_srcu(&mgr->srcu, &b->rcu, dbdev_binding_free_rcu);
	}
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

/**
 * dbdev_register() - put a device on the buses of a manager
 * @mgr: the VM's manager
 * @dev: the device, set up with dbdev_device_init()
 * @res: its resources; copied, so the caller may reuse the array
 * @nr: how many
 *
 * The device lands on the PIO bus for each port range and on the MMIO bus
 * for each MMIO range, all at once or not at all.  Other resource kinds are
 * recorded for dbdev_device_resources().
 *
 * Context: process context; takes the manager's lock.  May be called from a
 * device callback.
 * Return: 0; -EINVAL for an invalid resource or a range without the
 * callbacks to serve it; -E2BIG for more than %DBDEV_MAX_RESOURCES; -EEXIST
 * if a range overlaps another on the same bus; -EBUSY if @dev is already
 * registered or a transaction is open; -ENOMEM.  On error nothing changed.
 */
int dbdev_register(struct dbdev_manager *mgr, struct dbdev_device *dev,
		   const struct dbdev_resource *res, unsigned int nr)
{
	struct dbdev_tx_op op = { .dev = dev, .add = true };
	struct dbdev_binding *b;
	LIST_HEAD(ops);
	int err;

	b = dbdev_binding_create(dev, res, nr);
	if (IS_ERR(b))
		return PTR_ERR(b);

	mutex_lock(&mgr->lock);
	err = mgr->tx.open ? -EBUSY : dbdev_stage_register(mgr, dev, b);
	if (!err) {
		list_add(&op.node, &ops);
		dbdev_publish(mgr, &ops, NULL);
	}
	mutex_unlock(&mgr->lock);

	if (err)
		kfree(b);
	return err;
}
EXPORT_SYMBOL_GPL(dbdev_register);

/**
 * dbdev_unregister() - take a device off the buses of its manager
 * @mgr: the manager it was registered with
 * @dev: the device
 *
 * When this returns 0, no callback of @dev is running and none will start:
 * the driver may free it.
 *
 * Context: process context, not from a device callback; sleeps for an SRCU
 * grace period.
 * Return: 0; -ENOENT if @dev is not registered with @mgr; -EBUSY if a
 * transaction is open; -EDEADLK if called from a device callback.
 */
int dbdev_unregister(struct dbdev_manager *mgr, struct dbdev_device *dev)
{
	struct dbdev_tx_op op = { .dev = dev, .add = false };
	LIST_HEAD(dead);
	LIST_HEAD(ops);
	int err;

	if (dbdev_in_callback())
		return -EDEADLK;

	mutex_lock(&mgr->lock);
	err = mgr->tx.open ? -EBUSY : dbdev_stage_unregister(mgr, dev);
	if (!err) {
		list_add(&op.node, &ops);
		dbdev_publish(mgr, &ops, &dead);
	}
	mutex_unlock(&mgr->lock);

	dbdev_reap(mgr, &dead, true);
	return err;
}
EXPORT_SYMBOL_GPL(dbdev_unregister);

/**
 * dbdev_tx_begin() - open a transaction on a manager
 * @mgr: the VM's manager
 *
 * Until dbdev_tx_commit() or dbdev_tx_cancel(), dispatch keeps seeing the
 * state before the transaction, and dbdev_register() and dbdev_unregister()
 * on @mgr fail with -EBUSY rather than wait.
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
EXPORT_SYMBOL_GPL(dbdev_tx_begin);

static struct dbdev_manager *dbdev_tx_manager(struct dbdev_tx *tx)
{
	return container_of(tx, struct dbdev_manager, tx);
}

/* Record a staged step, or drop it if staging failed. */
static int dbdev_tx_step(struct dbdev_tx *tx, struct dbdev_device *dev,
			 struct dbdev_binding *b)
{
	struct dbdev_manager *mgr = dbdev_tx_manager(tx);
	struct dbdev_tx_op *op;
	int err;

	op = kmalloc(sizeof(*op), GFP_KERNEL_ACCOUNT);
	if (!op)
		return -ENOMEM;
	op->dev = dev;
	op->add = !!b;

	mutex_lock(&mgr->lock);
	if (WARN_ON_ONCE(!tx->open))
		err = -EINVAL;
	else if (b)
		err = dbdev_stage_register(mgr, dev, b);
	else
		err = dbdev_stage_unregister(mgr, dev);
	if (!err)
		list_add_tail(&op->node, &tx->ops);
	mutex_unlock(&mgr->lock);

	if (err)
		kfree(op);
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
 * unregistered in @tx cannot be registered again before the commit.
 *
 * Return: as dbdev_register(), but never -EBUSY for the open transaction.
 */
int dbdev_tx_register(struct dbdev_tx *tx, struct dbdev_device *dev,
		      const struct dbdev_resource *res, unsigned int nr)
{
	struct dbdev_binding *b;
	int err;

	b = dbdev_binding_create(dev, res, nr);
	if (IS_ERR(b))
		return PTR_ERR(b);
	err = dbdev_tx_step(tx, dev, b);
	if (err)
		kfree(b);
	return err;
}
EXPORT_SYMBOL_GPL(dbdev_tx_register);

/**
 * dbdev_tx_unregister() - unregister a device inside a transaction
 * @tx: the open transaction
 * @dev: the device, registered as the earlier steps of @tx leave it
 *
 * Dispatch keeps reaching @dev until dbdev_tx_commit().
 *
 * Return: 0, -ENOENT if @dev is not registered in the transaction's view,
 * or -ENOMEM.
 */
int dbdev_tx_unregister(struct dbdev_tx *tx, struct dbdev_device *dev)
{
	return dbdev_tx_step(tx, dev, NULL);
}
EXPORT_SYMBOL_GPL(dbdev_tx_unregister);

/**
 * dbdev_tx_commit() - publish every step of a transaction at once
 * @tx: the open transaction
 *
 * A concurrent dispatch sees either the whole state before the transaction
 * or the whole state after it.  When this returns 0, no callback of a
 * device unregistered in @tx is running or will start.
 *
 * Context: process context, not from a device callback; may sleep for an
 * SRCU grace period.
 * Return: 0, or -EDEADLK from a device callback (the transaction stays
 * open).
 */
int dbdev_tx_commit(struct dbdev_tx *tx)
{
	struct dbdev_manager *mgr = dbdev_tx_manager(tx);
	LIST_HEAD(dead);

	if (dbdev_in_callback())
		return -EDEADLK;

	mutex_lock(&mgr->lock);
	if (!WARN_ON_ONCE(!tx->open)) {
		dbdev_publish(mgr, &tx->ops, &dead);
		dbdev_tx_close(tx);
	}
	mutex_unlock(&mgr->lock);

	dbdev_reap(mgr, &dead, true);
	return 0;
}
EXPORT_SYMBOL_GPL(dbdev_tx_commit);

/**
 * dbdev_tx_cancel() - drop every step of a transaction
 * @tx: the open transaction
 *
 * Devices registered in @tx are unregistered again, devices unregistered in
 * it stay registered; dispatch never saw any of it.
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
	}
	mutex_unlock(&mgr->lock);

	dbdev_reap(mgr, &dead, false);
}
EXPORT_SYMBOL_GPL(dbdev_tx_cancel);

/* ------------------------------------------------------------------------
 * Managers
 */

/**
 * dbdev_manager_create() - create the I/O manager of a VM
 *
 * Context: process context; the memory is charged to the caller's memory
 * cgroup.
 * Return: the manager, with empty buses, or ERR_PTR(-ENOMEM).
 */
struct dbdev_manager *dbdev_manager_create(void)
{
	struct dbdev_manager *mgr;
	int err;

	mgr = kzalloc(sizeof(*mgr), GFP_KERNEL_ACCOUNT);
	if (!mgr)
		return ERR_PTR(-ENOMEM);
	err = init_srcu_struct(&mgr->srcu);
	if (err) {
		kfree(mgr);
		return ERR_PTR(err);
	}
	dbdev_buses_init(&mgr->buses);
	mutex_init(&mgr->lock);
	INIT_LIST_HEAD(&mgr->devices);
	INIT_LIST_HEAD(&mgr->tx.ops);
	return mgr;
}
EXPORT_SYMBOL_GPL(dbdev_manager_create);

/**
 * dbdev_manager_destroy() - tear down the I/O manager of a VM
 * @mgr: the manager
 *
 * Cancels an open transaction, unregisters every device, waits until none
 * of their callbacks runs, then calls each one's ->release() and frees
 * everything.  The caller must not dispatch on @mgr any more.
 *
 * Context: process context, not from a device callback.
 */
void dbdev_manager_destroy(struct dbdev_manager *mgr)
{
	struct dbdev_device *dev, *tmp;
	LIST_HEAD(dead);
	LIST_HEAD(gone);

	if (WARN_ON_ONCE(dbdev_in_callback()))
		return;

	mutex_lock(&mgr->lock);
	if (mgr->tx.open) {
		dbdev_unstage(mgr, &mgr->tx.ops, &dead);
		dbdev_tx_close(&mgr->tx);
	}
	dbdev_buses_clear(&mgr->buses);
	list_for_each_entry_safe(dev, tmp, &mgr->devices, node) {
		dbdev_detach(dev, &dead);
		list_add_tail(&dev->node, &gone);
	}
	mutex_unlock(&mgr->lock);

	dbdev_reap(mgr, &dead, true);
	list_for_each_entry_safe(dev, tmp, &gone, node) {
		list_del_init(&dev->node);
		if (dev->ops->release)
			dev->ops->release(dev);
	}
	srcu_barrier(&mgr->srcu);
	cleanup_srcu_struct(&mgr->srcu);
	mutex_destroy(&mgr->lock);
	kfree(mgr);
}
EXPORT_SYMBOL_GPL(dbdev_manager_destroy);

MODULE_DESCRIPTION("dbdev: in-kernel device bus for virtual machines");
MODULE_LICENSE("GPL");
