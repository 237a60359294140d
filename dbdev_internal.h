/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dbdev internals shared by the core, the buses and the KUnit suites.
 */
#ifndef _DBDEV_INTERNAL_H
#define _DBDEV_INTERNAL_H

#include <linux/errno.h>
#include <linux/rbtree.h>
#include <linux/srcu.h>
#include <linux/workqueue.h>

#include "dbdev.h"

extern struct srcu_struct dbdev_srcu;

/* dbdev_dispatch() under a dbdev_srcu read side the (ioctl) caller holds */
int dbdev_dispatch_held(struct dbdev_caller *caller, enum dbdev_bus bus,
			u64 addr, void *data, unsigned int len, bool write,
			int *result);

/**
 * struct dbdev_range - one range of a binding, as the binding keeps it
 * @base: first address
 * @last: last address (inclusive, so a range may end at U64_MAX)
 * @bus: the bus it is on
 *
 * The writer's record of what to put on, or take off, a bus.  Dispatch
 * never reads it: it finds what it needs in the bus's leaves.
 */
struct dbdev_range {
	u64 base;
	u64 last;
	enum dbdev_bus bus;
};

/**
 * struct dbdev_slot - what a dispatch finds for a range, in a bus leaf
 * @last: last address of the range; its base is the leaf's key
 * @dev: the device, with %DBDEV_SLOT_SERIALIZED set if the core takes its
 *	 io_lock around each callback
 * @ops: the device's callbacks
 * @stats: the device's I/O counters
 *
 * All a dispatch reads of a range and of its device but the counters
 * themselves, so that it touches no line of the device's own.
 */
struct dbdev_slot {
	u64 last;
	unsigned long dev;
	const struct dbdev_device_ops *ops;
	struct dbdev_io_stats __percpu *stats;
};

#define DBDEV_SLOT_SERIALIZED	1UL

/*
 * @err as a syscall's caller would see it: a restart code, which a wait
 * interrupted by a signal returns on its way out to the syscall's end, is
 * -EINTR (dbdev restarts neither a device's access nor KVM_RUN).
 */
static inline long dbdev_restart_errno(long err)
{
	switch (err) {
	case -ERESTARTSYS:
	case -ERESTARTNOINTR:
	case -ERESTARTNOHAND:
	case -ERESTART_RESTARTBLOCK:
		return -EINTR;
	default:
		return err;
	}
}

static inline struct dbdev_device *dbdev_slot_dev(const struct dbdev_slot *s)
{
	return (struct dbdev_device *)(s->dev & ~DBDEV_SLOT_SERIALIZED);
}

static inline struct mutex *dbdev_slot_lock(const struct dbdev_slot *s)
{
	return s->dev & DBDEV_SLOT_SERIALIZED ? &dbdev_slot_dev(s)->io_lock :
						NULL;
}

struct dbdev_view;
union dbdev_bnode;

/**
 * struct dbdev_buses - the PIO and MMIO buses of one manager
 * @view: what dispatch reads: the root of each bus's tree, published
 * @next: the state being staged, or %NULL while it equals @view
 * @gen: nodes stamped with it belong to @next and may change in place
 * @spare: free nodes, reserved so that a change in progress cannot fail
 * @nr_spare: how many
 * @spare_view: a free view, for the next change to stage into
 * @dead: replaced views waiting for a grace period, oldest first
 * @nr_dead: how many
 * @idle: frees them if no change comes to
 *
 * See dbdev_bus.c.
 */
struct dbdev_buses {
	struct dbdev_view __rcu *view;
	struct dbdev_view *next;
	u64 gen;
	union dbdev_bnode *spare;
	unsigned int nr_spare;
	struct dbdev_view *spare_view;
	struct list_head dead;
	unsigned int nr_dead;
	struct delayed_work idle;
};

int dbdev_buses_init(struct dbdev_buses *b);
void dbdev_buses_destroy(struct dbdev_buses *b);
const struct dbdev_slot *dbdev_buses_lookup(const struct dbdev_buses *b,
					    enum dbdev_bus bus, u64 addr,
					    u64 *base,
					    struct dbdev_caller_hint *hint);
const struct dbdev_slot *dbdev_buses_conflict(struct dbdev_buses *b,
					      enum dbdev_bus bus, u64 base,
					      u64 last, u64 *hit_base);
int dbdev_buses_insert(struct dbdev_buses *b, const struct dbdev_range *r,
		       struct dbdev_device *dev,
		       struct dbdev_io_stats __percpu *stats);
int dbdev_buses_reserve_erase(struct dbdev_buses *b, unsigned int nr,
			      gfp_t gfp);
void dbdev_buses_erase(struct dbdev_buses *b, const struct dbdev_range *r);
struct dbdev_view *dbdev_buses_publish(struct dbdev_buses *b);
void dbdev_buses_cancel(struct dbdev_buses *b);
void dbdev_buses_free_view(struct dbdev_view *v);
void dbdev_buses_retire(struct dbdev_buses *b, struct dbdev_view *v);
void dbdev_buses_release_dead(struct dbdev_buses *b);
void dbdev_buses_quiesce(struct dbdev_buses *b);
void dbdev_buses_reclaim_flush(void);
size_t dbdev_buses_index_bytes(struct dbdev_buses *b);

/*
 * Resource pools (dbdev_alloc.c).  The MMIO pools are consecutive, one per
 * configured window.
 */
enum dbdev_pool_id {
	DBDEV_POOL_PIO,
	DBDEV_POOL_MMIO,
	DBDEV_POOL_MEM = DBDEV_POOL_MMIO + DBDEV_MAX_MMIO_WINDOWS,
	DBDEV_POOL_LEGACY_IRQ,
	DBDEV_POOL_MSI,
	DBDEV_POOL_KVM_SLOT,
	DBDEV_POOL_MAC,
	DBDEV_NR_POOLS,
};

/**
 * struct dbdev_pool - one window of addresses or numbers and what is used
 * @root: the extents in use, keyed by base, augmented with @max_gap
 * @lo: first number of the window
 * @hi: last number of the window
 */
struct dbdev_pool {
	struct rb_root root;
	u64 lo;
	u64 hi;
};

struct dbdev_binding;

/**
 * struct dbdev_extent - numbers in use in a pool, for one resource
 * @rb: node in the pool's tree
 * @base: first number
 * @last: last number, inclusive
 * @gap: how many free numbers lie just below @base
 * @max_gap: the largest @gap in the subtree
 * @pool: the pool, or %NULL for a resource outside every pool
 * @owner: the binding the extent belongs to
 * @marked: scratch flag of dbdev_free()
 * @taken: for a registered device's extent, the extent of the grant it was
 *	   handed over from, while the registration can still be undone
 */
struct dbdev_extent {
	struct rb_node rb;
	u64 base;
	u64 last;
	u64 gap;
	u64 max_gap;
	struct dbdev_pool *pool;
	struct dbdev_binding *owner;
	bool marked;
	struct dbdev_extent *taken;
};

/**
 * struct dbdev_pools - every pool of a manager
 * @pool: indexed by &enum dbdev_pool_id
 * @cfg: the configuration they were built from
 */
struct dbdev_pools {
	struct dbdev_pool pool[DBDEV_NR_POOLS];
	struct dbdev_pool_config cfg;
};

int dbdev_pools_configure(struct dbdev_pools *p,
			  const struct dbdev_pool_config *cfg);
int dbdev_pools_reserve(struct dbdev_pools *p, const struct dbdev_resource *r,
			struct dbdev_extent *e);
int dbdev_pools_alloc(struct dbdev_pools *p,
		      const struct dbdev_constraint *con, unsigned int nr,
		      struct dbdev_resource *res, struct dbdev_extent *ext);
void dbdev_pools_release(struct dbdev_extent *e);
void dbdev_pools_restore(struct dbdev_extent *e);
struct dbdev_extent *dbdev_pools_find(struct dbdev_pools *p,
				      const struct dbdev_resource *r);
struct dbdev_extent *dbdev_pools_overlap(struct dbdev_pools *p,
					 const struct dbdev_resource *r);
const struct dbdev_resource *dbdev_pools_holder(struct dbdev_pools *p,
						const struct dbdev_extent *e);
unsigned int dbdev_con_outputs(const struct dbdev_constraint *con);
unsigned int dbdev_res_extents(const struct dbdev_resource *r);

/**
 * struct dbdev_binding - the resources of one registration or allocation
 * @rcu: for freeing after an SRCU grace period
 * @link: on the manager's grant list, or on a list of bindings to free
 * @dev: the registered device, or %NULL for a grant of dbdev_alloc()
 * @live: for a grant, how many of its extents are not yet freed
 * @assigned: the resources, in order
 * @trapped: the PIO and MMIO ones among them, in order
 * @ranges: the bus entries, one per trapped resource, in an allocation of
 *	    their own; %NULL for a grant
 * @ext: the pool extents: one per resource placed by the allocator, or
 *	 dbdev_res_extents() per explicit resource, some unused
 * @nr_ext: how many
 * @io_stats: the I/O counters of the device that left its manager with
 *	      this binding, freed with it
 *
 * The other arrays follow the structure in the same allocation.
 */
struct dbdev_binding {
	struct rcu_head rcu;
	struct list_head link;
	struct dbdev_device *dev;
	unsigned int live;
	struct dbdev_resources assigned;
	struct dbdev_resources trapped;
	struct dbdev_range *ranges;
	struct dbdev_extent *ext;
	unsigned int nr_ext;
	struct dbdev_io_stats __percpu *io_stats;
};

/**
 * struct dbdev_tx - the open transaction of a manager
 * @ops: the staged steps, oldest first (struct dbdev_tx_op)
 * @open: between dbdev_tx_begin() and commit or cancel
 */
struct dbdev_tx {
	struct list_head ops;
	bool open;
};

/**
 * struct dbdev_manager - the I/O manager of one VM
 * @buses: the PIO and MMIO buses, read by every dispatch
 * @lock: serialises writers: registration, transactions, teardown
 * @devices: every device bound to this manager, via &dbdev_device.node
 * @grants: the bindings of dbdev_alloc() not yet wholly freed or taken
 * @nr_grants: how many, at most @max_grants
 * @max_grants: the limit: none for the kernel API, one for each context of
 *		/dev/dbdev (see dbdev_manager_limit_grants())
 * @pools: the resource pools of the allocator
 * @tx: the transaction, if one is open
 */
struct dbdev_manager {
	struct dbdev_buses buses;

	struct mutex lock ____cacheline_aligned_in_smp;
	struct list_head devices;
	struct list_head grants;
	unsigned int nr_grants;
	unsigned int max_grants;
	struct dbdev_pools pools;
	struct dbdev_tx tx;
};

static inline enum dbdev_msi_type dbdev_con_msi_type(enum dbdev_con_type t)
{
	switch (t) {
	case DBDEV_CON_PCI_MSI:
		return DBDEV_MSI_PCI;
	case DBDEV_CON_PCI_MSIX:
		return DBDEV_MSI_PCI_MSIX;
	case DBDEV_CON_GENERIC_MSI:
		return DBDEV_MSI_GENERIC;
	default:
		return DBDEV_MSI_NR_TYPES;
	}
}

/*
 * Interrupts (dbdev_irq.c).  What a device signals: one of its legacy
 * lines, one of its MSI vectors, or its notification to the VMM.
 */
enum dbdev_irq_kind {
	DBDEV_IRQ_LINE,
	DBDEV_IRQ_MSI,
	DBDEV_IRQ_NOTIFY,
	DBDEV_NR_IRQ_KINDS,
};

/**
 * struct dbdev_irq_sink - where one line, vector or notification goes
 * @fire: signal it: a line rose (or is still high after a resample), a
 *	  vector was sent, the device notified.  Called in any context but
 *	  NMI, under rcu_read_lock(); must not sleep.
 * @release: free the sink; called once, in process context, when no
 *	     @fire runs any more
 * @dev: the device, set by dbdev_irq_connect()
 * @kind: what of @dev the sink is connected to
 * @index: which line or vector
 * @node: for dbdev_irq_disconnect_all()
 */
struct dbdev_irq_sink {
	void (*fire)(struct dbdev_irq_sink *sink);
	void (*release)(struct dbdev_irq_sink *sink);
	struct dbdev_device *dev;
	enum dbdev_irq_kind kind;
	unsigned int index;
	struct list_head node;
};

int dbdev_irq_connect(struct dbdev_device *dev, enum dbdev_irq_kind kind,
		      unsigned int index, struct dbdev_irq_sink *sink);
int dbdev_irq_disconnect(struct dbdev_device *dev, enum dbdev_irq_kind kind,
			 unsigned int index);
void dbdev_irq_disconnect_all(struct dbdev_device *dev);
void dbdev_irq_resample(struct dbdev_irq_sink *sink);
int dbdev_irq_eventfd(struct dbdev_device *dev, enum dbdev_irq_kind kind,
		      unsigned int index, int fd, int resample_fd);

/**
 * struct dbdev_kvm - what DBDEV_KVM_RUN keeps for one context
 * @is_vm: kvm.ko's file_is_kvm(), taken with symbol_get() by the first
 *	   call that checks a vCPU's VM and put with the context (%NULL
 *	   until then): kvm.ko stays while the context uses it
 * @runs: calls that got past the checks and called KVM_RUN
 * @served_pio: port-I/O exits served in the kernel
 * @served_mmio: MMIO exits served in the kernel
 * @exits: returns for an exit left to the VMM ...
 * @exits_unowned: ... for an access no device owns
 * @signals: returns for KVM_RUN's -EINTR
 * @kvm_errors: returns for another error of KVM_RUN
 * @io_errors: returns for an access that failed
 *
 * The counters are updated once per call, not per exit.
 */
struct dbdev_kvm {
	bool (*is_vm)(struct file *file);
	atomic64_t runs;
	atomic64_t served_pio;
	atomic64_t served_mmio;
	atomic64_t exits;
	atomic64_t exits_unowned;
	atomic64_t signals;
	atomic64_t kvm_errors;
	atomic64_t io_errors;
};

struct dbdev_kvm_run;

/* dbdev_kvm.c, for x86 kernels with KVM */
#define DBDEV_HAVE_KVM_RUN	(IS_ENABLED(CONFIG_KVM) && IS_ENABLED(CONFIG_X86))
#if DBDEV_HAVE_KVM_RUN
int dbdev_kvm_run(struct dbdev_manager *mgr, struct dbdev_kvm *kvm,
		  struct dbdev_kvm_run *arg);
void dbdev_kvm_release(struct dbdev_kvm *kvm);
#else
static inline int dbdev_kvm_run(struct dbdev_manager *mgr,
				struct dbdev_kvm *kvm,
				struct dbdev_kvm_run *arg)
{
	return -EOPNOTSUPP;
}

static inline void dbdev_kvm_release(struct dbdev_kvm *kvm)
{
}
#endif

void dbdev_manager_limit_grants(struct dbdev_manager *mgr, unsigned int max);

/* Module parts, set up by dbdev_init() in dbdev_core.c. */
int dbdev_chardev_init(void);
void dbdev_chardev_exit(void);

#endif /* _DBDEV_INTERNAL_H */
