/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dbdev - an in-kernel device bus for virtual machines.
 *
 * A device emulation driver embeds a struct dbdev_device in its own state,
 * gives it a static const struct dbdev_device_ops and registers it with the
 * I/O manager of a VM (struct dbdev_manager) together with the list of
 * resources it was assigned.  The manager routes each port-I/O or MMIO access
 * to the device whose range contains the whole access.
 *
 * Dispatch (dbdev_mmio_read() and friends) is lock-free: it may run on any
 * number of CPUs at once, beside registration, unregistration and
 * transactions, and it writes no shared cache line unless the device asked
 * to be serialised.  Dispatch and every device callback run in process
 * context and may sleep.
 *
 * The API is exported in the symbol namespace DBDEV_NS: a driver says
 * MODULE_IMPORT_NS(DBDEV_NS).
 */
#ifndef _DBDEV_H
#define _DBDEV_H

#include <linux/atomic.h>
#include <linux/bitmap.h>
#include <linux/if_ether.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/types.h>
#include <linux/xarray.h>

/*
 * DBDEV_NS - the symbol namespace of dbdev's exports, a bare word as the
 * export and import macros of the kernels dbdev builds for (6.1 to 6.12)
 * take it
 */
#define DBDEV_NS	DBDEV

/* ------------------------------------------------------------------------
 * Resources
 */

/**
 * enum dbdev_res_type - kind of a resource assigned to a device
 * @DBDEV_RES_PIO: port-I/O range, inside the 16-bit port space
 * @DBDEV_RES_MMIO: guest-physical MMIO range
 * @DBDEV_RES_MEM: guest-physical memory range (not trapped)
 * @DBDEV_RES_LEGACY_IRQ: one legacy (INTx / ISA) interrupt line
 * @DBDEV_RES_MSI: a block of message-signalled interrupt vectors
 * @DBDEV_RES_KVM_SLOT: one KVM memory slot
 * @DBDEV_RES_MAC: an Ethernet MAC address
 * @DBDEV_RES_NR_TYPES: number of kinds
 */
enum dbdev_res_type {
	DBDEV_RES_PIO,
	DBDEV_RES_MMIO,
	DBDEV_RES_MEM,
	DBDEV_RES_LEGACY_IRQ,
	DBDEV_RES_MSI,
	DBDEV_RES_KVM_SLOT,
	DBDEV_RES_MAC,
	DBDEV_RES_NR_TYPES,
};

/**
 * enum dbdev_msi_type - flavour of an MSI block
 * @DBDEV_MSI_PCI: PCI MSI (at most 32 vectors)
 * @DBDEV_MSI_PCI_MSIX: PCI MSI-X (at most 2048 vectors)
 * @DBDEV_MSI_GENERIC: platform MSI / GSIs (e.g. virtio-mmio)
 * @DBDEV_MSI_NR_TYPES: number of flavours
 */
enum dbdev_msi_type {
	DBDEV_MSI_PCI,
	DBDEV_MSI_PCI_MSIX,
	DBDEV_MSI_GENERIC,
	DBDEV_MSI_NR_TYPES,
};

/** DBDEV_PIO_LIMIT - size of the port-I/O address space */
#define DBDEV_PIO_LIMIT		0x10000ULL
/** DBDEV_PCI_MSI_MAX - most vectors in a PCI MSI block */
#define DBDEV_PCI_MSI_MAX	32
/** DBDEV_PCI_MSIX_MAX - most vectors in a PCI MSI-X block */
#define DBDEV_PCI_MSIX_MAX	2048
/** DBDEV_MAX_RESOURCES - most resources in one registration */
#define DBDEV_MAX_RESOURCES	64

/**
 * struct dbdev_resource - one resource assigned to a device
 * @type: which member of the union is valid
 * @range: base and size in bytes, for %DBDEV_RES_PIO, %DBDEV_RES_MMIO and
 *	   %DBDEV_RES_MEM
 * @range.base: first address
 * @range.size: length in bytes, not zero
 * @irq: the line, for %DBDEV_RES_LEGACY_IRQ
 * @msi: the vector block, for %DBDEV_RES_MSI
 * @msi.type: PCI MSI, PCI MSI-X or generic
 * @msi.base: first vector
 * @msi.size: number of vectors, not zero
 * @slot: the slot number, for %DBDEV_RES_KVM_SLOT
 * @mac: the address, for %DBDEV_RES_MAC
 */
struct dbdev_resource {
	enum dbdev_res_type type;
	union {
		struct {
			u64 base;
			u64 size;
		} range;
		u32 irq;
		struct {
			enum dbdev_msi_type type;
			u32 base;
			u32 size;
		} msi;
		u32 slot;
		u8 mac[ETH_ALEN];
	};
};

#define DBDEV_RES_RANGE(t, b, s) \
	((struct dbdev_resource){ .type = (t), .range = { (b), (s) } })
/** DBDEV_PIO(b, s) - port-I/O range of @s ports at @b */
#define DBDEV_PIO(b, s)		DBDEV_RES_RANGE(DBDEV_RES_PIO, b, s)
/** DBDEV_MMIO(b, s) - MMIO range of @s bytes at @b */
#define DBDEV_MMIO(b, s)	DBDEV_RES_RANGE(DBDEV_RES_MMIO, b, s)
/** DBDEV_MEM(b, s) - memory range of @s bytes at @b */
#define DBDEV_MEM(b, s)		DBDEV_RES_RANGE(DBDEV_RES_MEM, b, s)
/** DBDEV_LEGACY_IRQ(n) - legacy interrupt line @n */
#define DBDEV_LEGACY_IRQ(n) \
	((struct dbdev_resource){ .type = DBDEV_RES_LEGACY_IRQ, .irq = (n) })
/** DBDEV_MSI(t, b, s) - MSI block of type @t, @s vectors from @b */
#define DBDEV_MSI(t, b, s) \
	((struct dbdev_resource){ .type = DBDEV_RES_MSI, \
				  .msi = { (t), (b), (s) } })
/** DBDEV_KVM_SLOT(n) - KVM memory slot @n */
#define DBDEV_KVM_SLOT(n) \
	((struct dbdev_resource){ .type = DBDEV_RES_KVM_SLOT, .slot = (n) })

/**
 * struct dbdev_resources - an ordered, read-only list of resources
 * @res: the entries
 * @nr: how many
 *
 * A view: it does not own @res.
 */
struct dbdev_resources {
	const struct dbdev_resource *res;
	unsigned int nr;
};

int dbdev_resource_validate(const struct dbdev_resource *res);
unsigned int dbdev_res_count(const struct dbdev_resources *list,
			     enum dbdev_res_type type);
const struct dbdev_resource *dbdev_res_nth(const struct dbdev_resources *list,
					   enum dbdev_res_type type,
					   unsigned int n);
const struct dbdev_resource *dbdev_res_msi(const struct dbdev_resources *list,
					   enum dbdev_msi_type type);

/**
 * dbdev_res_next() - the next resource of one type, for dbdev_for_each_res()
 * @list: the list
 * @type: the type
 * @i: index to start from; left at the entry found
 *
 * Return: the entry, or %NULL if none is left.
 */
static inline const struct dbdev_resource *
dbdev_res_next(const struct dbdev_resources *list, enum dbdev_res_type type,
	       unsigned int *i)
{
	for (; *i < list->nr; (*i)++)
		if (list->res[*i].type == type)
			return &list->res[*i];
	return NULL;
}

/**
 * dbdev_for_each_res() - walk the resources of one type, in list order
 * @r: const struct dbdev_resource * cursor
 * @list: the list
 * @type: the &enum dbdev_res_type to visit
 */
#define dbdev_for_each_res(r, list, type)				\
	for (unsigned int __i = 0;					\
	     ((r) = dbdev_res_next(list, type, &__i)); __i++)

/* ------------------------------------------------------------------------
 * Constraints: what a device needs before it knows where
 */

/**
 * enum dbdev_con_type - kind of a resource constraint
 * @DBDEV_CON_PIO: port-I/O range of a size and alignment
 * @DBDEV_CON_MMIO: MMIO range of a size and alignment
 * @DBDEV_CON_MEM: memory range of a size and alignment
 * @DBDEV_CON_LEGACY_IRQ: one legacy interrupt line, optionally a fixed one
 * @DBDEV_CON_PCI_MSI: a PCI MSI block of @size vectors
 * @DBDEV_CON_PCI_MSIX: a PCI MSI-X block of @size vectors
 * @DBDEV_CON_GENERIC_MSI: a generic MSI block of @size vectors
 * @DBDEV_CON_KVM_SLOT: @size KVM memory slots, optionally from a fixed one
 * @DBDEV_CON_MAC: one MAC address from the manager's pool
 * @DBDEV_CON_NR_TYPES: number of kinds
 */
enum dbdev_con_type {
	DBDEV_CON_PIO,
	DBDEV_CON_MMIO,
	DBDEV_CON_MEM,
	DBDEV_CON_LEGACY_IRQ,
	DBDEV_CON_PCI_MSI,
	DBDEV_CON_PCI_MSIX,
	DBDEV_CON_GENERIC_MSI,
	DBDEV_CON_KVM_SLOT,
	DBDEV_CON_MAC,
	DBDEV_CON_NR_TYPES,
};

/* struct dbdev_constraint.flags */
/**
 * DBDEV_CON_F_WINDOW - the range must lie inside [@min, @max]; it is placed
 * where that window meets a pool of its kind
 */
#define DBDEV_CON_F_WINDOW	BIT(0)
/** DBDEV_CON_F_FIXED - the IRQ or first slot must be exactly @fixed */
#define DBDEV_CON_F_FIXED	BIT(1)

/** DBDEV_PIO_ALIGN - default alignment of a port-I/O constraint */
#define DBDEV_PIO_ALIGN		1
/** DBDEV_MMIO_ALIGN - default alignment of MMIO and memory constraints */
#define DBDEV_MMIO_ALIGN	0x1000

/**
 * struct dbdev_constraint - a resource a device needs, not yet placed
 * @type: the kind
 * @flags: %DBDEV_CON_F_WINDOW (address kinds) and %DBDEV_CON_F_FIXED
 *	   (legacy IRQ and KVM slot); no others
 * @size: bytes for address kinds, vectors for MSI kinds, slots for
 *	  %DBDEV_CON_KVM_SLOT, 1 for %DBDEV_CON_LEGACY_IRQ and %DBDEV_CON_MAC
 * @align: power-of-two alignment of an address kind, 0 otherwise
 * @min: lowest acceptable address of the range, with %DBDEV_CON_F_WINDOW
 * @max: highest acceptable address of the range (inclusive), with
 *	 %DBDEV_CON_F_WINDOW
 * @fixed: the required IRQ or first slot, with %DBDEV_CON_F_FIXED
 *
 * Use the DBDEV_CON_*() initialisers: they fill in the reference defaults
 * (port I/O aligned to 1, MMIO and memory to 0x1000, no window).
 */
struct dbdev_constraint {
	enum dbdev_con_type type;
	u32 flags;
	u64 size;
	u64 align;
	u64 min;
	u64 max;
	u32 fixed;
};

#define DBDEV_CON_ADDR(t, s, a, f, lo, hi) \
	((struct dbdev_constraint){ .type = (t), .size = (s), .align = (a), \
				    .flags = (f), .min = (lo), .max = (hi) })
/** DBDEV_CON_PIO(s) - @s ports anywhere */
#define DBDEV_CON_PIO(s) \
	DBDEV_CON_ADDR(DBDEV_CON_PIO, s, DBDEV_PIO_ALIGN, 0, 0, 0)
/** DBDEV_CON_MMIO(s) - @s bytes of MMIO anywhere, page aligned */
#define DBDEV_CON_MMIO(s) \
	DBDEV_CON_ADDR(DBDEV_CON_MMIO, s, DBDEV_MMIO_ALIGN, 0, 0, 0)
/** DBDEV_CON_MEM(s) - @s bytes of memory anywhere, page aligned */
#define DBDEV_CON_MEM(s) \
	DBDEV_CON_ADDR(DBDEV_CON_MEM, s, DBDEV_MMIO_ALIGN, 0, 0, 0)
/** DBDEV_CON_WINDOW(t, s, a, lo, hi) - @s bytes aligned to @a in [@lo, @hi] */
#define DBDEV_CON_WINDOW(t, s, a, lo, hi) \
	DBDEV_CON_ADDR(t, s, a, DBDEV_CON_F_WINDOW, lo, hi)
/** DBDEV_CON_LEGACY_IRQ() - any legacy interrupt line */
#define DBDEV_CON_LEGACY_IRQ() \
	((struct dbdev_constraint){ .type = DBDEV_CON_LEGACY_IRQ, .size = 1 })
/** DBDEV_CON_LEGACY_IRQ_AT(n) - exactly legacy interrupt line @n */
#define DBDEV_CON_LEGACY_IRQ_AT(n) \
	((struct dbdev_constraint){ .type = DBDEV_CON_LEGACY_IRQ, .size = 1, \
				    .flags = DBDEV_CON_F_FIXED, .fixed = (n) })
/** DBDEV_CON_MSI(t, n) - @n vectors of MSI constraint kind @t */
#define DBDEV_CON_MSI(t, n) \
	((struct dbdev_constraint){ .type = (t), .size = (n) })
/** DBDEV_CON_KVM_SLOTS(n) - @n consecutive KVM slots anywhere */
#define DBDEV_CON_KVM_SLOTS(n) \
	((struct dbdev_constraint){ .type = DBDEV_CON_KVM_SLOT, .size = (n) })
/** DBDEV_CON_KVM_SLOTS_AT(first, n) - @n KVM slots from @first */
#define DBDEV_CON_KVM_SLOTS_AT(first, n) \
	((struct dbdev_constraint){ .type = DBDEV_CON_KVM_SLOT, .size = (n), \
				    .flags = DBDEV_CON_F_FIXED, \
				    .fixed = (first) })

/** DBDEV_CON_MAC() - a MAC address from the manager's pool */
#define DBDEV_CON_MAC() \
	((struct dbdev_constraint){ .type = DBDEV_CON_MAC, .size = 1 })

int dbdev_constraint_validate(const struct dbdev_constraint *con);

/* ------------------------------------------------------------------------
 * Resource pools: where the allocator of a manager places constraints
 */

/**
 * struct dbdev_window - an inclusive range of addresses or numbers
 * @min: first
 * @max: last
 */
struct dbdev_window {
	u64 min;
	u64 max;
};

/** DBDEV_MAX_MMIO_WINDOWS - most MMIO windows of one manager */
#define DBDEV_MAX_MMIO_WINDOWS	4
/** DBDEV_MAC_PREFIX_LEN - bytes of a MAC pool's fixed prefix */
#define DBDEV_MAC_PREFIX_LEN	3

/**
 * struct dbdev_pool_config - the resource pools of one manager (one VM)
 * @pio: port-I/O space; default the whole [0, 0xffff]
 * @mmio: MMIO windows, ascending and disjoint; default two: the 32-bit hole
 *	  [0xd0000000, 0xfebfffff] below the IOAPIC, and the 64-bit window
 *	  [0x8000000000, 0xffffffffff] (512 GiB to 1 TiB, inside 40 physical
 *	  address bits)
 * @nr_mmio: how many of @mmio are used, 1 to %DBDEV_MAX_MMIO_WINDOWS
 * @mem: guest-memory window for device memory; default [4 GiB, 512 GiB)
 * @legacy_irq: legacy interrupt lines; default [5, 23]: the IOAPIC pins
 *		above the timer, keyboard, cascade and the two serial ports
 * @msi: MSI vectors as KVM GSIs; default [24, 4095], above the IOAPIC pins
 *	 and inside KVM's 4096 routes
 * @kvm_slot: KVM memory slots; default [0, 32763], all of x86 KVM's user
 *	      slots
 * @mac_prefix: the first three bytes of every allocated MAC address; must
 *		be a locally administered unicast prefix; default 02:db:de,
 *		which leaves 2^24 addresses
 *
 * Whatever part of an explicitly registered resource lies inside the pools
 * of its kind is marked used there, so the allocator never hands it out; a
 * resource outside every pool is not tracked.
 */
struct dbdev_pool_config {
	struct dbdev_window pio;
	struct dbdev_window mmio[DBDEV_MAX_MMIO_WINDOWS];
	unsigned int nr_mmio;
	struct dbdev_window mem;
	struct dbdev_window legacy_irq;
	struct dbdev_window msi;
	struct dbdev_window kvm_slot;
	u8 mac_prefix[DBDEV_MAC_PREFIX_LEN];
};

/* ------------------------------------------------------------------------
 * Devices
 */

struct dbdev_device;
struct dbdev_manager;
struct dbdev_binding;
struct dbdev_io_stats;
struct dbdev_caller;

/**
 * struct dbdev_device_ops - what a device does
 * @read: MMIO read of @len bytes at @offset inside the range at @base
 * @write: MMIO write of @len bytes at @offset inside the range at @base
 * @pio_read: port-I/O read of @len bytes at @offset inside the range at @base
 * @pio_write: port-I/O write of @len bytes at @offset inside the range at
 *	       @base
 * @release: optional; called once when dbdev_manager_destroy() drops a
 *	     device that was still registered, after its last callback has
 *	     returned.  A driver that unregisters its device itself gets no
 *	     call.
 *
 * @len is 1 to 8 and [@offset, @offset + @len) lies inside the range.  @data
 * is little-endian, as the guest sees it.  A callback returns 0 or a negative
 * errno, which the dispatcher returns to its caller; one that the kernel
 * keeps to itself reaches it as a syscall would return it: a restart code
 * (-ERESTARTSYS from a wait a signal interrupted) as -EINTR, since no
 * access is restarted, -ENOIOCTLCMD as -ENOTTY, -ENOTSUPP as -EOPNOTSUPP,
 * the others (-EPROBE_DEFER, ...) as -EIO.  Callbacks run
 * in process context and may sleep; without %DBDEV_DEVICE_SERIALIZED they
 * may run on several CPUs at once.  @caller is the dispatching thread's
 * (struct dbdev_caller): a callback that accesses a bus itself does so
 * through it, which is how the core catches re-entry.  A device with a
 * port-I/O range must have both port-I/O callbacks, one with an MMIO range
 * both MMIO callbacks.
 */
struct dbdev_device_ops {
	int (*read)(struct dbdev_caller *caller, struct dbdev_device *dev,
		    u64 base, u64 offset, void *data, unsigned int len);
	int (*write)(struct dbdev_caller *caller, struct dbdev_device *dev,
		     u64 base, u64 offset, const void *data, unsigned int len);
	int (*pio_read)(struct dbdev_caller *caller, struct dbdev_device *dev,
			u16 base, u16 offset, void *data, unsigned int len);
	int (*pio_write)(struct dbdev_caller *caller, struct dbdev_device *dev,
			 u16 base, u16 offset, const void *data,
			 unsigned int len);
	void (*release)(struct dbdev_device *dev);
};

/* dbdev_device_init() flags */
/**
 * DBDEV_DEVICE_SERIALIZED - the core runs one callback at a time
 *
 * The core holds a per-device mutex around each callback.  A callback that
 * dispatches to another serialised device holds both; two threads doing
 * that in opposite directions (A to B while B to A) deadlock as with any
 * pair of mutexes, so such devices must agree on an order.  Re-entering
 * the same device from its own callback, through the caller the callback
 * received, is caught (-EDEADLK).
 */
#define DBDEV_DEVICE_SERIALIZED	BIT(0)

/**
 * struct dbdev_irq_stats - what a device's interrupts did
 * @raised: rising edges of its lines and MSI vectors sent
 * @unbound: how many of those found nothing connected to signal
 * @resampled: lines signalled again, still high, after the guest's EOI
 * @notified: dbdev_notify() calls
 */
struct dbdev_irq_stats {
	atomic64_t raised;
	atomic64_t unbound;
	atomic64_t resampled;
	atomic64_t notified;
};

/**
 * struct dbdev_device - a device on a dbdev bus, embedded in driver state
 * @ops: the callbacks
 * @flags: %DBDEV_DEVICE_SERIALIZED or 0
 * @io_lock: held around every callback of a serialised device
 * @mgr: the manager the device is bound to, or %NULL (private)
 * @binding: the resources and bus entries of the registration, as the
 *	     latest step of an open transaction leaves it; %NULL if that
 *	     step unregistered the device (private)
 * @node: entry in the manager's device list (private)
 * @irq_lines: how many legacy interrupt lines @binding has (private)
 * @msi_vectors: how many MSI vectors @binding has (private)
 * @irq_level: bit n is set while line n is high (private)
 * @irq_sinks: what each line, vector and the notification signals
 *	       (private, see dbdev_irq.c)
 * @irq_stats: counters of dbdev_irq_set(), dbdev_msi_send() and
 *	       dbdev_notify() (private)
 * @io_stats: per-CPU counts of the accesses its callbacks served, from its
 *	      first registration until it leaves its manager (private, see
 *	      dbdev_device_io_stats())
 *
 * Initialise with dbdev_device_init().  Everything but @ops and @flags
 * belongs to the core, under the manager's lock; those two are the
 * driver's to set before it registers the device, and stay as they are
 * while it is registered (the core keeps a copy with each range).
 */
struct dbdev_device {
	const struct dbdev_device_ops *ops;
	unsigned int flags;
	struct mutex io_lock;	/* see dbdev_core.c */
	struct dbdev_manager *mgr;
	struct dbdev_binding *binding;
	struct list_head node;
	unsigned int irq_lines;
	unsigned int msi_vectors;
	DECLARE_BITMAP(irq_level, DBDEV_MAX_RESOURCES);
	struct xarray irq_sinks;
	struct dbdev_irq_stats irq_stats;
	struct dbdev_io_stats __percpu *io_stats;
};

void dbdev_device_init(struct dbdev_device *dev,
		       const struct dbdev_device_ops *ops, unsigned int flags);
struct dbdev_resources dbdev_device_resources(const struct dbdev_device *dev);
struct dbdev_resources dbdev_device_trapped(const struct dbdev_device *dev);

/* ------------------------------------------------------------------------
 * Interrupts: a device signals by index into its own resources
 */

int dbdev_irq_set(struct dbdev_device *dev, unsigned int line, bool level);
int dbdev_msi_send(struct dbdev_device *dev, unsigned int vector);
void dbdev_notify(struct dbdev_device *dev);

/* ------------------------------------------------------------------------
 * The I/O manager of one VM
 */

/** DBDEV_MAX_ACCESS - longest single access, in bytes */
#define DBDEV_MAX_ACCESS	8
/**
 * DBDEV_MAX_NESTING - most device callbacks one thread may be inside at once
 * (a callback may dispatch to another device, which may dispatch further)
 */
#define DBDEV_MAX_NESTING	4

/**
 * enum dbdev_bus - the two buses of a manager
 * @DBDEV_BUS_PIO: port I/O, 16-bit addresses
 * @DBDEV_BUS_MMIO: MMIO, guest-physical addresses
 * @DBDEV_NR_BUSES: number of buses
 */
enum dbdev_bus {
	DBDEV_BUS_PIO,
	DBDEV_BUS_MMIO,
	DBDEV_NR_BUSES,
};

struct dbdev_slot;

/**
 * struct dbdev_caller_hint - the range a caller's last access to a bus found
 * @gen: the number of the published view it was found in (no other
 *	 published view of any manager has it); 0 for none
 * @base: the range's base
 * @slot: the core's record of the range
 */
struct dbdev_caller_hint {
	u64 gen;
	u64 base;
	const struct dbdev_slot *slot;
};

/**
 * struct dbdev_caller - a thread that dispatches, and the callbacks it is in
 * @mgr: the manager whose buses its accesses go to
 * @depth: how many device callbacks it is inside
 * @inside: those devices, outermost first
 * @hint: for each bus, the range its last access found
 *
 * The dispatcher owns it, as KVM's exit handlers own their vCPU: a vCPU
 * run loop keeps one per vCPU, an ioctl one on its stack.  Set it up with
 * %DBDEV_CALLER_INIT or dbdev_caller_init(); one thread uses it at a time.
 * Each callback receives the caller of its access and accesses a bus
 * through it, so the core sees a callback re-enter its own device
 * (-EDEADLK) by looking at @inside, without per-CPU or per-task state and
 * without keeping the task on its CPU.  An access that falls in the range
 * the caller's last access to that bus found, while no change to the buses
 * was published since, takes that range without a lookup: devices are
 * mostly accessed in runs.  @depth, @inside and @hint are the core's.
 */
struct dbdev_caller {
	struct dbdev_manager *mgr;
	unsigned int depth;
	const struct dbdev_device *inside[DBDEV_MAX_NESTING];
	struct dbdev_caller_hint hint[DBDEV_NR_BUSES];
};

/**
 * DBDEV_CALLER_INIT - initialiser of a struct dbdev_caller
 * @manager: the manager its accesses go to
 */
#define DBDEV_CALLER_INIT(manager)	{ .mgr = (manager) }

/**
 * dbdev_caller_init() - set up a dispatching thread's caller
 * @caller: the caller
 * @mgr: the manager its accesses go to
 *
 * Sets what the core reads before it writes, and leaves @inside alone: a
 * few stores where %DBDEV_CALLER_INIT clears the whole structure, for a
 * caller set up for each access (on the stack, marked __uninitialized).
 */
static inline void dbdev_caller_init(struct dbdev_caller *caller,
				     struct dbdev_manager *mgr)
{
	unsigned int i;

	caller->mgr = mgr;
	caller->depth = 0;
	for (i = 0; i < DBDEV_NR_BUSES; i++)
		caller->hint[i] = (struct dbdev_caller_hint){};
}

struct dbdev_manager *dbdev_manager_create(void);
void dbdev_manager_destroy(struct dbdev_manager *mgr);

void dbdev_pools_get(struct dbdev_manager *mgr, struct dbdev_pool_config *cfg);
int dbdev_pools_set(struct dbdev_manager *mgr,
		    const struct dbdev_pool_config *cfg);
int dbdev_alloc(struct dbdev_manager *mgr, const struct dbdev_constraint *con,
		unsigned int nr, struct dbdev_resource *res, unsigned int max);
int dbdev_free(struct dbdev_manager *mgr, const struct dbdev_resource *res,
	       unsigned int nr);

int dbdev_register(struct dbdev_manager *mgr, struct dbdev_device *dev,
		   const struct dbdev_resource *res, unsigned int nr);
int dbdev_register_alloc(struct dbdev_manager *mgr, struct dbdev_device *dev,
			 const struct dbdev_constraint *con, unsigned int nr);
int dbdev_unregister(struct dbdev_manager *mgr, struct dbdev_device *dev);

/*
 * Transactions.  One may be open per manager; the handle is valid from
 * dbdev_tx_begin() to dbdev_tx_commit() or dbdev_tx_cancel().
 */
struct dbdev_tx;

struct dbdev_tx *dbdev_tx_begin(struct dbdev_manager *mgr);
int dbdev_tx_register(struct dbdev_tx *tx, struct dbdev_device *dev,
		      const struct dbdev_resource *res, unsigned int nr);
int dbdev_tx_register_alloc(struct dbdev_tx *tx, struct dbdev_device *dev,
			    const struct dbdev_constraint *con, unsigned int nr);
int dbdev_tx_unregister(struct dbdev_tx *tx, struct dbdev_device *dev);
int dbdev_tx_commit(struct dbdev_tx *tx);
void dbdev_tx_cancel(struct dbdev_tx *tx);

/**
 * struct dbdev_io_stats - the accesses a device's callbacks served
 * @reads: reads, per bus
 * @writes: writes, per bus
 * @errors: of those, the ones its callback failed, per bus
 *
 * Accesses the core refused before calling the device are not counted.
 */
struct dbdev_io_stats {
	u64 reads[DBDEV_NR_BUSES];
	u64 writes[DBDEV_NR_BUSES];
	u64 errors[DBDEV_NR_BUSES];
};

void dbdev_device_io_stats(const struct dbdev_device *dev,
			   struct dbdev_io_stats *sum);

/*
 * Dispatch.  Errors of the core, each distinct from the others:
 *   -EINVAL   @len is 0 or more than DBDEV_MAX_ACCESS;
 *   -ENODEV   no registered range contains @addr;
 *   -ERANGE   the access starts inside a range but runs past its end;
 *   -EDEADLK  the access would re-enter a device whose callback its caller
 *	       is inside, or nest deeper than DBDEV_MAX_NESTING.
 * In each of these cases no device is called.  Otherwise a device was
 * called and its result counts: 0 or a negative errno down to -MAX_ERRNO
 * (anything else is a driver bug, reported once, and becomes -EIO).
 * dbdev_dispatch() keeps the two apart; dbdev_mmio_read() and friends
 * return whichever there is, for callers to whom the difference does not
 * matter.
 */
int dbdev_dispatch(struct dbdev_caller *caller, enum dbdev_bus bus, u64 addr,
		   void *data, unsigned int len, bool write, int *result);
int dbdev_mmio_read(struct dbdev_caller *caller, u64 addr, void *data,
		    unsigned int len);
int dbdev_mmio_write(struct dbdev_caller *caller, u64 addr, const void *data,
		     unsigned int len);
int dbdev_pio_read(struct dbdev_caller *caller, u16 port, void *data,
		   unsigned int len);
int dbdev_pio_write(struct dbdev_caller *caller, u16 port, const void *data,
		    unsigned int len);

bool dbdev_conflict(struct dbdev_manager *mgr, const struct dbdev_resource *res,
		    struct dbdev_resource *hit, struct dbdev_device **owner);

/* ------------------------------------------------------------------------
 * Device types: what userspace instantiates through /dev/dbdev
 */

/**
 * enum dbdev_field_format - how tools show and parse a field
 * @DBDEV_FIELD_UINT: an unsigned integer of 1, 2, 4 or 8 bytes, in decimal
 * @DBDEV_FIELD_HEX: the same, in hexadecimal
 * @DBDEV_FIELD_INT: a signed integer of 1, 2, 4 or 8 bytes
 * @DBDEV_FIELD_BYTES: bytes
 */
enum dbdev_field_format {
	DBDEV_FIELD_UINT,
	DBDEV_FIELD_HEX,
	DBDEV_FIELD_INT,
	DBDEV_FIELD_BYTES,
};

/**
 * struct dbdev_field - one field of a structure that a device type takes or
 * gives (its parameters, a command's input or answer), described for tools
 * such as dbdevctl, little-endian as in the ABI
 * @name: what a tool calls it: short, letters, digits and '_'
 * @offset: where it is in the structure
 * @size: its bytes
 * @format: how to show it
 */
struct dbdev_field {
	const char *name;
	u16 offset;
	u16 size;
	enum dbdev_field_format format;
};

/**
 * struct dbdev_layout - a structure of fields
 * @fields: the fields worth showing or setting, in any order
 * @nr: how many
 * @size: the structure's size
 */
struct dbdev_layout {
	const struct dbdev_field *fields;
	unsigned int nr;
	size_t size;
};

/* struct dbdev_ctl_desc.flags */
/** DBDEV_CTL_IN_BYTES - after its input structure, if any, bytes follow */
#define DBDEV_CTL_IN_BYTES	BIT(0)
/** DBDEV_CTL_OUT_BYTES - after its answer's head, if any, bytes follow */
#define DBDEV_CTL_OUT_BYTES	BIT(1)

/**
 * struct dbdev_ctl_desc - one command of a device type, described
 * @op: its number (DBDEV_DEVICE_CTL's op)
 * @name: what a tool calls it
 * @flags: %DBDEV_CTL_IN_BYTES, %DBDEV_CTL_OUT_BYTES
 * @in: its input structure (size 0: none)
 * @out: the head of its answer (size 0: none)
 * @each: the records that follow that head, as many as fit (size 0: none)
 */
struct dbdev_ctl_desc {
	u32 op;
	const char *name;
	unsigned int flags;
	struct dbdev_layout in;
	struct dbdev_layout out;
	struct dbdev_layout each;
};

/**
 * struct dbdev_type - a kind of device that /dev/dbdev can create
 * @name: unique, at most 31 characters
 * @owner: THIS_MODULE; pinned while a device of the type exists, so the
 *	   driver cannot be unloaded under its devices
 * @params_size: size of the type's parameter structure, which starts with
 *		 its __u32 size (argsz) as the ioctl structures do; 0 if the
 *		 type takes no parameters.  At most %DBDEV_TYPE_PARAMS_MAX.
 * @params_min: the size of that structure's first version, from 4 to
 *		@params_size: userspace built for it keeps working when the
 *		structure grows
 * @params: optional; the fields of the parameter structure that can be
 *	    set (its size is @params_size), for tools
 * @nr_params: how many
 * @ctls: optional; @ctl's commands, described for tools
 * @nr_ctls: how many
 * @create: make a device, initialised with dbdev_device_init() and not
 *	    registered; return it or an ERR_PTR().  @params is %NULL when
 *	    userspace gave none, else @params_size bytes that the core took
 *	    from userspace as it takes an ioctl structure (at least
 *	    @params_min bytes, argsz equal to their number, an unknown tail
 *	    zero) and zero-extended; their values are unchecked.  @params is
 *	    freed when @create returns.
 * @destroy: free a device from @create once it is unregistered and none of
 *	     its callbacks runs
 * @ctl: optional; a command of the type (DBDEV_DEVICE_CTL): @buf holds
 *	 @in_len bytes of input and has room for @out_max bytes of answer;
 *	 return the answer's length or a negative errno.
 * @reset: optional; put the device in the state it had when @create made
 *	   it, keeping its resources; a line it held high goes low
 * @state_version: with @save and @restore: the version of the state @save
 *		   writes, from 1
 * @save: optional, with @restore: with @buf %NULL, return the most bytes
 *	  the device's state can take; else write the state into @buf, which
 *	  has that many bytes (@len), and return its length; or a negative
 *	  errno
 * @restore: load @len bytes that @save wrote at @version (1 to
 *	     @state_version) into a device made with the same parameters:
 *	     untrusted, so check all of it and change nothing unless all is
 *	     valid; return 0, -EINVAL for a state it refuses, or another
 *	     negative errno
 * @node: in the list of types (private)
 *
 * @ctl, @reset, @save and @restore run in process context, beside the
 * device's callbacks, or, for a %DBDEV_DEVICE_SERIALIZED device, under the
 * same lock as its callbacks.  Devices of a type must not set
 * &dbdev_device_ops.release: the core calls @destroy.
 */
struct dbdev_type {
	const char *name;
	struct module *owner;
	size_t params_size;
	size_t params_min;
	const struct dbdev_field *params;
	unsigned int nr_params;
	const struct dbdev_ctl_desc *ctls;
	unsigned int nr_ctls;
	struct dbdev_device *(*create)(const void *params);
	void (*destroy)(struct dbdev_device *dev);
	long (*ctl)(struct dbdev_device *dev, u32 op, void *buf,
		    size_t in_len, size_t out_max);
	int (*reset)(struct dbdev_device *dev);
	u32 state_version;
	long (*save)(struct dbdev_device *dev, void *buf, size_t len);
	int (*restore)(struct dbdev_device *dev, u32 version, const void *buf,
		       size_t len);
	struct list_head node;
};

/** DBDEV_TYPE_PARAMS_MAX - largest parameter structure of a device type */
#define DBDEV_TYPE_PARAMS_MAX	4096

int dbdev_type_register(struct dbdev_type *type);
void dbdev_type_unregister(struct dbdev_type *type);

#endif /* _DBDEV_H */
