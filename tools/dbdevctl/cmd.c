// SPDX-License-Identifier: GPL-2.0
/*
 * dbdevctl: the commands that create, destroy and list devices, open and
 * close transactions, send device commands and set the pools: one ioctl
 * of /dev/dbdev each (log and list loop where the answer needs it).  Each
 * returns 0, or 1 after a fail_*() call describing what went wrong.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dbdevctl.h"

static bool tx_open;	/* this process began a transaction (one context) */

/*
 * Option @name (or @short_name) at argv[*i], as "--name VALUE",
 * "--name=VALUE" or "-n VALUE": 1 and *@val if it is there, 0 if it is
 * not, -1 (a usage failure) if its value is missing.
 */
static int opt_value(int argc, char **argv, int *i, const char *name,
		     const char *short_name, const char **val)
{
	const char *a = argv[*i];
	size_t len = strlen(name);

	if (!strncmp(a, name, len) && a[len] == '=') {
		*val = a + len + 1;
		return 1;
	}
	if (strcmp(a, name) && (!short_name || strcmp(a, short_name)))
		return 0;
	if (*i + 1 >= argc) {
		fail_usage("%s needs a value", a);
		return -1;
	}
	*val = argv[++*i];
	return 1;
}

static int parse_id(const char *s, uint32_t *id)
{
	__u64 v;

	if (parse_num(s, "device id", UINT32_MAX, &v))
		return 1;
	*id = (uint32_t)v;
	return 0;
}

/* ------------------------------------------------------------------------
 * create, destroy
 */

/* --params for dbdev-test: store=N,log=N */
static int test_params(const char *s, struct dbdev_test_params *p)
{
	char *copy = xstrdup(s), *kv, *next;
	__u64 v;
	int err = 0;

	memset(p, 0, sizeof(*p));
	p->argsz = sizeof(*p);
	for (kv = copy; kv && !err; kv = next) {
		next = strchr(kv, ',');
		if (next)
			*next++ = 0;
		if (!strncmp(kv, "store=", 6)) {
			err = parse_num(kv + 6, "store", UINT32_MAX, &v);
			p->store_bytes = (uint32_t)v;
		} else if (!strncmp(kv, "log=", 4)) {
			err = parse_num(kv + 4, "log", UINT32_MAX, &v);
			p->log_entries = (uint32_t)v;
		} else {
			err = fail_usage("--params '%s': dbdev-test takes store=BYTES and log=ENTRIES",
					 kv);
		}
	}
	free(copy);
	return err;
}

static void print_device(uint32_t id, const char *type, const char *name,
			 const struct dbdev_uresource *res, unsigned int nr,
			 uint32_t flags)
{
	char buf[64];
	unsigned int i;

	printf("%u %s", id, type);
	if (name && *name)
		printf(" @%s", name);
	for (i = 0; i < nr; i++)
		printf(" %s", fmt_resource(buf, sizeof(buf), &res[i]));
	flags &= DBDEV_INFO_TX_ADDED | DBDEV_INFO_TX_REMOVED;
	if (flags)
		printf("  # %s in the open transaction",
		       flags == DBDEV_INFO_TX_ADDED ? "created" :
		       flags == DBDEV_INFO_TX_REMOVED ? "destroyed" :
		       "created and destroyed");
	printf("\n");
}

/*
 * After an EINVAL from create: which item the kernel most likely refused,
 * by the rules of the uapi header, into @why; false if none looks wrong
 * (then it was the parameters).  Only for the message: the kernel decides.
 */
static bool in_window(const struct dbdev_uwindow *w, __u64 lo, __u64 hi)
{
	return lo >= w->min && hi <= w->max && lo <= hi;
}

static bool meets(const struct dbdev_uwindow *w, __u64 lo, __u64 hi)
{
	return lo <= w->max && hi >= w->min;
}

static bool range_bad(__u64 base, __u64 size, __u64 limit)
{
	return !size || base > limit || size - 1 > limit - base;
}

static bool explain_res(const struct dbdev_uresource *r, char *why, size_t n)
{
	static const __u64 msi_max[] = { 32, 2048, UINT32_MAX };

	switch (r->type) {
	case DBDEV_UR_PIO:
	case DBDEV_UR_MMIO:
	case DBDEV_UR_MEM:
		if (!range_bad(r->base, r->size, r->type ? UINT64_MAX : 0xffff))
			return false;
		snprintf(why, n, r->size ? "it runs past the end of its address space" :
			 "its size is 0");
		return true;
	case DBDEV_UR_MSI:
		if (r->size && r->size <= msi_max[r->msi_type] &&
		    !range_bad(r->base, r->size, UINT32_MAX))
			return false;
		snprintf(why, n, "an MSI block is 1 to %llu vectors", msi_max[r->msi_type]);
		return true;
	}
	return false;
}

static bool explain_con(const struct dbdev_uconstraint *c,
			const struct dbdev_upools *p, char *why, size_t n)
{
	static const char *const key[] = { "pio", "mmio", "mem" };
	const struct dbdev_uwindow *w = NULL;
	__u64 lo = c->fixed, hi = c->fixed + c->size - 1;
	unsigned int i;

	if (c->type <= DBDEV_UC_MEM) {
		if (!c->size || (c->align & (c->align - 1))) {
			snprintf(why, n, c->size ? "align must be a power of two" :
				 "its size is 0");
			return true;
		}
		if (!(c->flags & DBDEV_UC_WINDOW))
			return false;
		if (c->min > c->max) {
			snprintf(why, n, "the window's MIN is above its MAX");
			return true;
		}
		for (i = 0; c->type == DBDEV_UC_MMIO && i < p->nr_mmio; i++)
			if (meets(&p->mmio[i], c->min, c->max))
				return false;
		w = c->type == DBDEV_UC_PIO ? &p->pio : &p->mem;
		if (c->type != DBDEV_UC_MMIO && meets(w, c->min, c->max))
			return false;
		snprintf(why, n, "the window meets no %s pool (see `" PROG " pools`)",
			 key[c->type]);
		return true;
	}
	if (c->type == DBDEV_UC_PCI_MSI || c->type == DBDEV_UC_PCI_MSIX) {
		__u64 max = c->type == DBDEV_UC_PCI_MSI ? 32 : 2048;

		if (c->size && c->size <= max)
			return false;
		snprintf(why, n, "a block is 1 to %llu vectors", max);
		return true;
	}
	if (!(c->flags & DBDEV_UC_FIXED))
		return false;
	w = c->type == DBDEV_UC_LEGACY_IRQ ? &p->legacy_irq : &p->kvm_slot;
	if (in_window(w, lo, hi))
		return false;
	snprintf(why, n, "it lies outside the %s pool %llu-%llu",
		 c->type == DBDEV_UC_LEGACY_IRQ ? "irq" : "slots", w->min, w->max);
	return true;
}

static int create_einval(const struct dbdev_create_device *arg, char **items)
{
	const struct dbdev_uconstraint *con = (const void *)(uintptr_t)arg->items;
	const struct dbdev_uresource *res = (const void *)(uintptr_t)arg->items;
	struct dbdev_upools p = { .argsz = sizeof(p) };
	bool alloc = arg->flags & DBDEV_CREATE_CONSTRAINTS;
	char why[128];
	unsigned int i;

	if (alloc && dev_ioctl(DBDEV_GET_POOLS, &p))
		return fail_errno(EINVAL, "the kernel refused an item or the parameters");
	for (i = 0; i < arg->nr_items; i++)
		if (alloc ? explain_con(&con[i], &p, why, sizeof(why)) :
			    explain_res(&res[i], why, sizeof(why)))
			return fail_errno(EINVAL, "%s '%s': %s", alloc ? "constraint" :
					  "resource", items[i], why);
	return fail_errno(EINVAL, arg->params_len ?
			  "the kernel refused an item or the parameters" :
			  "the kernel refused an item");
}

static int create_failed(int err, const struct dbdev_create_device *arg,
			 char **items)
{
	const struct dbdev_uresource *c = &arg->conflict;
	bool reported = c->type != DBDEV_UR_PIO || c->size;
	char buf[64], by[32] = "";

	if ((err == EEXIST || err == EBUSY) && reported) {
		fmt_resource(buf, sizeof(buf), c);
		if (arg->conflict_id)
			snprintf(by, sizeof(by), "device %u ", arg->conflict_id);
		return fail_errno(err, "%s %s%s", err == EEXIST ?
				  "conflicts with" : "taken in its pool by",
				  by, buf);
	}
	switch (err) {
	case EEXIST:
		return fail_errno(err, "a range overlaps another on its bus (two of the device's own?)");
	case EBUSY:
		return fail_errno(err, "a resource is taken in its pool, perhaps by another item of this device");
	case ENOENT:
		return fail_errno(err, "no device type '%s' (is its module loaded? "
				  DBDEV_TEST_TYPE "'s is dbdev_testdev)", arg->type);
	case ENOSPC:
		return fail_errno(err, "a constraint fits nowhere in the pools (see `" PROG " pools`)");
	case E2BIG:
		return fail_errno(err, "more than %d resources (slots:N makes N), or parameters too long for the type",
				  DBDEV_MAX_ITEMS);
	case EMFILE:
		return fail_errno(err, "the context has its maximum of devices (module parameter max_devices)");
	case ENOTUNIQ:
		return fail_errno(err, "another device is called '%s'", arg->name);
	case EINVAL:
		return create_einval(arg, items);
	}
	return fail_errno(err, NULL);
}

int cmd_create(int argc, char **argv)
{
	struct dbdev_create_device arg = { .argsz = sizeof(arg) };
	struct dbdev_uresource res[DBDEV_MAX_ITEMS], got[DBDEV_MAX_ITEMS];
	struct dbdev_uconstraint con[DBDEV_MAX_ITEMS];
	const char *type = NULL, *params = NULL, *hex = NULL, *name = NULL;
	struct dbdev_test_params tp;
	uint8_t *blob = NULL;
	char *items[DBDEV_MAX_ITEMS];
	unsigned int nr = 0, i;
	bool alloc = false;
	int a, r, err;

	for (a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "--alloc") || !strcmp(argv[a], "-a")) {
			alloc = true;
			continue;
		}
		if ((r = opt_value(argc, argv, &a, "--params", "-p", &params)) ||
		    (r = opt_value(argc, argv, &a, "--params-hex", NULL, &hex)) ||
		    (r = opt_value(argc, argv, &a, "--name", "-n", &name))) {
			if (r < 0)
				return 1;
			continue;
		}
		if (argv[a][0] == '-')
			return fail_usage("unknown option '%s'", argv[a]);
		if (!type)
			type = argv[a];
		else if (nr == DBDEV_MAX_ITEMS)
			return fail_usage("more than %d resources or constraints",
					  DBDEV_MAX_ITEMS);
		else
			items[nr++] = argv[a];
	}
	if (!type)
		return fail_usage("which device type? e.g. create " DBDEV_TEST_TYPE " mmio:0xd0000000+0x1000");
	if (strlen(type) >= sizeof(arg.type))
		return fail_usage("type '%s': longer than %d characters", type,
				  DBDEV_TYPE_NAME_LEN - 1);
	if (name && !var_name_ok(name))
		return fail_usage("--name '%s': a name is a letter or '_', then letters, digits or '_' (at most %d)",
				  name, DBDEV_TYPE_NAME_LEN - 1);
	if (params && hex)
		return fail_usage("--params and --params-hex exclude each other");
	strcpy(arg.type, type);
	if (name)
		strcpy(arg.name, name);

	if (params) {
		if (strcmp(type, DBDEV_TEST_TYPE))
			return fail_usage("--params KEY=VALUE is known only for " DBDEV_TEST_TYPE "; give a %s blob with --params-hex",
					  type);
		if (test_params(params, &tp))
			return 1;
		arg.params = (uintptr_t)&tp;
		arg.params_len = sizeof(tp);
	} else if (hex) {
		if (parse_hex_bytes(hex, &blob, &arg.params_len))
			return 1;
		arg.params = (uintptr_t)blob;
	}
	for (i = 0; i < nr; i++)
		if (alloc ? parse_constraint(items[i], &con[i]) :
			    parse_resource(items[i], &res[i]))
			goto out_fail;

	arg.flags = alloc ? DBDEV_CREATE_CONSTRAINTS : 0;
	arg.nr_items = nr;
	arg.items = alloc ? (uintptr_t)con : (uintptr_t)res;
	arg.assigned = (uintptr_t)got;
	arg.assigned_max = DBDEV_MAX_ITEMS;
	err = dev_ioctl(DBDEV_CREATE_DEVICE, &arg);
	free(blob);
	if (err)
		return create_failed(err, &arg, items);

	print_device(arg.id, type, name, got, arg.nr_assigned,
		     tx_open ? DBDEV_INFO_TX_ADDED : 0);
	var_bind("last", arg.id, got, arg.nr_assigned);
	if (name)
		var_bind(name, arg.id, got, arg.nr_assigned);
	return 0;

out_fail:
	free(blob);
	return 1;
}

int cmd_destroy(int argc, char **argv)
{
	struct dbdev_destroy_device arg = { .argsz = sizeof(arg) };
	int i, err;

	if (argc < 2)
		return fail_usage("which device? e.g. destroy 1");
	for (i = 1; i < argc; i++)
		if (parse_id(argv[i], &arg.id))
			return 1;
	for (i = 1; i < argc; i++) {
		parse_id(argv[i], &arg.id);
		err = dev_ioctl(DBDEV_DESTROY_DEVICE, &arg);
		if (err == ENOENT)
			return fail_errno(err, "no device %u", arg.id);
		if (err)
			return fail_errno(err, "device %u", arg.id);
	}
	return 0;
}

/* ------------------------------------------------------------------------
 * begin, commit, cancel, list
 */

int cmd_tx(int argc, char **argv)
{
	unsigned long req = !strcmp(argv[0], "begin") ? DBDEV_TX_BEGIN :
			    !strcmp(argv[0], "commit") ? DBDEV_TX_COMMIT :
			    DBDEV_TX_CANCEL;
	int err;

	if (argc > 1)
		return fail_usage("takes no arguments");
	err = dev_ioctl(req, NULL);
	if (!err)
		tx_open = req == DBDEV_TX_BEGIN;
	if (err == EBUSY && req == DBDEV_TX_BEGIN)
		return fail_errno(err, "a transaction is already open");
	if (err == ENOENT)
		return fail_errno(err, "no transaction is open");
	if (err)
		return fail_errno(err, NULL);
	return 0;
}

int cmd_list(int argc, char **argv)
{
	struct dbdev_list_devices arg = { .argsz = sizeof(arg) };
	struct dbdev_device_info *dev = NULL;
	struct dbdev_uresource *res = NULL;
	unsigned int i;
	int err;

	if (argc > 2)
		return fail_usage("takes at most a device's name");
	if (argc == 2) {
		if (strlen(argv[1]) >= sizeof(arg.name))
			return fail_usage("'%s': a name has at most %zu characters",
					  argv[1], sizeof(arg.name) - 1);
		strcpy(arg.name, argv[1]);
		arg.flags = DBDEV_LIST_NAME;
	}
	for (;;) {
		err = dev_ioctl(DBDEV_LIST_DEVICES, &arg);
		if (err != E2BIG)
			break;
		free(dev);
		free(res);
		dev = xcalloc(arg.nr_devices, sizeof(*dev));
		res = xcalloc(arg.nr_resources, sizeof(*res));
		arg.devices = (uintptr_t)dev;
		arg.resources = (uintptr_t)res;
	}
	for (i = 0; !err && i < arg.nr_devices; i++) {
		dev[i].type[sizeof(dev[i].type) - 1] = 0;
		dev[i].name[sizeof(dev[i].name) - 1] = 0;
		print_device(dev[i].id, dev[i].type, dev[i].name,
			     res + dev[i].first_resource, dev[i].nr_resources,
			     dev[i].flags);
	}
	free(dev);
	free(res);
	if (err == ENOENT)
		return fail_errno(err, "no device is called '%s'", arg.name);
	return err ? fail_errno(err, NULL) : 0;
}

/* ------------------------------------------------------------------------
 * log, ctl, pools
 */

static int ctl_failed(int err, const struct dbdev_device_ctl *arg)
{
	if (err == ENOENT)
		return fail_errno(err, "no device %u", arg->id);
	if (err == EOPNOTSUPP)
		return fail_errno(err, "device %u's type has no command %u", arg->id,
				  arg->op);
	if (err == EINVAL)
		return fail_errno(err, "device %u's type refused the input or the room for the answer",
				  arg->id);
	return fail_errno(err, NULL);
}

/* log ID: drain a dbdev-test device's log */
int cmd_log(int argc, char **argv)
{
	struct dbdev_device_ctl arg = {
		.argsz = sizeof(arg), .op = DBDEV_TEST_READ_LOG,
	};
	const size_t room = DBDEV_CTL_MAX;
	const uint32_t fit = (room - sizeof(struct dbdev_test_log)) /
			     sizeof(struct dbdev_test_access);
	struct dbdev_test_log head = { 0 };
	uint8_t *buf;
	__u64 dropped = 0;
	uint32_t i, answers = 0;
	int err;

	if (argc != 2)
		return fail_usage("expected one device id, e.g. log 1");
	if (parse_id(argv[1], &arg.id))
		return 1;
	buf = xcalloc(1, room);
	arg.buf = (uintptr_t)buf;
	do {
		arg.in_len = 0;
		arg.out_len = room;
		err = dev_ioctl(DBDEV_DEVICE_CTL, &arg);
		if (err)
			break;
		if (arg.out_len < sizeof(head)) {
			err = fail_errno(EPROTO, "the answer has %u bytes, less than its head",
					 arg.out_len);
			goto out;
		}
		if (!answers++)
			printf("# %-4s %-4s %-5s %-20s %s %s\n", "SEQ", "BUS", "DIR",
			       "BASE+OFFSET", "LEN", "DATA");
		memcpy(&head, buf, sizeof(head));
		dropped += head.dropped;
		if (head.nr > (arg.out_len - sizeof(head)) / sizeof(struct dbdev_test_access)) {
			err = fail_errno(EPROTO, "the answer claims %u entries in %u bytes",
					 head.nr, arg.out_len);
			goto out;
		}
		for (i = 0; i < head.nr; i++) {
			struct dbdev_test_access e;
			char base[24], off[24], data[24], where[64];

			memcpy(&e, buf + sizeof(head) + i * sizeof(e), sizeof(e));
			snprintf(where, sizeof(where), "%s+%s", fmt_hex(base, e.base),
				 fmt_size(off, e.offset));
			printf("%-6u %-4s %-5s %-20s %-3u %s\n", e.seq, bus_name(e.bus),
			       e.dir == DBDEV_IO_WRITE ? "write" : "read", where, e.len,
			       fmt_value(data, e.data, e.len <= 8 ? e.len : 8));
		}
	} while (head.nr == fit);
	if (err) {
		err = ctl_failed(err, &arg);
		goto out;
	}
	printf("# reads %u, writes %u, dropped %llu\n", head.reads, head.writes,
	       dropped);
out:
	free(buf);
	return err;
}

/* ctl ID OP [HEXBYTES] [--out BYTES]: a device type's raw command */
int cmd_ctl(int argc, char **argv)
{
	struct dbdev_device_ctl arg = { .argsz = sizeof(arg) };
	const char *pos[3] = { NULL }, *out = NULL;
	uint8_t *in = NULL, *buf;
	uint32_t in_len = 0, i;
	__u64 v, room = 4096;
	int a, n = 0, r, err;

	for (a = 1; a < argc; a++) {
		r = opt_value(argc, argv, &a, "--out", "-o", &out);
		if (r < 0)
			return 1;
		if (r)
			continue;
		if (n == 3)
			return fail_usage("'%s': expected ID OP [HEXBYTES] [--out BYTES]",
					  argv[a]);
		pos[n++] = argv[a];
	}
	if (n < 2)
		return fail_usage("expected ID OP [HEXBYTES] [--out BYTES], e.g. ctl 1 1");
	if (parse_id(pos[0], &arg.id) ||
	    parse_num(pos[1], "op", UINT32_MAX, &v) ||
	    (out && parse_num(out, "--out", DBDEV_CTL_MAX, &room)) ||
	    (pos[2] && parse_hex_bytes(pos[2], &in, &in_len)))
		return 1;
	arg.op = (uint32_t)v;
	buf = xcalloc(1, room > in_len ? room : in_len);
	if (in_len)
		memcpy(buf, in, in_len);
	free(in);
	arg.in_len = in_len;
	arg.out_len = (uint32_t)room;
	arg.buf = (uintptr_t)buf;
	err = dev_ioctl(DBDEV_DEVICE_CTL, &arg);
	if (err) {
		free(buf);
		return ctl_failed(err, &arg);
	}
	printf("# %u bytes\n", arg.out_len);
	for (i = 0; i < arg.out_len; i++) {
		if (i % 16 == 0)
			printf("%04x ", i);
		printf(" %02x%s", buf[i], i + 1 == arg.out_len || i % 16 == 15 ? "\n" : "");
	}
	free(buf);
	return 0;
}

/* pools, or pools set KEY=VALUE... */
int cmd_pools(int argc, char **argv)
{
	struct dbdev_upools p = { .argsz = sizeof(p) };
	int i, err;

	if (argc > 1 && strcmp(argv[1], "set"))
		return fail_usage("'%s': expected nothing (show) or set KEY=VALUE...",
				  argv[1]);
	if (argc == 2)
		return fail_usage("set needs KEY=VALUE..., e.g. pools set irq=5-11");
	for (i = 2; i < argc; i++)	/* check them all before asking the kernel */
		if (parse_pool_setting(argv[i], &p))
			return 1;
	err = dev_ioctl(DBDEV_GET_POOLS, &p);
	if (err)
		return fail_errno(err, NULL);
	if (argc == 1) {
		print_pools(&p);
		return 0;
	}
	for (i = 2; i < argc; i++)
		if (parse_pool_setting(argv[i], &p))
			return 1;
	p.argsz = sizeof(p);
	p.flags = 0;
	err = dev_ioctl(DBDEV_SET_POOLS, &p);
	if (err == EBUSY)
		return fail_errno(err, "the pools change only while the context has no device and no open transaction");
	if (err == EINVAL)
		return fail_errno(err, "the kernel refused the pools (each MIN <= MAX in its space; MMIO windows ascending and disjoint; a locally administered unicast MAC prefix)");
	return err ? fail_errno(err, NULL) : 0;
}
