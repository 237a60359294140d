// SPDX-License-Identifier: GPL-2.0
/*
 * "dbdev-test": the device type of dbdev's tests, a module of its own
 * (dbdev_testdev.ko) so that a production system need not load it, and a
 * user of the exported API like any other driver.  Memory-backed: offset
 * o of any of its ranges is byte o of one store, initially zero; bytes past
 * the store read 0xff and drop writes.  Every access is recorded in a
 * bounded log that userspace drains with DBDEV_TEST_READ_LOG.  Its state
 * (store, log, counters) resets, saves and restores; "dbdev-test-bare" is
 * the same device without parameters, commands, reset or state.
 *
 * Locking: tdev->lock guards the store, the log, the counters and the
 * armed failure, for the callbacks (which may run on several CPUs at once)
 * and the commands.
 */
#include <linux/err.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>

#include <dbdev.h>
#include "uapi/linux/dbdev.h"

#define DBDEV_TEST_STORE_DEFAULT	4096
#define DBDEV_TEST_LOG_DEFAULT		256

struct dbdev_testdev {
	struct dbdev_device dev;
	struct mutex lock;		/* see the top of the file */
	u8 *store;
	u32 store_bytes;
	struct dbdev_test_access *log;
	u32 log_cap;
	u32 log_head;			/* oldest entry */
	u32 log_nr;
	u32 dropped;
	u32 seq;
	u32 reads;
	u32 writes;
	u32 fail_after;			/* accesses before the failing one */
	int fail_error;			/* its errno, 0: none armed */
};

static struct dbdev_testdev *to_testdev(struct dbdev_device *dev)
{
	return container_of(dev, struct dbdev_testdev, dev);
}

static int dbdev_testdev_access(struct dbdev_device *dev, u8 bus, u8 dir,
				u64 base, u64 offset, void *data,
				unsigned int len)
{
	struct dbdev_testdev *t = to_testdev(dev);
	struct dbdev_test_access *a;
	u8 *bytes = data;
	unsigned int i;

	mutex_lock(&t->lock);
	if (t->fail_error && !t->fail_after--) {
		int err = t->fail_error;

		t->fail_error = 0;
		mutex_unlock(&t->lock);
		return err;
	}
	for (i = 0; i < len; i++) {
		bool inside = offset + i < t->store_bytes;

		if (dir == DBDEV_IO_WRITE && inside)
			t->store[offset + i] = bytes[i];
		else if (dir == DBDEV_IO_READ)
			bytes[i] = inside ? t->store[offset + i] : 0xff;
	}

	if (t->log_nr == t->log_cap) {
		t->log_head = (t->log_head + 1) % t->log_cap;
		t->log_nr--;
		t->dropped++;
	}
	a = &t->log[(t->log_head + t->log_nr++) % t->log_cap];
	*a = (struct dbdev_test_access){
		.bus = bus, .dir = dir, .len = len, .seq = t->seq++,
		.base = base, .offset = offset,
	};
	for (i = 0; i < len; i++)
		a->data |= (u64)bytes[i] << (8 * i);
	if (dir == DBDEV_IO_WRITE)
		t->writes++;
	else
		t->reads++;
	mutex_unlock(&t->lock);
	return 0;
}

static int dbdev_testdev_read(struct dbdev_caller *caller,
			      struct dbdev_device *dev, u64 base, u64 offset,
			      void *data, unsigned int len)
{
	return dbdev_testdev_access(dev, DBDEV_IO_MMIO, DBDEV_IO_READ, base,
				    offset, data, len);
}

static int dbdev_testdev_write(struct dbdev_caller *caller,
			       struct dbdev_device *dev, u64 base, u64 offset,
			       const void *data, unsigned int len)
{
	return dbdev_testdev_access(dev, DBDEV_IO_MMIO, DBDEV_IO_WRITE, base,
				    offset, (void *)data, len);
}

static int dbdev_testdev_pio_read(struct dbdev_caller *caller,
				  struct dbdev_device *dev, u16 base,
				  u16 offset, void *data, unsigned int len)
{
	return dbdev_testdev_access(dev, DBDEV_IO_PIO, DBDEV_IO_READ, base,
				    offset, data, len);
}

static int dbdev_testdev_pio_write(struct dbdev_caller *caller,
				   struct dbdev_device *dev, u16 base,
				   u16 offset, const void *data,
				   unsigned int len)
{
	return dbdev_testdev_access(dev, DBDEV_IO_PIO, DBDEV_IO_WRITE, base,
				    offset, (void *)data, len);
}

static const struct dbdev_device_ops dbdev_testdev_ops = {
	.read = dbdev_testdev_read,
	.write = dbdev_testdev_write,
	.pio_read = dbdev_testdev_pio_read,
	.pio_write = dbdev_testdev_pio_write,
};

static void dbdev_testdev_destroy(struct dbdev_device *dev)
{
	struct dbdev_testdev *t = to_testdev(dev);

	mutex_destroy(&t->lock);
	kvfree(t->store);
	kvfree(t->log);
	kfree(t);
}

static struct dbdev_device *dbdev_testdev_create(const void *params)
{
	struct dbdev_test_params p = {};
	struct dbdev_testdev *t;

	if (params)
		memcpy(&p, params, sizeof(p));
	if (p.reserved || p.store_bytes > DBDEV_TEST_STORE_MAX ||
	    p.log_entries > DBDEV_TEST_LOG_MAX)
		return ERR_PTR(-EINVAL);
	p.store_bytes = p.store_bytes ?: DBDEV_TEST_STORE_DEFAULT;
	p.log_entries = p.log_entries ?: DBDEV_TEST_LOG_DEFAULT;

	t = kzalloc(sizeof(*t), GFP_KERNEL_ACCOUNT);
	if (!t)
		return ERR_PTR(-ENOMEM);
	t->store = kvzalloc(p.store_bytes, GFP_KERNEL_ACCOUNT);
	t->log = kvcalloc(p.log_entries, sizeof(*t->log), GFP_KERNEL_ACCOUNT);
	if (!t->store || !t->log) {
		kvfree(t->store);
		kvfree(t->log);
		kfree(t);
		return ERR_PTR(-ENOMEM);
	}
	t->store_bytes = p.store_bytes;
	t->log_cap = p.log_entries;
	mutex_init(&t->lock);
	dbdev_device_init(&t->dev, &dbdev_testdev_ops, 0);
	return &t->dev;
}

/* DBDEV_TEST_READ_LOG: the counters, then the oldest entries that fit. */
static long dbdev_testdev_read_log(struct dbdev_testdev *t, void *buf,
				   size_t in_len, size_t out_max)
{
	struct dbdev_test_access *out = buf + sizeof(struct dbdev_test_log);
	struct dbdev_test_log *head = buf;
	u32 n;

	if (in_len || out_max < sizeof(*head))
		return -EINVAL;

	mutex_lock(&t->lock);
	n = min_t(size_t, t->log_nr, (out_max - sizeof(*head)) / sizeof(*out));
	*head = (struct dbdev_test_log){
		.nr = n, .dropped = t->dropped,
		.reads = t->reads, .writes = t->writes,
	};
	t->dropped = 0;
	while (n--) {
		*out++ = t->log[t->log_head];
		t->log_head = (t->log_head + 1) % t->log_cap;
		t->log_nr--;
	}
	mutex_unlock(&t->lock);
	return (void *)out - buf;
}

/* DBDEV_TEST_IRQ: raise or lower a line, send a vector, notify. */
static long dbdev_testdev_irq(struct dbdev_testdev *t, const void *buf,
			      size_t in_len)
{
	const struct dbdev_test_irq *irq = buf;

	if (in_len != sizeof(*irq) || irq->reserved)
		return -EINVAL;
	switch (irq->kind) {
	case DBDEV_EVENTFD_LINE:
		if (irq->level > 1)
			return -EINVAL;
		return dbdev_irq_set(&t->dev, irq->index, irq->level);
	case DBDEV_EVENTFD_MSI:
		if (irq->level)
			return -EINVAL;
		return dbdev_msi_send(&t->dev, irq->index);
	case DBDEV_EVENTFD_NOTIFY:
		if (irq->level || irq->index)
			return -EINVAL;
		dbdev_notify(&t->dev);
		return 0;
	default:
		return -EINVAL;
	}
}

/* DBDEV_TEST_FAIL: arm (or cancel) the failure of one access. */
static long dbdev_testdev_fail(struct dbdev_testdev *t, const void *buf,
			       size_t in_len)
{
	const struct dbdev_test_fail *fail = buf;

	if (in_len != sizeof(*fail) || fail->error > 0 ||
	    fail->error < -MAX_ERRNO)
		return -EINVAL;
	mutex_lock(&t->lock);
	t->fail_after = fail->after;
	t->fail_error = fail->error;
	mutex_unlock(&t->lock);
	return 0;
}

/* Forget everything, as at creation; the lines go low. */
static int dbdev_testdev_reset(struct dbdev_device *dev)
{
	struct dbdev_testdev *t = to_testdev(dev);
	unsigned int line = 0;

	while (!dbdev_irq_set(dev, line, false))
		line++;
	mutex_lock(&t->lock);
	memset(t->store, 0, t->store_bytes);
	t->log_head = 0;
	t->log_nr = 0;
	t->dropped = 0;
	t->seq = 0;
	t->reads = 0;
	t->writes = 0;
	t->fail_error = 0;
	mutex_unlock(&t->lock);
	return 0;
}

/*
 * Version 1 of the saved state: this, then the store, then the log
 * entries, oldest first.  An armed failure is not state.
 */
struct dbdev_testdev_state {
	u32 store_bytes;
	u32 log_cap;
	u32 log_nr;
	u32 dropped;
	u32 seq;
	u32 reads;
	u32 writes;
	u32 reserved;
};

static size_t dbdev_testdev_state_len(u32 store_bytes, u32 log_nr)
{
	return sizeof(struct dbdev_testdev_state) + store_bytes +
	       (size_t)log_nr * sizeof(struct dbdev_test_access);
}

static long dbdev_testdev_save(struct dbdev_device *dev, void *buf,
			       size_t len)
{
	struct dbdev_testdev *t = to_testdev(dev);
	struct dbdev_testdev_state *st = buf;
	u8 *log;
	u32 i;

	if (!buf)
		return dbdev_testdev_state_len(t->store_bytes, t->log_cap);
	mutex_lock(&t->lock);
	*st = (struct dbdev_testdev_state){
		.store_bytes = t->store_bytes, .log_cap = t->log_cap,
		.log_nr = t->log_nr, .dropped = t->dropped, .seq = t->seq,
		.reads = t->reads, .writes = t->writes,
	};
	memcpy(st + 1, t->store, t->store_bytes);
	/* after a store of any length: not aligned for a structure store */
	log = (u8 *)(st + 1) + t->store_bytes;
	for (i = 0; i < t->log_nr; i++)
		memcpy(log + i * sizeof(*t->log),
		       &t->log[(t->log_head + i) % t->log_cap],
		       sizeof(*t->log));
	mutex_unlock(&t->lock);
	return dbdev_testdev_state_len(st->store_bytes, st->log_nr);
}

static int dbdev_testdev_restore(struct dbdev_device *dev, u32 version,
				 const void *buf, size_t len)
{
	struct dbdev_testdev *t = to_testdev(dev);
	const struct dbdev_testdev_state *st = buf;
	const struct dbdev_test_access *log;
	u32 i;

	if (len < sizeof(*st) || st->reserved ||
	    st->store_bytes != t->store_bytes || st->log_cap != t->log_cap ||
	    st->log_nr > t->log_cap ||
	    len != dbdev_testdev_state_len(st->store_bytes, st->log_nr))
		return -EINVAL;
	log = (const void *)(st + 1) + st->store_bytes;
	for (i = 0; i < st->log_nr; i++)
		if (log[i].bus > DBDEV_IO_MMIO || log[i].dir > DBDEV_IO_WRITE ||
		    !log[i].len || log[i].len > sizeof(log[i].data) ||
		    log[i].reserved)
			return -EINVAL;
	mutex_lock(&t->lock);
	memcpy(t->store, st + 1, t->store_bytes);
	memcpy(t->log, (const void *)(st + 1) + t->store_bytes,
	       st->log_nr * sizeof(*t->log));
	t->log_head = 0;
	t->log_nr = st->log_nr;
	t->dropped = st->dropped;
	t->seq = st->seq;
	t->reads = st->reads;
	t->writes = st->writes;
	t->fail_error = 0;
	mutex_unlock(&t->lock);
	return 0;
}

static long dbdev_testdev_ctl(struct dbdev_device *dev, u32 op, void *buf,
			      size_t in_len, size_t out_max)
{
	struct dbdev_testdev *t = to_testdev(dev);

	switch (op) {
	case DBDEV_TEST_READ_LOG:
		return dbdev_testdev_read_log(t, buf, in_len, out_max);
	case DBDEV_TEST_IRQ:
		return dbdev_testdev_irq(t, buf, in_len);
	case DBDEV_TEST_FAIL:
		return dbdev_testdev_fail(t, buf, in_len);
	default:
		return -EOPNOTSUPP;
	}
}

/* For tools: the parameters, and the commands with their answers */
static const struct dbdev_field dbdev_test_params_fields[] = {
	{ .name = "store", .format = DBDEV_FIELD_UINT,
	  .offset = offsetof(struct dbdev_test_params, store_bytes),
	  .size = sizeof_field(struct dbdev_test_params, store_bytes) },
	{ .name = "log", .format = DBDEV_FIELD_UINT,
	  .offset = offsetof(struct dbdev_test_params, log_entries),
	  .size = sizeof_field(struct dbdev_test_params, log_entries) },
};

static const struct dbdev_field dbdev_test_log_fields[] = {
	{ .name = "nr", .format = DBDEV_FIELD_UINT,
	  .offset = offsetof(struct dbdev_test_log, nr),
	  .size = sizeof_field(struct dbdev_test_log, nr) },
	{ .name = "dropped", .format = DBDEV_FIELD_UINT,
	  .offset = offsetof(struct dbdev_test_log, dropped),
	  .size = sizeof_field(struct dbdev_test_log, dropped) },
	{ .name = "reads", .format = DBDEV_FIELD_UINT,
	  .offset = offsetof(struct dbdev_test_log, reads),
	  .size = sizeof_field(struct dbdev_test_log, reads) },
	{ .name = "writes", .format = DBDEV_FIELD_UINT,
	  .offset = offsetof(struct dbdev_test_log, writes),
	  .size = sizeof_field(struct dbdev_test_log, writes) },
};

static const struct dbdev_field dbdev_test_access_fields[] = {
	{ .name = "seq", .format = DBDEV_FIELD_UINT,
	  .offset = offsetof(struct dbdev_test_access, seq),
	  .size = sizeof_field(struct dbdev_test_access, seq) },
	{ .name = "bus", .format = DBDEV_FIELD_UINT,
	  .offset = offsetof(struct dbdev_test_access, bus),
	  .size = sizeof_field(struct dbdev_test_access, bus) },
	{ .name = "dir", .format = DBDEV_FIELD_UINT,
	  .offset = offsetof(struct dbdev_test_access, dir),
	  .size = sizeof_field(struct dbdev_test_access, dir) },
	{ .name = "len", .format = DBDEV_FIELD_UINT,
	  .offset = offsetof(struct dbdev_test_access, len),
	  .size = sizeof_field(struct dbdev_test_access, len) },
	{ .name = "base", .format = DBDEV_FIELD_HEX,
	  .offset = offsetof(struct dbdev_test_access, base),
	  .size = sizeof_field(struct dbdev_test_access, base) },
	{ .name = "offset", .format = DBDEV_FIELD_HEX,
	  .offset = offsetof(struct dbdev_test_access, offset),
	  .size = sizeof_field(struct dbdev_test_access, offset) },
	{ .name = "data", .format = DBDEV_FIELD_HEX,
	  .offset = offsetof(struct dbdev_test_access, data),
	  .size = sizeof_field(struct dbdev_test_access, data) },
};

static const struct dbdev_field dbdev_test_irq_fields[] = {
	{ .name = "kind", .format = DBDEV_FIELD_UINT,
	  .offset = offsetof(struct dbdev_test_irq, kind),
	  .size = sizeof_field(struct dbdev_test_irq, kind) },
	{ .name = "index", .format = DBDEV_FIELD_UINT,
	  .offset = offsetof(struct dbdev_test_irq, index),
	  .size = sizeof_field(struct dbdev_test_irq, index) },
	{ .name = "level", .format = DBDEV_FIELD_UINT,
	  .offset = offsetof(struct dbdev_test_irq, level),
	  .size = sizeof_field(struct dbdev_test_irq, level) },
};

static const struct dbdev_field dbdev_test_fail_fields[] = {
	{ .name = "after", .format = DBDEV_FIELD_UINT,
	  .offset = offsetof(struct dbdev_test_fail, after),
	  .size = sizeof_field(struct dbdev_test_fail, after) },
	{ .name = "error", .format = DBDEV_FIELD_INT,
	  .offset = offsetof(struct dbdev_test_fail, error),
	  .size = sizeof_field(struct dbdev_test_fail, error) },
};

static const struct dbdev_ctl_desc dbdev_test_ctls[] = {
	{ .op = DBDEV_TEST_READ_LOG, .name = "read_log",
	  .out = { dbdev_test_log_fields, ARRAY_SIZE(dbdev_test_log_fields),
		   sizeof(struct dbdev_test_log) },
	  .each = { dbdev_test_access_fields,
		    ARRAY_SIZE(dbdev_test_access_fields),
		    sizeof(struct dbdev_test_access) } },
	{ .op = DBDEV_TEST_IRQ, .name = "irq",
	  .in = { dbdev_test_irq_fields, ARRAY_SIZE(dbdev_test_irq_fields),
		  sizeof(struct dbdev_test_irq) } },
	{ .op = DBDEV_TEST_FAIL, .name = "fail",
	  .in = { dbdev_test_fail_fields, ARRAY_SIZE(dbdev_test_fail_fields),
		  sizeof(struct dbdev_test_fail) } },
};

static struct dbdev_type dbdev_test_type = {
	.name = DBDEV_TEST_TYPE,
	.owner = THIS_MODULE,
	.params_size = sizeof(struct dbdev_test_params),
	.params_min = DBDEV_TEST_PARAMS_SIZE_VER0,
	.params = dbdev_test_params_fields,
	.nr_params = ARRAY_SIZE(dbdev_test_params_fields),
	.ctls = dbdev_test_ctls,
	.nr_ctls = ARRAY_SIZE(dbdev_test_ctls),
	.create = dbdev_testdev_create,
	.destroy = dbdev_testdev_destroy,
	.ctl = dbdev_testdev_ctl,
	.reset = dbdev_testdev_reset,
	.state_version = 1,
	.save = dbdev_testdev_save,
	.restore = dbdev_testdev_restore,
};

static struct dbdev_type dbdev_test_bare_type = {
	.name = DBDEV_TEST_BARE_TYPE,
	.owner = THIS_MODULE,
	.create = dbdev_testdev_create,
	.destroy = dbdev_testdev_destroy,
};

static int __init dbdev_testdev_init(void)
{
	int err;

	err = dbdev_type_register(&dbdev_test_type);
	if (err)
		return err;
	err = dbdev_type_register(&dbdev_test_bare_type);
	if (err)
		dbdev_type_unregister(&dbdev_test_type);
	return err;
}
module_init(dbdev_testdev_init);

static void __exit dbdev_testdev_exit(void)
{
	dbdev_type_unregister(&dbdev_test_bare_type);
	dbdev_type_unregister(&dbdev_test_type);
}
module_exit(dbdev_testdev_exit);

MODULE_DESCRIPTION("dbdev: the dbdev-test device type, for tests");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(DBDEV_NS);
