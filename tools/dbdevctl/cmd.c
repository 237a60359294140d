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

int device_named(const char *name, uint32_t *id, struct dbdev_uresource *res,
		 unsigned int *nr)
{
	struct dbdev_list_devices arg = {
		.argsz = sizeof(arg), .flags = DBDEV_LIST_NAME,
		.nr_devices = 1, .nr_resources = DBDEV_MAX_ITEMS,
		.resources = (uintptr_t)res,
	};
	struct dbdev_device_info info;
	int err;

	if (strlen(name) >= sizeof(arg.name))
		return EINVAL;
	strcpy(arg.name, name);
	arg.devices = (uintptr_t)&info;
	err = dev_ioctl(DBDEV_LIST_DEVICES, &arg);
	if (!err) {
		*id = info.id;
		*nr = info.nr_resources;
	}
	return err;
}

int parse_id(const char *s, uint32_t *id)
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

/*
 * --params KEY=VALUE,...: the parameter structure of @type, from what the
 * type says of it; its argsz first, as every such structure.
 */
static int build_params(const char *type, const char *kvs, uint8_t **blob,
			uint32_t *len)
{
	struct type_desc d;
	uint32_t size;
	int err;

	if (type_describe(type, &d))
		return 1;
	size = d.info.params_size;
	if (!size) {
		type_desc_free(&d);
		return fail_usage("--params: type '%s' takes no parameters", type);
	}
	*blob = xcalloc(1, size);
	memcpy(*blob, &size, sizeof(size));
	*len = size;
	err = build_struct(kvs, d.fields, d.info.nr_params, *blob, "--params");
	type_desc_free(&d);
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
	bool alloc = arg->flags & DBDEV_CREATE_CONSTRAINTS, explain;
	char why[128];
	unsigned int i;

	/* constraints are explained against the pools, if they can be read */
	explain = !alloc || !dev_ioctl(DBDEV_GET_POOLS, &p);
	for (i = 0; explain && i < arg->nr_items; i++)
		if (alloc ? explain_con(&con[i], &p, why, sizeof(why)) :
			    explain_res(&res[i], why, sizeof(why)))
			return fail_errno(EINVAL, "%s '%s': %s", alloc ? "constraint" :
					  "resource", items[i], why);
	/* what the kernel checks and this cannot: the device's callbacks */
	return fail_errno(EINVAL, "the kernel refused %s (%s)",
			  arg->params_len ? "an item or the parameters" :
					    "an item",
			  "a range on a bus the device has no callbacks for?");
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

	if (params || hex) {
		if (params ? build_params(type, params, &blob, &arg.params_len) :
			     parse_hex_bytes(hex, &blob, &arg.params_len))
			goto out_fail;
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

/* alloc [--name NAME] CONSTRAINT...: DBDEV_ALLOC */
int cmd_alloc(int argc, char **argv)
{
	struct dbdev_alloc arg = { .argsz = sizeof(arg) };
	struct dbdev_uresource got[DBDEV_MAX_ITEMS];
	struct dbdev_uconstraint con[DBDEV_MAX_ITEMS];
	const char *name = NULL;
	char buf[64];
	unsigned int nr = 0, i;
	int a, r, err;

	for (a = 1; a < argc; a++) {
		r = opt_value(argc, argv, &a, "--name", "-n", &name);
		if (r < 0)
			return 1;
		if (r)
			continue;
		if (nr == DBDEV_MAX_ITEMS)
			return fail_usage("more than %d constraints", DBDEV_MAX_ITEMS);
		if (parse_constraint(argv[a], &con[nr++]))
			return 1;
	}
	if (!nr)
		return fail_usage("which constraints? e.g. alloc mmio:0x1000 irq");
	if (name && !var_name_ok(name))
		return fail_usage("--name '%s': a name is a letter or '_', then letters, digits or '_'",
				  name);
	arg.nr_items = nr;
	arg.items = (uintptr_t)con;
	arg.assigned = (uintptr_t)got;
	arg.assigned_max = DBDEV_MAX_ITEMS;
	err = dev_ioctl(DBDEV_ALLOC, &arg);
	switch (err) {
	case 0:
		break;
	case ENOSPC:
		return fail_errno(err, "a constraint fits nowhere in the pools (see `" PROG " pools`)");
	case EBUSY:
		return fail_errno(err, "a fixed IRQ or slot is taken, or a transaction is open");
	case EMFILE:
		return fail_errno(err, "the context keeps its most reservations");
	default:
		return fail_errno(err, NULL);
	}
	for (i = 0; i < arg.nr_assigned; i++)
		printf("%s%s", i ? " " : "", fmt_resource(buf, sizeof(buf), &got[i]));
	printf("\n");
	if (name)
		var_bind(name, 0, got, arg.nr_assigned);
	return 0;
}

/* free RESOURCE...: DBDEV_FREE */
int cmd_free(int argc, char **argv)
{
	struct dbdev_free arg = { .argsz = sizeof(arg) };
	struct dbdev_uresource res[DBDEV_MAX_ITEMS];
	int a, err;

	if (argc < 2)
		return fail_usage("which resources? e.g. free irq:5");
	if (argc - 1 > DBDEV_MAX_ITEMS)
		return fail_usage("more than %d resources", DBDEV_MAX_ITEMS);
	for (a = 1; a < argc; a++)
		if (parse_resource(argv[a], &res[a - 1]))
			return 1;
	arg.nr = argc - 1;
	arg.resources = (uintptr_t)res;
	err = dev_ioctl(DBDEV_FREE, &arg);
	if (err == EBUSY)
		return fail_errno(err, "a device took it over (destroy the device), or a transaction is open");
	if (err == EINVAL)
		return fail_errno(err, "not reserved, or not exactly as `alloc` gave it");
	return err ? fail_errno(err, NULL) : 0;
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

/* LIST as @arg asks, into arrays of the right size (to free): 0 or an errno */
static int fetch_devices(struct dbdev_list_devices *arg,
			 struct dbdev_device_info **dev,
			 struct dbdev_uresource **res)
{
	int err;

	*dev = NULL;
	*res = NULL;
	for (;;) {
		err = dev_ioctl(DBDEV_LIST_DEVICES, arg);
		if (err != E2BIG)
			return err;
		free(*dev);
		free(*res);
		*dev = xcalloc(arg->nr_devices, sizeof(**dev));
		*res = xcalloc(arg->nr_resources, sizeof(**res));
		arg->devices = (uintptr_t)*dev;
		arg->resources = (uintptr_t)*res;
	}
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
	err = fetch_devices(&arg, &dev, &res);
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
/* The type of device @id into @type: 0 or an errno. */
static int device_type_of(uint32_t id, char type[DBDEV_TYPE_NAME_LEN])
{
	struct dbdev_list_devices arg = { .argsz = sizeof(arg) };
	struct dbdev_device_info *dev = NULL;
	struct dbdev_uresource *res = NULL;
	uint32_t i;
	int err;

	err = fetch_devices(&arg, &dev, &res);
	for (i = 0; !err && i < arg.nr_devices && dev[i].id != id; i++)
		;
	if (!err && i == arg.nr_devices)
		err = ENOENT;
	if (!err)
		memcpy(type, dev[i].type, DBDEV_TYPE_NAME_LEN);
	free(dev);
	free(res);
	return err;
}

/*
 * ctl's input: KEY=VALUE,... for a command whose input structure its type
 * describes, else (or without '=') hex bytes.
 */
static int ctl_input(const struct type_desc *d, const struct dbdev_uctl *c,
		     const char *s, uint8_t **in, uint32_t *len)
{
	if (!c || !c->in_size || !strchr(s, '='))
		return parse_hex_bytes(s, in, len);
	*in = xcalloc(1, c->in_size);
	*len = c->in_size;
	return build_struct(s, ctl_fields(d, c), c->in_fields, *in, "input");
}

int cmd_ctl(int argc, char **argv)
{
	struct dbdev_device_ctl arg = { .argsz = sizeof(arg) };
	const char *pos[3] = { NULL }, *out = NULL;
	const struct dbdev_uctl *c = NULL;
	char type[DBDEV_TYPE_NAME_LEN];
	struct type_desc d = { 0 };
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
			return fail_usage("'%s': expected ID OP [INPUT] [--out BYTES]",
					  argv[a]);
		pos[n++] = argv[a];
	}
	if (n < 2)
		return fail_usage("expected ID OP [INPUT] [--out BYTES], e.g. ctl 1 read_log");
	if (parse_id(pos[0], &arg.id) ||
	    (out && parse_num(out, "--out", DBDEV_CTL_MAX, &room)))
		return 1;
	/* what the device's type says of its commands, if anything */
	err = device_type_of(arg.id, type);
	if (err == ENOENT)
		return fail_errno(err, "no device %u", arg.id);
	if (err)
		return fail_errno(err, NULL);
	if (type_describe(type, &d))
		return 1;
	if (pos[1][0] >= '0' && pos[1][0] <= '9') {
		if (parse_num(pos[1], "op", UINT32_MAX, &v))
			goto fail;
		arg.op = (uint32_t)v;
		for (i = 0; i < d.info.nr_ctls; i++)
			if (d.ctls[i].op == arg.op)
				c = &d.ctls[i];
	} else {
		c = type_ctl(&d, pos[1]);
		if (!c) {
			fail_usage("type %s has no command '%s' (`" PROG " types %s`)",
				   type, pos[1], type);
			goto fail;
		}
		arg.op = c->op;
	}
	if (pos[2] && ctl_input(&d, c, pos[2], &in, &in_len))
		goto fail;

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
		type_desc_free(&d);
		return ctl_failed(err, &arg);
	}
	print_answer(c ? &d : NULL, c, buf, arg.out_len);
	free(buf);
	type_desc_free(&d);
	return 0;

fail:
	free(in);
	type_desc_free(&d);
	return 1;
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
