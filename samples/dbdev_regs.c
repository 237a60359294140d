// SPDX-License-Identifier: GPL-2.0
/*
 * dbdev sample driver: "dbdev-regs", a block of 32-bit registers on MMIO
 * (identity, version, scratch, counter, and a doorbell that sends an MSI;
 * see uapi/linux/dbdev_samples.h).
 *
 * Only naturally aligned 32-bit accesses reach a register.  Anything else
 * reads as all ones and its writes are ignored, as on a bus where no device
 * decodes the access.  Offsets without a register read as zero and ignore
 * writes.
 *
 * Reset, save and restore cover SCRATCH, COUNTER and the doorbell count.
 *
 * Locking: none of its own.  The device asks the core to serialise its
 * callbacks (DBDEV_DEVICE_SERIALIZED), which is all the counter needs;
 * the core serialises reset, save and restore with them too.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>

#include <dbdev.h>
#include "uapi/linux/dbdev_samples.h"

struct dbdev_regs {
	struct dbdev_device dev;
	u32 scratch;
	u32 counter;
	u32 doorbells;
};

static struct dbdev_regs *to_regs(struct dbdev_device *dev)
{
	return container_of(dev, struct dbdev_regs, dev);
}

static int dbdev_regs_read(struct dbdev_caller *caller,
			   struct dbdev_device *dev, u64 base, u64 offset,
			   void *data, unsigned int len)
{
	struct dbdev_regs *r = to_regs(dev);
	__le32 v;

	if (len != sizeof(v) || offset % sizeof(v)) {
		memset(data, 0xff, len);
		return 0;
	}
	switch (offset) {
	case DBDEV_REGS_ID:
		v = cpu_to_le32(DBDEV_REGS_MAGIC);
		break;
	case DBDEV_REGS_VERSION:
		v = cpu_to_le32(DBDEV_REGS_VERSION_1);
		break;
	case DBDEV_REGS_SCRATCH:
		v = cpu_to_le32(r->scratch);
		break;
	case DBDEV_REGS_COUNTER:
		v = cpu_to_le32(r->counter++);
		break;
	case DBDEV_REGS_DOORBELL:
		v = cpu_to_le32(r->doorbells);
		break;
	default:
		v = 0;
		break;
	}
	memcpy(data, &v, sizeof(v));
	return 0;
}

static int dbdev_regs_write(struct dbdev_caller *caller,
			    struct dbdev_device *dev, u64 base, u64 offset,
			    const void *data, unsigned int len)
{
	struct dbdev_regs *r = to_regs(dev);
	__le32 v;

	if (len != sizeof(v) || offset % sizeof(v))
		return 0;
	memcpy(&v, data, sizeof(v));
	if (offset == DBDEV_REGS_SCRATCH)
		r->scratch = le32_to_cpu(v);
	else if (offset == DBDEV_REGS_COUNTER)
		r->counter = le32_to_cpu(v);
	else if (offset == DBDEV_REGS_DOORBELL &&
		 !dbdev_msi_send(dev, le32_to_cpu(v)))
		r->doorbells++;
	return 0;
}

static const struct dbdev_device_ops dbdev_regs_ops = {
	.read = dbdev_regs_read,
	.write = dbdev_regs_write,
};

static struct dbdev_device *dbdev_regs_create(const void *params)
{
	struct dbdev_regs *r;

	r = kzalloc(sizeof(*r), GFP_KERNEL_ACCOUNT);
	if (!r)
		return ERR_PTR(-ENOMEM);
	dbdev_device_init(&r->dev, &dbdev_regs_ops, DBDEV_DEVICE_SERIALIZED);
	return &r->dev;
}

static void dbdev_regs_destroy(struct dbdev_device *dev)
{
	kfree(to_regs(dev));
}

static int dbdev_regs_reset(struct dbdev_device *dev)
{
	struct dbdev_regs *r = to_regs(dev);

	r->scratch = 0;
	r->counter = 0;
	r->doorbells = 0;
	return 0;
}

/* Version 1 of the saved state */
struct dbdev_regs_state {
	u32 scratch;
	u32 counter;
	u32 doorbells;
	u32 reserved;
};

static long dbdev_regs_save(struct dbdev_device *dev, void *buf, size_t len)
{
	struct dbdev_regs *r = to_regs(dev);
	struct dbdev_regs_state *st = buf;

	if (st)
		*st = (struct dbdev_regs_state){
			.scratch = r->scratch, .counter = r->counter,
			.doorbells = r->doorbells,
		};
	return sizeof(*st);
}

static int dbdev_regs_restore(struct dbdev_device *dev, u32 version,
			      const void *buf, size_t len)
{
	struct dbdev_regs *r = to_regs(dev);
	const struct dbdev_regs_state *st = buf;

	if (len != sizeof(*st) || st->reserved)
		return -EINVAL;
	r->scratch = st->scratch;
	r->counter = st->counter;
	r->doorbells = st->doorbells;
	return 0;
}

static struct dbdev_type dbdev_regs_type = {
	.name = DBDEV_REGS_TYPE,
	.owner = THIS_MODULE,
	.create = dbdev_regs_create,
	.destroy = dbdev_regs_destroy,
	.reset = dbdev_regs_reset,
	.state_version = 1,
	.save = dbdev_regs_save,
	.restore = dbdev_regs_restore,
};

static int __init dbdev_regs_init(void)
{
	return dbdev_type_register(&dbdev_regs_type);
}
module_init(dbdev_regs_init);

static void __exit dbdev_regs_exit(void)
{
	dbdev_type_unregister(&dbdev_regs_type);
}
module_exit(dbdev_regs_exit);

MODULE_DESCRIPTION("dbdev sample: an MMIO register block");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(DBDEV_NS);
