/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dbdev internals shared by the core, the buses and the KUnit suites.
 */
#ifndef _DBDEV_INTERNAL_H
#define _DBDEV_INTERNAL_H

#include <linux/rbtree.h>
#include <linux/seqlock.h>
#include <linux/srcu.h>

#include "dbdev.h"

enum dbdev_bus_id {
	DBDEV_BUS_PIO,
	DBDEV_BUS_MMIO,
	DBDEV_NR_BUSES,
};

/*
 * Every bus tree exists twice (see dbdev_bus.c).  Outside a commit the
 * sequence count is even and dispatchers read the published copy; the
 * staged copy belongs to the writer, which builds the next state there.
 */
enum dbdev_copy {
	DBDEV_COPY_PUBLISHED,
	DBDEV_COPY_STAGED,
	DBDEV_NR_COPIES,
};

/**
 * struct dbdev_range - one registered range on one bus
 * @rb: node in the published and in the staged tree of @bus
 * @base: first address
 * @last: last address (inclusive, so a range may end at U64_MAX)
 * @dev: the device that owns it
 * @bus: the bus it is on
 *
 * Immutable once inserted; freed only after an SRCU grace period.
 */
struct dbdev_range {
	struct rb_node rb[DBDEV_NR_COPIES];
	u64 base;
	u64 last;
	struct dbdev_device *dev;
	enum dbdev_bus_id bus;
};

/**
 * struct dbdev_buses - the PIO and MMIO buses of one manager
 * @seq: latch sequence count: its low bit picks the copy dispatchers read
 * @root: per bus, the published and the staged tree
 */
struct dbdev_buses {
	seqcount_latch_t seq;
	struct rb_root root[DBDEV_NR_BUSES][DBDEV_NR_COPIES];
};

void dbdev_buses_init(struct dbdev_buses *b);
const struct dbdev_range *dbdev_buses_lookup(const struct dbdev_buses *b,
					     enum dbdev_bus_id bus, u64 addr);
struct dbdev_range *dbdev_buses_conflict(const struct dbdev_buses *b,
					 enum dbdev_copy copy,
					 enum dbdev_bus_id bus,
					 u64 base, u64 last);
void dbdev_buses_insert(struct dbdev_buses *b, enum dbdev_copy copy,
			struct dbdev_range *r);
void dbdev_buses_erase(struct dbdev_buses *b, enum dbdev_copy copy,
		       struct dbdev_range *r);
void dbdev_buses_flip(struct dbdev_buses *b);
void dbdev_buses_clear(struct dbdev_buses *b);

/**
 * struct dbdev_binding - what one registration of a device put in place
 * @rcu: for freeing after an SRCU grace period
 * @dead: entry on a list of bindings to free
 * @assigned: the resources as registered, in order
 * @trapped: the PIO and MMIO ones among them, in order
 * @ranges: the bus entries, one per trapped resource
 *
 * The two resource arrays follow @ranges in the same allocation.
 */
struct dbdev_binding {
	struct rcu_head rcu;
	struct list_head dead;
	struct dbdev_resources assigned;
	struct dbdev_resources trapped;
	struct dbdev_range ranges[];
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
 * @srcu: covers each dispatch from lookup to the callback's return
 * @lock: serialises writers: registration, transactions, teardown
 * @devices: every device bound to this manager, via &dbdev_device.node
 * @tx: the transaction, if one is open
 */
struct dbdev_manager {
	struct dbdev_buses buses;
	struct srcu_struct srcu;

	struct mutex lock ____cacheline_aligned_in_smp;
	struct list_head devices;
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

#endif /* _DBDEV_INTERNAL_H */
