/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dbdev's tracepoints, in the manner of KVM's kvm_pio and kvm_mmio: under
 * /sys/kernel/tracing/events/dbdev/.  Each costs a static branch while
 * disabled.  Managers and devices are named by their (hashed) pointers, as
 * %p prints them.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM dbdev

#if !defined(_DBDEV_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _DBDEV_TRACE_H

#include <linux/tracepoint.h>

/*
 * dbdev_io - one access routed by dbdev_dispatch()
 * @base: the base of the range that took it (0 if none did); @err: the
 * core's error (-ENODEV no device, -ERANGE past a range's end, -EDEADLK
 * re-entry), else the device's result; @val: the first (up to) 8 bytes of
 * what was written or read, as a u64 in the CPU's byte order
 * (little-endian on x86); 0 for a read that failed.
 */
TRACE_EVENT(dbdev_io,
	    TP_PROTO(const void *mgr, int bus, bool write, u64 addr,
		     unsigned int len, u64 val, const void *dev, u64 base,
		     int err),
	    TP_ARGS(mgr, bus, write, addr, len, val, dev, base, err),

	    TP_STRUCT__entry(__field(const void *, mgr)
			     __field(const void *, dev)
			     __field(u64, addr)
			     __field(u64, base)
			     __field(u64, val)
			     __field(unsigned int, len)
			     __field(int, err)
			     __field(u8, bus)
			     __field(bool, write)),

	    TP_fast_assign(__entry->mgr = mgr;
			   __entry->dev = dev;
			   __entry->addr = addr;
			   __entry->base = base;
			   __entry->val = val;
			   __entry->len = len;
			   __entry->err = err;
			   __entry->bus = bus;
			   __entry->write = write;),

	    TP_printk("mgr %p %s %s 0x%llx len %u val 0x%llx dev %p base 0x%llx err %d",
		      __entry->mgr, __entry->bus ? "mmio" : "pio",
		      __entry->write ? "write" : "read", __entry->addr,
		      __entry->len, __entry->val, __entry->dev, __entry->base,
		      __entry->err)
);

/*
 * dbdev_update - a device registered or unregistered, at once or staged in
 * a transaction, as the manager's lock saw it (in that order; a request
 * refused before, such as a malformed resource, is not traced); @err
 * -EEXIST is a conflict with a range on the same bus.
 */
TRACE_EVENT(dbdev_update,
	    TP_PROTO(const void *mgr, const void *dev, bool add, bool in_tx,
		     int err),
	    TP_ARGS(mgr, dev, add, in_tx, err),

	    TP_STRUCT__entry(__field(const void *, mgr)
			     __field(const void *, dev)
			     __field(int, err)
			     __field(bool, add)
			     __field(bool, in_tx)),

	    TP_fast_assign(__entry->mgr = mgr;
			   __entry->dev = dev;
			   __entry->err = err;
			   __entry->add = add;
			   __entry->in_tx = in_tx;),

	    TP_printk("mgr %p %s dev %p%s err %d", __entry->mgr,
		      __entry->add ? "register" : "unregister", __entry->dev,
		      __entry->in_tx ? " in tx" : "", __entry->err)
);

/* dbdev_tx_end - a transaction committed or cancelled */
TRACE_EVENT(dbdev_tx_end,
	    TP_PROTO(const void *mgr, bool commit),
	    TP_ARGS(mgr, commit),

	    TP_STRUCT__entry(__field(const void *, mgr)
			     __field(bool, commit)),

	    TP_fast_assign(__entry->mgr = mgr;
			   __entry->commit = commit;),

	    TP_printk("mgr %p %s", __entry->mgr,
		      __entry->commit ? "commit" : "cancel")
);

/*
 * dbdev_irq - a device raised a line (its rising edge) or sent a vector;
 * @bound: a sink (an eventfd) was there to signal
 */
TRACE_EVENT(dbdev_irq,
	    TP_PROTO(const void *dev, bool msi, unsigned int index, bool bound),
	    TP_ARGS(dev, msi, index, bound),

	    TP_STRUCT__entry(__field(const void *, dev)
			     __field(unsigned int, index)
			     __field(bool, msi)
			     __field(bool, bound)),

	    TP_fast_assign(__entry->dev = dev;
			   __entry->index = index;
			   __entry->msi = msi;
			   __entry->bound = bound;),

	    TP_printk("dev %p %s %u%s", __entry->dev,
		      __entry->msi ? "vector" : "line", __entry->index,
		      __entry->bound ? "" : " unbound")
);

#endif /* _DBDEV_TRACE_H */

/* out of tree: found through -I$(src), see Kbuild */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE dbdev_trace
#include <trace/define_trace.h>
