/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * dbdev userspace ABI: the ioctls of /dev/dbdev.
 *
 * Each open() of /dev/dbdev is one context, the device model of one VM: its
 * own I/O manager with a PIO and an MMIO bus, and its own resource pools.
 * Closing the file tears all of it down; one context never sees another's
 * devices.
 *
 * Every argument structure starts with its size (argsz, set by the caller
 * to sizeof() as it knows it), so the ioctl numbers carry none.  Structures
 * only grow, at their end: the kernel accepts any size from the first
 * version's (DBDEV_*_SIZE_VER0) up to a page, reads fields the caller did
 * not pass as zero, requires the bytes it does not know to be zero (else
 * -E2BIG), and writes back no more than argsz bytes.  A size below the
 * first version's is -EINVAL.  Reserved fields and unknown flags must be
 * zero (-EINVAL); counts over the limits below are -E2BIG.
 * Pointers are __u64.  Bad pointers give -EFAULT.  A failed call changes
 * nothing unless its description says otherwise.
 *
 * Errors every ioctl may return: -ENOTTY for an unknown ioctl, -EINVAL,
 * -EFAULT, -ENOMEM; -EBADF for an ioctl that changes the context, or runs
 * its devices, on a file opened without write access (a read-only file
 * may only look: the queries, LIST, the statistics, GET_POOLS and
 * DEVICE_SAVE).
 *
 * Limits of a context: at most max_devices devices (a module parameter,
 * 1024 by default; -EMFILE beyond), each with at most DBDEV_MAX_ITEMS
 * resources and its type's own bounded state; all the kernel memory a
 * context uses is charged to the memory cgroup of the process that made
 * it allocate.  /dev/dbdev is root-only (mode 0600) by default; the udev
 * rule of `make install` gives it to the kvm group (0660), as /dev/kvm.
 */
#ifndef _UAPI_LINUX_DBDEV_H
#define _UAPI_LINUX_DBDEV_H

#include <linux/ioctl.h>
#include <linux/types.h>

/*
 * 0xD6 has no entry in Documentation/userspace-api/ioctl/ioctl-number.rst
 * (checked from Linux 6.1 to mainline) and no kernel header uses it; the
 * neighbours 0xDA and 0xDB (mwave) are taken.
 */
#define DBDEV_IOC_MAGIC		0xD6

/* Limits */
#define DBDEV_MAX_ITEMS		64	/* resources or constraints per device */
#define DBDEV_TYPE_NAME_LEN	32	/* including the terminating NUL */
#define DBDEV_NAME_LEN		32	/* a device's name, with its NUL */
#define DBDEV_PARAMS_MAX	4096	/* bytes of a device type's parameters */
#define DBDEV_IO_MAX_BYTES	4096	/* size * count of one access */
#define DBDEV_BATCH_MAX		256	/* accesses in one DBDEV_IO_BATCH */
#define DBDEV_CTL_MAX		65536	/* bytes in or out of one DBDEV_DEVICE_CTL */
#define DBDEV_STATE_MAX		(1U << 20)	/* bytes of a saved device state */
#define DBDEV_DESCRIBE_MAX	64	/* fields of a structure, commands of a type */
#define DBDEV_FIELD_NAME_LEN	32	/* a field's or a command's name, with NUL */
#define DBDEV_UMMIO_WINDOWS	4	/* MMIO windows of a context's pools */

/* struct dbdev_uresource.type */
#define DBDEV_UR_PIO		0	/* base, size: ports */
#define DBDEV_UR_MMIO		1	/* base, size: guest-physical bytes */
#define DBDEV_UR_MEM		2	/* base, size: guest-physical bytes */
#define DBDEV_UR_LEGACY_IRQ	3	/* base: the line */
#define DBDEV_UR_MSI		4	/* msi_type; base, size: vectors */
#define DBDEV_UR_KVM_SLOT	5	/* base: the slot */
/* base: the address; 02:db:de:00:00:01 is 0x02dbde000001 */
#define DBDEV_UR_MAC		6

/* struct dbdev_uresource.msi_type */
#define DBDEV_UMSI_PCI		0
#define DBDEV_UMSI_PCI_MSIX	1
#define DBDEV_UMSI_GENERIC	2

/**
 * struct dbdev_uresource - one resource of a device
 * @type: DBDEV_UR_*
 * @msi_type: DBDEV_UMSI_* for DBDEV_UR_MSI, else 0
 * @base: first address or number, as @type says
 * @size: length of a range or MSI block; 0 for the single-number kinds
 * @reserved: 0
 */
struct dbdev_uresource {
	__u32 type;
	__u32 msi_type;
	__u64 base;
	__u64 size;
	__u64 reserved;
};

/* struct dbdev_uconstraint.type */
#define DBDEV_UC_PIO		0
#define DBDEV_UC_MMIO		1
#define DBDEV_UC_MEM		2
#define DBDEV_UC_LEGACY_IRQ	3
#define DBDEV_UC_PCI_MSI	4
#define DBDEV_UC_PCI_MSIX	5
#define DBDEV_UC_GENERIC_MSI	6
#define DBDEV_UC_KVM_SLOT	7
#define DBDEV_UC_MAC		8

/* struct dbdev_uconstraint.flags */
#define DBDEV_UC_WINDOW		(1U << 0)	/* address kinds: inside [min, max] */
#define DBDEV_UC_FIXED		(1U << 1)	/* IRQ, KVM slot: exactly @fixed */

/**
 * struct dbdev_uconstraint - a resource a device needs, not yet placed
 * @type: DBDEV_UC_*
 * @flags: DBDEV_UC_WINDOW, DBDEV_UC_FIXED
 * @size: bytes, vectors or slots; 1 (or 0) for a legacy IRQ or a MAC
 * @align: power of two for the address kinds, 0 for the default (1 for
 *	   port I/O, 0x1000 for MMIO and memory); 0 for the other kinds
 * @min: first acceptable address, with DBDEV_UC_WINDOW
 * @max: last acceptable address (inclusive), with DBDEV_UC_WINDOW: the
 *	 range is placed inside [@min, @max] where that meets a pool of its
 *	 kind (DBDEV_GET_POOLS), so the window need not lie inside one
 * @fixed: the IRQ or first slot, with DBDEV_UC_FIXED
 * @reserved: 0
 */
struct dbdev_uconstraint {
	__u32 type;
	__u32 flags;
	__u64 size;
	__u64 align;
	__u64 min;
	__u64 max;
	__u32 fixed;
	__u32 reserved;
};

/* struct dbdev_create_device.flags */
#define DBDEV_CREATE_CONSTRAINTS	(1U << 0)	/* @items are constraints */

/**
 * struct dbdev_create_device - DBDEV_CREATE_DEVICE
 * @argsz: sizeof(struct dbdev_create_device)
 * @flags: DBDEV_CREATE_CONSTRAINTS, or 0 for explicit resources
 * @type: NUL-terminated name of a registered device type ("dbdev-test", ...)
 * @params: pointer to the type's parameter blob, or 0
 * @params_len: its length, at most DBDEV_PARAMS_MAX
 * @nr_items: how many resources or constraints @items holds, at most
 *	      DBDEV_MAX_ITEMS
 * @items: pointer to struct dbdev_uresource or struct dbdev_uconstraint
 * @assigned: pointer to room for @assigned_max struct dbdev_uresource, or 0
 * @assigned_max: that room; when too small for the answer: -E2BIG and no
 *		  device (a KVM slot constraint of n gives n resources)
 * @id: out: the new device's id, never 0; ids count up and are not
 *	reused at once, and a failed create takes none
 * @nr_assigned: out: how many resources the device got, written to
 *		 @assigned in order
 * @conflict_id: out, with -EEXIST or -EBUSY: the id of the device that
 *		 holds @conflict; 0 if none does
 * @conflict: out, with -EEXIST or -EBUSY: the existing resource in the way,
 *	      whole, as its holder has it; all zero when the request
 *	      conflicts only with itself (the same IRQ asked twice, ...)
 * @name: the device's name in the context: letters, digits, '.', '_', '-'
 *	  and ':', at most 31 of them, the rest of the field zero; all zero
 *	  for a device without a name.  LIST shows it and finds the device
 *	  by it.
 *
 * Creates a device of @type and registers it, with the given resources or
 * with what the context's allocator makes of the given constraints.  A
 * given resource that is exactly one DBDEV_ALLOC reserved is handed over
 * to the device: from then on it is the device's, and goes back to the
 * pool with it.  While
 * a transaction is open the device is part of it: invisible to I/O until
 * DBDEV_TX_COMMIT, gone with DBDEV_TX_CANCEL.  Where the answer goes
 * (this structure, @argsz bytes, and @assigned) must be writable, and is
 * held for the call before anything happens: a create that fails leaves
 * nothing behind, and one that succeeds answers into the memory the
 * buffers had when it began, even if another thread unmaps them meanwhile.
 *
 * Errors: -ENOENT no such type; -EEXIST a range overlaps one on the same
 * bus; -EBUSY a resource is taken in its pool (a fixed IRQ or slot, ...);
 * -ENOSPC a constraint fits nowhere; -E2BIG @assigned_max too small;
 * -EMFILE the context has its maximum of devices; -ENOTUNIQ another
 * device of the context has that name (one destroyed in the open
 * transaction keeps it until the commit); -EINVAL a malformed name,
 * resource or constraint, a port-I/O or MMIO range on a bus the device of
 * the type has no callbacks for, a window that meets no pool of its kind, a
 * fixed IRQ or slot (block) not inside one, or parameters the type refuses.
 */
struct dbdev_create_device {
	__u32 argsz;
	__u32 flags;
	char type[DBDEV_TYPE_NAME_LEN];
	__u64 params;
	__u32 params_len;
	__u32 nr_items;
	__u64 items;
	__u64 assigned;
	__u32 assigned_max;
	__u32 id;
	__u32 nr_assigned;
	__u32 conflict_id;
	struct dbdev_uresource conflict;
	char name[DBDEV_NAME_LEN];
};

/* the size of the first version */
#define DBDEV_CREATE_DEVICE_SIZE_VER0	152

/**
 * struct dbdev_destroy_device - DBDEV_DESTROY_DEVICE
 * @argsz: sizeof(struct dbdev_destroy_device)
 * @id: the device
 * @reserved: 0
 *
 * Unregisters and destroys the device; when the call returns no access
 * reaches it any more.  Inside a transaction it goes at DBDEV_TX_COMMIT
 * and stays with DBDEV_TX_CANCEL; until the commit it works as before:
 * it answers I/O, takes its commands, raises its interrupts and counts
 * (LIST flags it DBDEV_INFO_TX_REMOVED).  Errors: -ENOENT no such device
 * (or already destroyed in the open transaction).
 */
struct dbdev_destroy_device {
	__u32 argsz;
	__u32 id;
	__u64 reserved;
};

/* the size of the first version */
#define DBDEV_DESTROY_DEVICE_SIZE_VER0	16

/* struct dbdev_io.bus and .dir */
#define DBDEV_IO_PIO		0
#define DBDEV_IO_MMIO		1
#define DBDEV_IO_READ		0
#define DBDEV_IO_WRITE		1

/**
 * struct dbdev_io - one access, possibly string (rep) I/O
 * @bus: DBDEV_IO_PIO or DBDEV_IO_MMIO
 * @dir: DBDEV_IO_READ or DBDEV_IO_WRITE
 * @size: bytes per element, 1 to 8
 * @device: in: 0; out: 1 if @result is a device's own (its 0 or errno),
 *	    0 if the core refused the element and called no device
 * @count: elements, at least 1, @size * @count at most DBDEV_IO_MAX_BYTES;
 *	   as KVM_EXIT_IO gives them
 * @addr: port (below 0x10000) or guest-physical address; the addresses
 *	  of the elements of MMIO string I/O must not wrap past 2^64 - 1
 * @data: pointer to @size * @count bytes: read into, or written from
 * @result: out: 0, or the negative errno of the first element that failed:
 *	    the device's own (as a syscall returns it: -EINTR if a signal
 *	    interrupted it), or one of the core (@device 0): -ENODEV no
 *	    device there, -ERANGE the access runs past the end of the range
 *	    (or the device went away in the middle of string I/O)
 * @done: out: how many elements completed before that
 *
 * Port I/O sends every element to @addr, as string I/O does (the port stays,
 * the data advances); MMIO sends element i to @addr + i * @size.  An
 * element whose bytes run past the end of the address space (2 bytes at
 * port 0xffff, or at address 2^64 - 1) is no malformed request: it gets
 * -ERANGE, or -ENODEV with no device at its first byte, as through the
 * kernel API.
 */
struct dbdev_io {
	__u8 bus;
	__u8 dir;
	__u8 size;
	__u8 device;
	__u32 count;
	__u64 addr;
	__u64 data;
	__s32 result;
	__u32 done;
};

/**
 * struct dbdev_io_one - DBDEV_IO
 * @argsz: sizeof(struct dbdev_io_one)
 * @flags: 0
 * @io: the access; its @device, @result and @done are written back, and
 *	nothing else
 *
 * The ioctl itself fails only for a malformed request; what the access
 * did is in @io.result.  (A buffer another thread unmaps or protects
 * while the call runs can make it fail with -EFAULT after the access ran;
 * what the access did to the device stays.)
 */
struct dbdev_io_one {
	__u32 argsz;
	__u32 flags;
	struct dbdev_io io;
};

/* the size of the first version */
#define DBDEV_IO_ONE_SIZE_VER0	40

/**
 * struct dbdev_io_batch - DBDEV_IO_BATCH
 * @argsz: sizeof(struct dbdev_io_batch)
 * @nr: accesses in @ios, 1 to DBDEV_BATCH_MAX
 * @ios: pointer to @nr struct dbdev_io, done in order; each one's @device,
 *	 @result and @done are written back, and nothing else
 * @reserved: 0
 *
 * Every access is checked before the first one runs: one malformed access
 * fails the call (-EINVAL, or -E2BIG for too many bytes) with none done.
 * A failing access does not stop the ones after it.  The kernel gives way
 * to other tasks every few elements, and a process being killed stops
 * after the access it is in.  As for DBDEV_IO, a buffer unmapped or
 * protected by another thread during the call can fail it with -EFAULT
 * after accesses ran.
 */
struct dbdev_io_batch {
	__u32 argsz;
	__u32 nr;
	__u64 ios;
	__u64 reserved;
};

/* the size of the first version */
#define DBDEV_IO_BATCH_SIZE_VER0	24

/* struct dbdev_device_info.flags */
#define DBDEV_INFO_TX_ADDED	(1U << 0)	/* created in the open transaction */
#define DBDEV_INFO_TX_REMOVED	(1U << 1)	/* destroyed in the open transaction */

/**
 * struct dbdev_device_info - one device in DBDEV_LIST_DEVICES
 * @id: its id
 * @nr_resources: how many resources it has
 * @first_resource: index of the first in the resource array of the answer
 * @flags: DBDEV_INFO_*
 * @type: its type's name
 * @name: its name, all zero if it has none
 *
 * The entries of the answer are @info_size bytes apart (see struct
 * dbdev_list_devices), so that this structure can grow.
 */
struct dbdev_device_info {
	__u32 id;
	__u32 nr_resources;
	__u32 first_resource;
	__u32 flags;
	char type[DBDEV_TYPE_NAME_LEN];
	char name[DBDEV_NAME_LEN];
};

/* the size of the first version */
#define DBDEV_DEVICE_INFO_SIZE_VER0	80

/* struct dbdev_list_devices.flags */
#define DBDEV_LIST_NAME		(1U << 0)	/* only the device named @name */

/**
 * struct dbdev_list_devices - DBDEV_LIST_DEVICES
 * @argsz: sizeof(struct dbdev_list_devices)
 * @flags: DBDEV_LIST_NAME
 * @nr_devices: in: room in @devices; out: how many devices there are
 * @nr_resources: in: room in @resources; out: how many resources they have
 * @devices: pointer to struct dbdev_device_info, in ascending id order
 * @resources: pointer to struct dbdev_uresource
 * @info_size: the size of struct dbdev_device_info the caller knows, at
 *	       least DBDEV_DEVICE_INFO_SIZE_VER0; 0 for that size.  Entry i
 *	       is at @devices + i * @info_size; the kernel writes as much of
 *	       each as it knows and zeroes the rest of it.
 * @reserved: 0
 * @name: with DBDEV_LIST_NAME, the name of the device to list, as given
 *	  to DBDEV_CREATE_DEVICE; else all zero
 *
 * Errors: -E2BIG when either room is too small; the counts are written
 * back, nothing else.  -ENOENT with DBDEV_LIST_NAME: no device has that
 * name.
 */
struct dbdev_list_devices {
	__u32 argsz;
	__u32 flags;
	__u32 nr_devices;
	__u32 nr_resources;
	__u64 devices;
	__u64 resources;
	__u32 info_size;
	__u32 reserved;
	char name[DBDEV_NAME_LEN];
};

/* the size of the first version */
#define DBDEV_LIST_DEVICES_SIZE_VER0	72

/**
 * struct dbdev_device_ctl - DBDEV_DEVICE_CTL: a device type's own command
 * @argsz: sizeof(struct dbdev_device_ctl)
 * @id: the device
 * @op: the command, defined by the device's type
 * @in_len: bytes of input at @buf, at most DBDEV_CTL_MAX
 * @out_len: in: room at @buf for the answer, at most DBDEV_CTL_MAX; out:
 *	     bytes written
 * @reserved0: 0
 * @buf: pointer to the input, overwritten by the answer
 * @reserved: 0
 *
 * Errors: -ENOENT no such device; -EOPNOTSUPP the type has no such
 * command; whatever the type returns.  (An answer buffer another thread
 * unmaps or protects while the command runs can fail the call with
 * -EFAULT after the command ran, as for DBDEV_IO.)
 */
struct dbdev_device_ctl {
	__u32 argsz;
	__u32 id;
	__u32 op;
	__u32 in_len;
	__u32 out_len;
	__u32 reserved0;
	__u64 buf;
	__u64 reserved;
};

/* the size of the first version */
#define DBDEV_DEVICE_CTL_SIZE_VER0	40

/**
 * struct dbdev_alloc - DBDEV_ALLOC: reserve resources before their device
 * exists
 * @argsz: sizeof(struct dbdev_alloc)
 * @flags: 0
 * @nr_items: constraints at @items, 1 to DBDEV_MAX_ITEMS
 * @assigned_max: room at @assigned; when too small for the answer: -E2BIG
 *		  and nothing reserved
 * @items: pointer to struct dbdev_uconstraint
 * @assigned: pointer to room for @assigned_max struct dbdev_uresource
 * @nr_assigned: out: how many resources were reserved, written to
 *		 @assigned in constraint order (a KVM slot constraint of n
 *		 gives n)
 * @reserved: 0
 *
 * Places the constraints in the context's pools as DBDEV_CREATE_DEVICE
 * does, all or nothing, and keeps the resources for the VMM: the allocator
 * gives them to nobody else.  A later DBDEV_CREATE_DEVICE with one of them,
 * exactly, as an explicit resource takes it over (allocate first, create
 * later); DBDEV_FREE gives back what was not taken.  Reservations last
 * until freed, taken or the context is closed.  The answer is held as
 * DBDEV_CREATE_DEVICE holds its own: a reservation is always answered.
 *
 * Errors: -EINVAL a malformed constraint, a window that meets no pool of
 * its kind, a fixed IRQ or slot block not inside one; -ENOSPC a constraint
 * fits nowhere; -EBUSY a fixed IRQ or slot is taken, or a transaction is
 * open; -E2BIG @assigned_max too small; -EMFILE the context keeps 4096
 * reservations (calls) already.
 */
struct dbdev_alloc {
	__u32 argsz;
	__u32 flags;
	__u32 nr_items;
	__u32 assigned_max;
	__u64 items;
	__u64 assigned;
	__u32 nr_assigned;
	__u32 reserved;
};

/* the size of the first version */
#define DBDEV_ALLOC_SIZE_VER0		40

/**
 * struct dbdev_free - DBDEV_FREE: give reserved resources back
 * @argsz: sizeof(struct dbdev_free)
 * @nr: resources at @resources, 1 to DBDEV_MAX_ITEMS
 * @resources: pointer to struct dbdev_uresource, each exactly as
 *	       DBDEV_ALLOC gave it
 * @reserved: 0
 *
 * All or nothing.  Errors: -EINVAL a resource is malformed, was not
 * reserved, is free already, is only part of a reservation or is given
 * twice; -EBUSY a device took it over (destroy the device instead), or a
 * transaction is open.
 */
struct dbdev_free {
	__u32 argsz;
	__u32 nr;
	__u64 resources;
	__u64 reserved;
};

/* the size of the first version */
#define DBDEV_FREE_SIZE_VER0		24

/**
 * struct dbdev_uwindow - an inclusive range of addresses or numbers
 * @min: first
 * @max: last
 */
struct dbdev_uwindow {
	__u64 min;
	__u64 max;
};

/**
 * struct dbdev_upools - DBDEV_GET_POOLS, DBDEV_SET_POOLS
 * @argsz: sizeof(struct dbdev_upools)
 * @flags: 0
 * @pio: port window
 * @mmio: MMIO windows, ascending and disjoint
 * @mem: guest-memory window
 * @legacy_irq: legacy IRQ lines
 * @msi: MSI vectors (GSIs)
 * @kvm_slot: KVM memory slots
 * @nr_mmio: used entries of @mmio, 1 to DBDEV_UMMIO_WINDOWS; unused ones 0
 * @mac_prefix: first three bytes of allocated MAC addresses, locally
 *		administered unicast
 * @reserved0: 0
 * @reserved: 0
 *
 * The defaults: port I/O [0, 0xffff]; MMIO [0xd0000000, 0xfebfffff] and
 * [0x8000000000, 0xffffffffff]; memory [0x100000000, 0x7fffffffff]; legacy
 * IRQs [5, 23]; MSI [24, 4095]; KVM slots [0, 32763]; MAC 02:db:de.
 * DBDEV_SET_POOLS works only while the context has no device, no
 * reservation (DBDEV_ALLOC) and no open transaction (-EBUSY otherwise).
 */
struct dbdev_upools {
	__u32 argsz;
	__u32 flags;
	struct dbdev_uwindow pio;
	struct dbdev_uwindow mmio[DBDEV_UMMIO_WINDOWS];
	struct dbdev_uwindow mem;
	struct dbdev_uwindow legacy_irq;
	struct dbdev_uwindow msi;
	struct dbdev_uwindow kvm_slot;
	__u32 nr_mmio;
	__u8 mac_prefix[3];
	__u8 reserved0;
	__u64 reserved[2];
};

/* the size of the first version */
#define DBDEV_UPOOLS_SIZE_VER0	176

/* struct dbdev_device_eventfd.kind */
#define DBDEV_EVENTFD_LINE	0	/* one of the device's legacy IRQ lines */
#define DBDEV_EVENTFD_MSI	1	/* one of its MSI vectors */
#define DBDEV_EVENTFD_NOTIFY	2	/* its notification to the VMM */

/* struct dbdev_device_eventfd.flags */
#define DBDEV_EVENTFD_RESAMPLE	(1U << 0)	/* @resample_fd is given */
#define DBDEV_EVENTFD_DEASSIGN	(1U << 1)	/* disconnect what is there */

/**
 * struct dbdev_device_eventfd - DBDEV_DEVICE_EVENTFD
 * @argsz: sizeof(struct dbdev_device_eventfd)
 * @flags: DBDEV_EVENTFD_RESAMPLE, DBDEV_EVENTFD_DEASSIGN
 * @id: the device
 * @kind: DBDEV_EVENTFD_*
 * @index: a line: its index among the device's DBDEV_UR_LEGACY_IRQ
 *	   resources; a vector: its index counting through the device's
 *	   DBDEV_UR_MSI blocks in their order; 0 for the notification
 * @fd: the eventfd to signal (ignored with DBDEV_EVENTFD_DEASSIGN)
 * @resample_fd: with DBDEV_EVENTFD_RESAMPLE, for a line: an eventfd that
 *		 says the guest acknowledged the interrupt
 * @reserved: 0
 *
 * Connects an eventfd to an interrupt of the device, so that the device
 * interrupts the guest without the VMM: give the same eventfd to KVM_IRQFD
 * for the GSI of the line or of the vector's MSI route.  A line is a level
 * that dbdev keeps: its rising edge signals @fd; with a resample eventfd
 * (KVM_IRQFD with KVM_IRQFD_FLAG_RESAMPLE and the same @resample_fd), each
 * acknowledgment signals @fd again while the device still holds the line
 * high, and a line that is high when it is connected is signalled at once
 * (a count the resample eventfd holds as it connects is then taken for
 * the acknowledgment of that signal; of a line not signalled, dropped).
 * A vector signals @fd each time the device sends it.  The notification
 * signals @fd whenever the device has something for the VMM (the UART
 * sample: bytes the guest transmitted), so that the VMM can wait for it
 * with poll() instead of asking.  An interrupt with nothing connected is
 * counted (DBDEV_DEVICE_STATS), not an error.  Connections go with the
 * device; the eventfds are released when it is destroyed or the context
 * closed.  A device created in an open transaction can be connected at
 * once; it may signal before the commit makes its I/O visible.  One
 * destroyed in it keeps its connections until the commit.  dbdev
 * never both signals and listens to one eventfd, in any context (it would
 * take its own signal for the guest's acknowledgment).
 *
 * Errors: -ENOENT no such device, or nothing connected to disconnect;
 * -EINVAL the device has no such line or vector, @kind or a flag is
 * unknown, a resample eventfd for a vector or the notification, @fd or
 * @resample_fd is not an eventfd, or is one that dbdev listens to (@fd)
 * or signals (@resample_fd), or both are the same; -EBADF @fd or
 * @resample_fd is not open; -EBUSY something is connected there already.
 */
struct dbdev_device_eventfd {
	__u32 argsz;
	__u32 flags;
	__u32 id;
	__u32 kind;
	__u32 index;
	__s32 fd;
	__s32 resample_fd;
	__u32 reserved;
};

/* the size of the first version */
#define DBDEV_DEVICE_EVENTFD_SIZE_VER0	32

/**
 * struct dbdev_device_stats - DBDEV_DEVICE_STATS
 * @argsz: sizeof(struct dbdev_device_stats)
 * @id: the device
 * @irqs: out: rising edges of its lines and vectors it sent
 * @irqs_unbound: out: of those, how many had no eventfd connected
 * @irqs_resampled: out: lines signalled again after an acknowledgment
 * @notifications: out: how often it had something for the VMM, with an
 *		   eventfd connected or not
 * @pio_reads: out: port reads the device served (its callback was called:
 *	       not the accesses the core refused), through DBDEV_IO,
 *	       DBDEV_IO_BATCH, DBDEV_KVM_RUN or another device
 * @pio_writes: out: port writes it served
 * @pio_errors: out: of those reads and writes, the ones it failed
 * @mmio_reads: out: MMIO reads it served
 * @mmio_writes: out: MMIO writes it served
 * @mmio_errors: out: of those, the ones it failed
 *
 * Counts since the device was created; the I/O counters cost its
 * accesses no shared cache line (they are per CPU, summed here).
 * Errors: -ENOENT no such device.
 */
struct dbdev_device_stats {
	__u32 argsz;
	__u32 id;
	__u64 irqs;
	__u64 irqs_unbound;
	__u64 irqs_resampled;
	__u64 notifications;
	__u64 pio_reads;
	__u64 pio_writes;
	__u64 pio_errors;
	__u64 mmio_reads;
	__u64 mmio_writes;
	__u64 mmio_errors;
};

/* the size of the first version */
#define DBDEV_DEVICE_STATS_SIZE_VER0	88

/**
 * struct dbdev_device_reset - DBDEV_DEVICE_RESET
 * @argsz: sizeof(struct dbdev_device_reset)
 * @id: the device
 * @reserved: 0
 *
 * Puts the device in the state it had when it was created (as a reset
 * line would), keeping its resources, name, eventfd connections and
 * counters; an interrupt line it held high goes low.  Errors: -ENOENT no
 * such device; -EOPNOTSUPP its type cannot reset (DBDEV_TYPE_RESET).
 */
struct dbdev_device_reset {
	__u32 argsz;
	__u32 id;
	__u64 reserved;
};

/* the size of the first version */
#define DBDEV_DEVICE_RESET_SIZE_VER0	16

/* struct dbdev_type_info.flags: what the type has */
#define DBDEV_TYPE_CTL		(1U << 0)	/* DBDEV_DEVICE_CTL commands */
#define DBDEV_TYPE_RESET	(1U << 1)	/* DBDEV_DEVICE_RESET */
#define DBDEV_TYPE_STATE	(1U << 2)	/* DBDEV_DEVICE_SAVE, _RESTORE */

/**
 * struct dbdev_type_info - one device type in DBDEV_LIST_TYPES
 * @name: its name, as DBDEV_CREATE_DEVICE takes it
 * @flags: DBDEV_TYPE_*
 * @params_size: the size of its parameter structure, which starts with its
 *		 __u32 argsz as the ioctl structures do; 0 if it takes none
 * @params_min: the size of that structure's first version: what the type
 *		accepts at least
 * @state_version: with DBDEV_TYPE_STATE, the version of the state it
 *		   saves (it restores that one and older ones)
 * @nr_params: the fields of its parameters that DBDEV_DESCRIBE_TYPE gives
 * @nr_ctls: the commands that DBDEV_DESCRIBE_TYPE gives
 * @nr_fields: the fields that DBDEV_DESCRIBE_TYPE gives in all
 * @reserved: 0
 */
struct dbdev_type_info {
	char name[DBDEV_TYPE_NAME_LEN];
	__u32 flags;
	__u32 params_size;
	__u32 params_min;
	__u32 state_version;
	__u32 nr_params;
	__u32 nr_ctls;
	__u32 nr_fields;
	__u32 reserved;
};

/* the size of the first version */
#define DBDEV_TYPE_INFO_SIZE_VER0	64

/**
 * struct dbdev_list_types - DBDEV_LIST_TYPES: the device types loaded
 * @argsz: sizeof(struct dbdev_list_types)
 * @flags: 0
 * @nr_types: in: room in @types; out: how many types there are
 * @info_size: the size of struct dbdev_type_info the caller knows, as
 *	       struct dbdev_list_devices.info_size (0 for the first version)
 * @types: pointer to struct dbdev_type_info, in the order the types were
 *	   registered
 * @reserved: 0
 *
 * Errors: -E2BIG @nr_types too small; the count is written back.
 */
struct dbdev_list_types {
	__u32 argsz;
	__u32 flags;
	__u32 nr_types;
	__u32 info_size;
	__u64 types;
	__u64 reserved;
};

/* the size of the first version */
#define DBDEV_LIST_TYPES_SIZE_VER0	32

/* struct dbdev_ufield.format */
#define DBDEV_UFIELD_UINT	0	/* unsigned, 1, 2, 4 or 8 bytes: decimal */
#define DBDEV_UFIELD_HEX	1	/* the same, shown in hexadecimal */
#define DBDEV_UFIELD_INT	2	/* signed, 1, 2, 4 or 8 bytes */
#define DBDEV_UFIELD_BYTES	3	/* @size bytes */

/**
 * struct dbdev_ufield - one field of a structure a type takes or gives,
 * little-endian
 * @name: what tools call it
 * @offset: where it is in its structure
 * @size: its bytes
 * @format: DBDEV_UFIELD_*
 * @reserved: 0
 */
struct dbdev_ufield {
	char name[DBDEV_FIELD_NAME_LEN];
	__u32 offset;
	__u32 size;
	__u32 format;
	__u32 reserved;
};

/* the size of the first version */
#define DBDEV_UFIELD_SIZE_VER0		48

/* struct dbdev_uctl.flags */
#define DBDEV_UCTL_IN_BYTES	(1U << 0)	/* bytes follow the input structure */
#define DBDEV_UCTL_OUT_BYTES	(1U << 1)	/* bytes follow the answer's head */

/**
 * struct dbdev_uctl - one DBDEV_DEVICE_CTL command of a type
 * @op: its number
 * @flags: DBDEV_UCTL_*
 * @name: what tools call it
 * @in_size: the size of its input structure; 0 if none
 * @out_size: the size of its answer's head; 0 if none
 * @each_size: the size of each record that follows the head, as many as
 *	       there are room for; 0 if none
 * @in_fields: how many fields describe the input structure ...
 * @out_fields: ... the answer's head ...
 * @each_fields: ... and each record
 * @reserved: 0
 *
 * A command's fields come in @fields of struct dbdev_describe_type after
 * those of the parameters and of the commands before it: input, head,
 * record.
 */
struct dbdev_uctl {
	__u32 op;
	__u32 flags;
	char name[DBDEV_FIELD_NAME_LEN];
	__u32 in_size;
	__u32 out_size;
	__u32 each_size;
	__u32 in_fields;
	__u32 out_fields;
	__u32 each_fields;
	__u32 reserved[2];
};

/* the size of the first version */
#define DBDEV_UCTL_SIZE_VER0		72

/**
 * struct dbdev_describe_type - DBDEV_DESCRIBE_TYPE: what a type takes
 * @argsz: sizeof(struct dbdev_describe_type)
 * @flags: 0
 * @type: the type's name
 * @nr_fields: in: room in @fields; out: how many fields there are: the
 *	       parameters' (struct dbdev_type_info.nr_params of them), then
 *	       each command's
 * @nr_ctls: in: room in @ctls; out: how many commands there are
 * @fields: pointer to struct dbdev_ufield
 * @ctls: pointer to struct dbdev_uctl, in the order the type gives them
 * @field_size: the size of struct dbdev_ufield the caller knows (0 for the
 *		first version), as struct dbdev_list_devices.info_size
 * @ctl_size: the same for struct dbdev_uctl
 *
 * What a tool needs to build a type's parameters and commands and to show
 * their answers (dbdevctl --params, ctl).  Errors: -ENOENT no such type;
 * -E2BIG a room too small; the counts are written back.
 */
struct dbdev_describe_type {
	__u32 argsz;
	__u32 flags;
	char type[DBDEV_TYPE_NAME_LEN];
	__u32 nr_fields;
	__u32 nr_ctls;
	__u64 fields;
	__u64 ctls;
	__u32 field_size;
	__u32 ctl_size;
};

/* the size of the first version */
#define DBDEV_DESCRIBE_TYPE_SIZE_VER0	72

/* "DBST", the first bytes of a saved state */
#define DBDEV_STATE_MAGIC	0x54534244

/**
 * struct dbdev_state_header - how a saved device state starts
 * @magic: DBDEV_STATE_MAGIC
 * @version: the version of the type's state layout, from 1
 * @type: the device's type
 * @size: bytes of the type's state that follow this header
 * @reserved: 0
 *
 * The state itself is the type's own, opaque to the VMM; a kernel
 * restores the version its type saves (struct dbdev_type_info) and older
 * ones.
 */
struct dbdev_state_header {
	__u32 magic;
	__u32 version;
	char type[DBDEV_TYPE_NAME_LEN];
	__u32 size;
	__u32 reserved;
};

/**
 * struct dbdev_device_state - DBDEV_DEVICE_SAVE, DBDEV_DEVICE_RESTORE
 * @argsz: sizeof(struct dbdev_device_state)
 * @id: the device
 * @flags: 0
 * @len: SAVE: in: room at @buf; out: the length of the saved state (also
 *	 with -E2BIG, the room it needs).  RESTORE: the length at @buf.
 * @buf: pointer to the saved state: struct dbdev_state_header, then the
 *	 type's state; at most DBDEV_STATE_MAX bytes
 * @reserved: 0
 *
 * DBDEV_DEVICE_SAVE writes the device's state, DBDEV_DEVICE_RESTORE loads
 * one into a device of the same type created with the same parameters
 * (on this context or another, on this machine or another: snapshots and
 * live migration).  Resources, the name and eventfd connections are not
 * part of the state: the VMM creates the device with them and then
 * restores it.  Save a device whose guest is stopped (no vCPU runs, no
 * DBDEV_IO in flight) to have a consistent state.  A restore checks the
 * whole state before it changes anything: a refused state leaves the
 * device as it was.
 *
 * Errors: -ENOENT no such device; -EOPNOTSUPP its type cannot save and
 * restore (DBDEV_TYPE_STATE); SAVE: -E2BIG @len too small; RESTORE:
 * -EINVAL a malformed state, one of another type, or one the type refuses
 * (other parameters, values out of range); -EPROTONOSUPPORT a version of
 * the state newer than the type in this kernel knows.
 */
struct dbdev_device_state {
	__u32 argsz;
	__u32 id;
	__u32 flags;
	__u32 len;
	__u64 buf;
	__u64 reserved;
};

/* the size of the first version */
#define DBDEV_DEVICE_STATE_SIZE_VER0	32

/* struct dbdev_kvm_run.flags */
#define DBDEV_KVM_RUN_VM	(1U << 0)	/* check the vCPU's VM: @vm_fd */

/* struct dbdev_kvm_run.reason: why DBDEV_KVM_RUN returned */
#define DBDEV_KVM_RUN_EXIT	1	/* an exit for the VMM, in kvm_run */
#define DBDEV_KVM_RUN_KVM_ERROR	2	/* KVM_RUN failed with @error */
#define DBDEV_KVM_RUN_IO_ERROR	3	/* the exit's access failed: @error */

/**
 * struct dbdev_kvm_run - DBDEV_KVM_RUN: run a vCPU, serving its accesses
 * to the context's devices in the kernel
 * @argsz: sizeof(struct dbdev_kvm_run)
 * @flags: DBDEV_KVM_RUN_VM
 * @vcpu_fd: the vCPU (from KVM_CREATE_VCPU)
 * @vm_fd: with DBDEV_KVM_RUN_VM: the VM the vCPU must belong to
 * @run: the address of the vCPU's kvm_run area in the caller: mapped from
 *	 @vcpu_fd at offset 0, MAP_SHARED, readable and writable
 * @run_size: its length: at least KVM_GET_VCPU_MMAP_SIZE
 * @reason: out: DBDEV_KVM_RUN_*
 * @error: out: with DBDEV_KVM_RUN_KVM_ERROR, KVM_RUN's negative errno
 *	   (-EINTR for a pending signal or immediate_exit); with
 *	   DBDEV_KVM_RUN_IO_ERROR, the access's, as in struct dbdev_io
 * @done: out: with DBDEV_KVM_RUN_IO_ERROR, the elements of the access
 *	  that completed; read data of those is in place
 * @device: out: with DBDEV_KVM_RUN_IO_ERROR, 1 if @error is the device's
 *	    own, 0 if the core's (struct dbdev_io.device)
 * @served: out: exits this call served in the kernel
 * @reserved: 0
 *
 * Calls KVM_RUN on the vCPU in a loop.  Each KVM_EXIT_IO and KVM_EXIT_MMIO
 * whose access a device of this context owns is served in the kernel,
 * port string I/O of any count included, read data goes into the kvm_run
 * area, and the vCPU runs again.  The call returns only:
 *
 *  - DBDEV_KVM_RUN_EXIT: for any other exit, an access no device of the
 *    context owns among them; kvm_run is exactly as KVM left it, to be
 *    handled as without dbdev.  So is an access of a device that KVM
 *    flags as a bus lock too (x86: KVM_RUN_X86_BUS_LOCK in kvm_run's
 *    flags, with KVM_CAP_X86_BUS_LOCK_EXIT enabled), which the next
 *    KVM_RUN would clear: the VMM sees it, and serves the access itself
 *    (DBDEV_IO);
 *  - DBDEV_KVM_RUN_KVM_ERROR: when KVM_RUN fails, signals included: the
 *    caller's handlers run on the way out, and the next call goes on
 *    where the vCPU stopped.  An exit that was served is complete before
 *    KVM checks for signals, so none is served twice or lost;
 *  - DBDEV_KVM_RUN_IO_ERROR: when a device fails an access (or it runs
 *    past the end of its range): kvm_run holds the exit; the VMM completes
 *    it (the elements after @done, which a read has as KVM left them,
 *    zero) as it sees fit before the next call.
 *
 * The ioctl itself fails, before the vCPU runs, only for arguments it
 * refuses: -EBADF an fd is not open; -EINVAL @vcpu_fd is not a KVM vCPU,
 * @vm_fd not a KVM VM, @run not page aligned, @run_size too small, the
 * @run_size bytes at @run not all user addresses, or the mapping at @run
 * is not all of @vcpu_fd from offset 0; -EXDEV the vCPU
 * belongs to another VM than @vm_fd; -EFAULT nothing mapped at @run;
 * -EACCES the mapping is private or not readable and writable; or the
 * errno of the security module that refuses KVM_RUN on the vCPU;
 * -EOPNOTSUPP in a kernel without KVM (DBDEV_CAP_KVM_RUN is 0).  It
 * never fails with -EINTR.  Each thread runs its own vCPU; several vCPUs
 * of a VM may run at once in one context.  Devices see the data of an
 * access in a buffer of the kernel's, not in the kvm_run area.  A context
 * that checked a vCPU's VM keeps kvm.ko loaded until it is closed.
 *
 * For sandboxes: seccomp filters and strace see this ioctl, not the
 * KVM_RUN calls it makes.  Those are checked by the security module once
 * per call, as the ioctl syscall would check one KVM_RUN.
 */
struct dbdev_kvm_run {
	__u32 argsz;
	__u32 flags;
	__s32 vcpu_fd;
	__s32 vm_fd;
	__u64 run;
	__u64 run_size;
	__u32 reason;
	__s32 error;
	__u32 done;
	__u32 device;
	__u64 served;
	__u64 reserved[2];
};

/* the size of the first version */
#define DBDEV_KVM_RUN_SIZE_VER0	72

/**
 * struct dbdev_stats - DBDEV_GET_STATS: counters of the context
 * @argsz: sizeof(struct dbdev_stats)
 * @flags: 0
 * @kvm_runs: DBDEV_KVM_RUN calls that got past the checks and called
 *	      KVM_RUN (whether or not the guest then ran)
 * @served_pio: KVM_EXIT_IO exits served in the kernel
 * @served_mmio: KVM_EXIT_MMIO exits served in the kernel
 * @exits: calls that returned DBDEV_KVM_RUN_EXIT ...
 * @exits_unowned: ... of which for a port-I/O or MMIO access no device
 *		   owns
 * @signals: calls that returned DBDEV_KVM_RUN_KVM_ERROR with -EINTR
 * @kvm_errors: calls that returned DBDEV_KVM_RUN_KVM_ERROR otherwise
 * @io_errors: calls that returned DBDEV_KVM_RUN_IO_ERROR
 */
struct dbdev_stats {
	__u32 argsz;
	__u32 flags;
	__u64 kvm_runs;
	__u64 served_pio;
	__u64 served_mmio;
	__u64 exits;
	__u64 exits_unowned;
	__u64 signals;
	__u64 kvm_errors;
	__u64 io_errors;
};

/* the size of the first version */
#define DBDEV_STATS_SIZE_VER0	72

/*
 * DBDEV_GET_API_VERSION takes 0 (else -EINVAL) and returns
 * DBDEV_API_VERSION, which changes only if the ABI ever breaks; what it
 * gains is found with DBDEV_CHECK_EXTENSION.
 */
#define DBDEV_API_VERSION	1
#define DBDEV_GET_API_VERSION	_IO(DBDEV_IOC_MAGIC, 0x00)
#define DBDEV_CREATE_DEVICE	_IO(DBDEV_IOC_MAGIC, 0x01)
#define DBDEV_DESTROY_DEVICE	_IO(DBDEV_IOC_MAGIC, 0x02)
#define DBDEV_IO		_IO(DBDEV_IOC_MAGIC, 0x03)
#define DBDEV_IO_BATCH		_IO(DBDEV_IOC_MAGIC, 0x04)
/*
 * Transactions take 0 (-EINVAL otherwise): -EBUSY to begin a second;
 * -ENOENT to end none.
 */
#define DBDEV_TX_BEGIN		_IO(DBDEV_IOC_MAGIC, 0x05)
#define DBDEV_TX_COMMIT		_IO(DBDEV_IOC_MAGIC, 0x06)
#define DBDEV_TX_CANCEL		_IO(DBDEV_IOC_MAGIC, 0x07)
#define DBDEV_LIST_DEVICES	_IO(DBDEV_IOC_MAGIC, 0x08)
#define DBDEV_DEVICE_CTL	_IO(DBDEV_IOC_MAGIC, 0x09)
#define DBDEV_GET_POOLS		_IO(DBDEV_IOC_MAGIC, 0x0a)
#define DBDEV_SET_POOLS		_IO(DBDEV_IOC_MAGIC, 0x0b)
#define DBDEV_DEVICE_EVENTFD	_IO(DBDEV_IOC_MAGIC, 0x0c)
#define DBDEV_DEVICE_STATS	_IO(DBDEV_IOC_MAGIC, 0x0d)
#define DBDEV_KVM_RUN		_IO(DBDEV_IOC_MAGIC, 0x0e)
#define DBDEV_GET_STATS		_IO(DBDEV_IOC_MAGIC, 0x0f)
/*
 * DBDEV_CHECK_EXTENSION takes a DBDEV_CAP_* and returns 0 if the kernel
 * does not know it, else a positive value: 1, or the number the
 * capability describes.  Never an error.
 */
#define DBDEV_CHECK_EXTENSION	_IO(DBDEV_IOC_MAGIC, 0x10)
#define DBDEV_DEVICE_RESET	_IO(DBDEV_IOC_MAGIC, 0x11)
#define DBDEV_DEVICE_SAVE	_IO(DBDEV_IOC_MAGIC, 0x12)
#define DBDEV_DEVICE_RESTORE	_IO(DBDEV_IOC_MAGIC, 0x13)

#define DBDEV_LIST_TYPES	_IO(DBDEV_IOC_MAGIC, 0x14)
#define DBDEV_DESCRIBE_TYPE	_IO(DBDEV_IOC_MAGIC, 0x15)
#define DBDEV_ALLOC		_IO(DBDEV_IOC_MAGIC, 0x16)
#define DBDEV_FREE		_IO(DBDEV_IOC_MAGIC, 0x17)

/* DBDEV_CHECK_EXTENSION capabilities */
/* DBDEV_KVM_RUN works: the kernel has KVM (else -EOPNOTSUPP) */
#define DBDEV_CAP_KVM_RUN	1
#define DBDEV_CAP_EVENTFD	2	/* DBDEV_DEVICE_EVENTFD, _STATS */
#define DBDEV_CAP_MAX_DEVICES	3	/* the most devices of a context */
#define DBDEV_CAP_MAX_ITEMS	4	/* DBDEV_MAX_ITEMS */
#define DBDEV_CAP_BATCH_MAX	5	/* DBDEV_BATCH_MAX */
#define DBDEV_CAP_DEVICE_STATE	6	/* DBDEV_DEVICE_RESET, _SAVE, _RESTORE */

/*
 * The test device type, "dbdev-test", of the module dbdev_testdev (which
 * a production system need not load): memory-backed (reads return
 * what was written, initially zero; offset o of any of its ranges is byte o
 * of one store, accesses past the store read 0xff and drop writes) and
 * recording every access in a bounded log.
 */
#define DBDEV_TEST_TYPE		"dbdev-test"
/*
 * "dbdev-test-bare", of the same module: a dbdev-test device without
 * parameters, commands, reset or state, for the errors of what a type
 * may lack.
 */
#define DBDEV_TEST_BARE_TYPE	"dbdev-test-bare"
#define DBDEV_TEST_STORE_MAX	65536
#define DBDEV_TEST_LOG_MAX	4096

/**
 * struct dbdev_test_params - the parameters of a "dbdev-test" device
 * @argsz: sizeof(struct dbdev_test_params)
 * @store_bytes: size of the store, 1 to DBDEV_TEST_STORE_MAX; 0: 4096
 * @log_entries: capacity of the log, 1 to DBDEV_TEST_LOG_MAX; 0: 256.
 *		 When full, the oldest entry is dropped.
 * @reserved: 0
 */
struct dbdev_test_params {
	__u32 argsz;
	__u32 store_bytes;
	__u32 log_entries;
	__u32 reserved;
};

/* the size of the first version */
#define DBDEV_TEST_PARAMS_SIZE_VER0	16

/**
 * struct dbdev_test_access - one logged access
 * @bus: DBDEV_IO_PIO or DBDEV_IO_MMIO
 * @dir: DBDEV_IO_READ or DBDEV_IO_WRITE
 * @len: bytes
 * @reserved: 0
 * @seq: its number since the device was created, from 0
 * @base: the base of the range, as the device was called
 * @offset: the offset inside the range
 * @data: the bytes, little-endian in the low @len bytes
 */
struct dbdev_test_access {
	__u8 bus;
	__u8 dir;
	__u8 len;
	__u8 reserved;
	__u32 seq;
	__u64 base;
	__u64 offset;
	__u64 data;
};

/* DBDEV_DEVICE_CTL ops of "dbdev-test" */
/*
 * Out: struct dbdev_test_log then as many entries as fit, oldest first;
 * they leave the log.
 */
#define DBDEV_TEST_READ_LOG	1
/* In: struct dbdev_test_irq.  Out: nothing. */
#define DBDEV_TEST_IRQ		2
/* In: struct dbdev_test_fail.  Out: nothing. */
#define DBDEV_TEST_FAIL		3

/**
 * struct dbdev_test_log - the head of the DBDEV_TEST_READ_LOG answer
 * @nr: entries that follow
 * @dropped: entries lost because the log was full, since the last read
 * @reads: reads the device has served since it was created
 * @writes: writes it has served
 */
struct dbdev_test_log {
	__u32 nr;
	__u32 dropped;
	__u32 reads;
	__u32 writes;
};

/**
 * struct dbdev_test_irq - DBDEV_TEST_IRQ: make the device signal
 * @kind: DBDEV_EVENTFD_LINE, DBDEV_EVENTFD_MSI or DBDEV_EVENTFD_NOTIFY
 * @index: which line or vector; 0 for the notification
 * @level: for a line: 1 raises it, 0 lowers it; else 0
 * @reserved: 0
 *
 * Errors: -EINVAL the device has no such line or vector.
 */
struct dbdev_test_irq {
	__u32 kind;
	__u32 index;
	__u32 level;
	__u32 reserved;
};

/**
 * struct dbdev_test_fail - DBDEV_TEST_FAIL: make one access fail
 * @after: how many accesses still succeed before the one that fails
 * @error: the errno it fails with, -4095 to -1; 0 cancels
 *
 * The failing access changes nothing and is neither logged nor counted.
 */
struct dbdev_test_fail {
	__u32 after;
	__s32 error;
};

#endif /* _UAPI_LINUX_DBDEV_H */
