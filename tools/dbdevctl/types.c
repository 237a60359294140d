// SPDX-License-Identifier: GPL-2.0
/*
 * dbdevctl: what the device types say of themselves (DBDEV_LIST_TYPES,
 * DBDEV_DESCRIBE_TYPE), and what follows from it: parameters built from
 * KEY=VALUE for any type, commands by name with their answers decoded;
 * and the generic device operations: stats, reset, save, restore.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dbdevctl.h"

/* ------------------------------------------------------------------------
 * Types and their descriptions
 */

/* All the types loaded: their number, the array in *@out (to free). */
static int list_types(struct dbdev_type_info **out, uint32_t *nr)
{
	struct dbdev_list_types arg = { .argsz = sizeof(arg) };
	struct dbdev_type_info *t = NULL;
	int err;

	for (;;) {
		err = dev_ioctl(DBDEV_LIST_TYPES, &arg);
		if (err != E2BIG)
			break;
		free(t);
		t = xcalloc(arg.nr_types, sizeof(*t));
		arg.types = (uintptr_t)t;
	}
	if (err) {
		free(t);
		return fail_errno(err, "listing the types");
	}
	*out = t;
	*nr = arg.nr_types;
	return 0;
}

int type_describe(const char *name, struct type_desc *d)
{
	struct dbdev_describe_type arg = { .argsz = sizeof(arg) };
	struct dbdev_type_info *types;
	uint32_t nr, i;
	int err;

	memset(d, 0, sizeof(*d));
	if (strlen(name) >= sizeof(arg.type))
		return fail_usage("type '%s': longer than %d characters", name,
				  DBDEV_TYPE_NAME_LEN - 1);
	if (list_types(&types, &nr))
		return 1;
	for (i = 0; i < nr && strcmp(types[i].name, name); i++)
		;
	if (i < nr)
		d->info = types[i];
	free(types);
	if (i == nr)
		return fail_errno(ENOENT, "no device type '%s' (is its module loaded? "
				  DBDEV_TEST_TYPE "'s is dbdev_testdev)", name);

	strcpy(arg.type, name);
	arg.nr_fields = d->info.nr_fields;
	arg.nr_ctls = d->info.nr_ctls;
	d->fields = xcalloc(arg.nr_fields, sizeof(*d->fields));
	d->ctls = xcalloc(arg.nr_ctls, sizeof(*d->ctls));
	arg.fields = (uintptr_t)d->fields;
	arg.ctls = (uintptr_t)d->ctls;
	err = dev_ioctl(DBDEV_DESCRIBE_TYPE, &arg);
	if (err) {
		type_desc_free(d);
		return fail_errno(err, "describing type '%s'", name);
	}
	return 0;
}

void type_desc_free(struct type_desc *d)
{
	free(d->fields);
	free(d->ctls);
	d->fields = NULL;
	d->ctls = NULL;
}

/* The fields of command @c: its input's, its head's, its records', in order */
const struct dbdev_ufield *ctl_fields(const struct type_desc *d,
					     const struct dbdev_uctl *c)
{
	const struct dbdev_ufield *f = d->fields + d->info.nr_params;
	const struct dbdev_uctl *p;

	for (p = d->ctls; p < c; p++)
		f += p->in_fields + p->out_fields + p->each_fields;
	return f;
}

const struct dbdev_uctl *type_ctl(const struct type_desc *d, const char *name)
{
	uint32_t i;

	for (i = 0; i < d->info.nr_ctls; i++)
		if (!strcmp(d->ctls[i].name, name))
			return &d->ctls[i];
	return NULL;
}

static const char *const format_names[] = {
	[DBDEV_UFIELD_UINT] = "uint", [DBDEV_UFIELD_HEX] = "hex",
	[DBDEV_UFIELD_INT] = "int", [DBDEV_UFIELD_BYTES] = "bytes",
};

static void print_fields(const char *what, const struct dbdev_ufield *f,
			 uint32_t nr, uint32_t size)
{
	uint32_t i;

	printf("  %s (%u bytes):", what, size);
	for (i = 0; i < nr; i++)
		printf(" %s@%u:%s%u", f[i].name, f[i].offset,
		       f[i].format < ARRAY_SIZE(format_names) ?
		       format_names[f[i].format] : "?", f[i].size);
	printf("\n");
}

static void print_type(const struct type_desc *d)
{
	const struct dbdev_type_info *t = &d->info;
	uint32_t i;

	printf("%s", t->name);
	if (t->params_size)
		printf(" params:%u", t->params_size);
	if (t->flags & DBDEV_TYPE_CTL)
		printf(" ctl");
	if (t->flags & DBDEV_TYPE_RESET)
		printf(" reset");
	if (t->flags & DBDEV_TYPE_STATE)
		printf(" state:v%u", t->state_version);
	printf("\n");
	if (t->params_size)
		print_fields("params", d->fields, t->nr_params, t->params_size);
	for (i = 0; i < t->nr_ctls; i++) {
		const struct dbdev_uctl *c = &d->ctls[i];
		const struct dbdev_ufield *f = ctl_fields(d, c);

		printf("  ctl %u %s%s%s\n", c->op, c->name,
		       c->flags & DBDEV_UCTL_IN_BYTES ? " in:bytes" : "",
		       c->flags & DBDEV_UCTL_OUT_BYTES ? " out:bytes" : "");
		if (c->in_size)
			print_fields("  in", f, c->in_fields, c->in_size);
		f += c->in_fields;
		if (c->out_size)
			print_fields("  out", f, c->out_fields, c->out_size);
		f += c->out_fields;
		if (c->each_size)
			print_fields("  each", f, c->each_fields, c->each_size);
	}
}

int cmd_types(int argc, char **argv)
{
	struct dbdev_type_info *types;
	struct type_desc d;
	uint32_t nr, i;
	int err = 0;

	if (argc > 2)
		return fail_usage("takes at most a type's name");
	if (argc == 2) {
		if (type_describe(argv[1], &d))
			return 1;
		print_type(&d);
		type_desc_free(&d);
		return 0;
	}
	if (list_types(&types, &nr))
		return 1;
	for (i = 0; i < nr && !err; i++) {
		err = type_describe(types[i].name, &d);
		if (!err)
			print_type(&d);
		type_desc_free(&d);
	}
	free(types);
	return err;
}

/* ------------------------------------------------------------------------
 * Structures from KEY=VALUE,... and back
 */

static const struct dbdev_ufield *field_named(const struct dbdev_ufield *f,
					      uint32_t nr, const char *name,
					      size_t len)
{
	for (; nr--; f++)
		if (strlen(f->name) == len && !strncmp(f->name, name, len))
			return f;
	return NULL;
}

static int set_field(uint8_t *buf, const struct dbdev_ufield *f,
		     const char *val, const char *what)
{
	__u64 v, max = f->size == 8 ? UINT64_MAX : (1ULL << (8 * f->size)) - 1;
	uint8_t *bytes;
	uint32_t len, i;

	if (f->format == DBDEV_UFIELD_BYTES) {
		if (parse_hex_bytes(val, &bytes, &len))
			return 1;
		if (len > f->size) {
			free(bytes);
			return fail_usage("%s %s: %u bytes, more than its %u", what,
					  f->name, len, f->size);
		}
		memcpy(buf + f->offset, bytes, len);
		free(bytes);
		return 0;
	}
	if (f->format == DBDEV_UFIELD_INT && val[0] == '-') {
		if (parse_num(val + 1, f->name, (max >> 1) + 1, &v))
			return 1;
		v = -v;
	} else if (parse_num(val, f->name, f->format == DBDEV_UFIELD_INT ?
			     max >> 1 : max, &v)) {
		return 1;
	}
	for (i = 0; i < f->size; i++)	/* little-endian, as the ABI */
		buf[f->offset + i] = (uint8_t)(v >> (8 * i));
	return 0;
}

int build_struct(const char *kvs, const struct dbdev_ufield *f, uint32_t nr,
		 uint8_t *buf, const char *what)
{
	char *copy = xstrdup(kvs), *kv, *next, *eq;
	const struct dbdev_ufield *field;
	int err = 0;

	for (kv = copy; kv && *kv && !err; kv = next) {
		next = strchr(kv, ',');
		if (next)
			*next++ = 0;
		eq = strchr(kv, '=');
		field = eq ? field_named(f, nr, kv, eq - kv) : NULL;
		if (!field) {
			err = fail_usage("%s '%s': expected KEY=VALUE, KEY one of the %u fields `"
					 PROG " types` shows", what, kv, nr);
			break;
		}
		err = set_field(buf, field, eq + 1, what);
	}
	free(copy);
	return err;
}

static __u64 get_field(const uint8_t *buf, const struct dbdev_ufield *f)
{
	__u64 v = 0;
	uint32_t i;

	for (i = 0; i < f->size && i < 8; i++)
		v |= (__u64)buf[f->offset + i] << (8 * i);
	if (f->format == DBDEV_UFIELD_INT && f->size < 8 &&
	    (v >> (8 * f->size - 1)) & 1)
		v |= ~0ULL << (8 * f->size);
	return v;
}

/* Print @buf's fields as KEY=VALUE on one line, after @prefix. */
static void print_struct(const char *prefix, const uint8_t *buf,
			 const struct dbdev_ufield *f, uint32_t nr)
{
	uint32_t i, j;

	printf("%s", prefix);
	for (i = 0; i < nr; i++, f++) {
		printf("%s%s=", i ? " " : "", f->name);
		if (f->format == DBDEV_UFIELD_BYTES)
			for (j = 0; j < f->size; j++)
				printf("%02x", buf[f->offset + j]);
		else if (f->format == DBDEV_UFIELD_HEX)
			printf("0x%llx", (unsigned long long)get_field(buf, f));
		else if (f->format == DBDEV_UFIELD_INT)
			printf("%lld", (long long)get_field(buf, f));
		else
			printf("%llu", (unsigned long long)get_field(buf, f));
	}
	printf("\n");
}

static void print_bytes(const uint8_t *buf, uint32_t len)
{
	uint32_t i;

	printf("# %u bytes\n", len);
	for (i = 0; i < len; i++) {
		if (i % 16 == 0)
			printf("%04x ", i);
		printf(" %02x%s", buf[i], i + 1 == len || i % 16 == 15 ? "\n" : "");
	}
}

void print_answer(const struct type_desc *d, const struct dbdev_uctl *c,
		  const uint8_t *buf, uint32_t len)
{
	const struct dbdev_ufield *f;
	uint32_t off = 0;

	if (!d || !c) {
		print_bytes(buf, len);
		return;
	}
	f = ctl_fields(d, c) + c->in_fields;
	if (c->out_size && len >= c->out_size) {
		print_struct("", buf, f, c->out_fields);
		off = c->out_size;
	}
	f += c->out_fields;
	for (; c->each_size && len - off >= c->each_size; off += c->each_size)
		print_struct("  ", buf + off, f, c->each_fields);
	if (off < len)
		print_bytes(buf + off, len - off);
}

/* ------------------------------------------------------------------------
 * stats, reset, save, restore
 */

int cmd_stats(int argc, char **argv)
{
	struct dbdev_device_stats s = { .argsz = sizeof(s) };
	int err;

	if (argc != 2)
		return fail_usage("expected one device id, e.g. stats 1");
	if (parse_id(argv[1], &s.id))
		return 1;
	err = dev_ioctl(DBDEV_DEVICE_STATS, &s);
	if (err == ENOENT)
		return fail_errno(err, "no device %u", s.id);
	if (err)
		return fail_errno(err, NULL);
	printf("pio: %llu reads, %llu writes, %llu failed\n",
	       (unsigned long long)s.pio_reads, (unsigned long long)s.pio_writes,
	       (unsigned long long)s.pio_errors);
	printf("mmio: %llu reads, %llu writes, %llu failed\n",
	       (unsigned long long)s.mmio_reads, (unsigned long long)s.mmio_writes,
	       (unsigned long long)s.mmio_errors);
	printf("irqs: %llu raised, %llu with nothing connected, %llu resampled; %llu notifications\n",
	       (unsigned long long)s.irqs, (unsigned long long)s.irqs_unbound,
	       (unsigned long long)s.irqs_resampled,
	       (unsigned long long)s.notifications);
	return 0;
}

static int state_failed(int err, uint32_t id, const char *op)
{
	switch (err) {
	case ENOENT:
		return fail_errno(err, "no device %u", id);
	case EOPNOTSUPP:
		return fail_errno(err, "device %u's type cannot %s (`" PROG " types`)",
				  id, op);
	case EPROTONOSUPPORT:
		return fail_errno(err, "the state is of a newer version than this kernel's type");
	case EINVAL:
		return fail_errno(err, !strcmp(op, "restore") ?
				  "the state is not one of this device's type and parameters" :
				  NULL);
	}
	return fail_errno(err, NULL);
}

int cmd_reset(int argc, char **argv)
{
	struct dbdev_device_reset r = { .argsz = sizeof(r) };
	int err;

	if (argc != 2)
		return fail_usage("expected one device id, e.g. reset 1");
	if (parse_id(argv[1], &r.id))
		return 1;
	err = dev_ioctl(DBDEV_DEVICE_RESET, &r);
	return err ? state_failed(err, r.id, "reset") : 0;
}

int cmd_save(int argc, char **argv)
{
	struct dbdev_device_state s = { .argsz = sizeof(s) };
	uint8_t *buf = NULL;
	FILE *f;
	int err;

	if (argc != 3)
		return fail_usage("expected a device id and a file, e.g. save 1 uart.state");
	if (parse_id(argv[1], &s.id))
		return 1;
	do {
		free(buf);
		buf = xcalloc(1, s.len);
		s.buf = (uintptr_t)buf;
		err = dev_ioctl(DBDEV_DEVICE_SAVE, &s);
	} while (err == E2BIG);
	if (err) {
		free(buf);
		return state_failed(err, s.id, "save");
	}
	f = fopen(argv[2], "wb");
	err = !f || fwrite(buf, 1, s.len, f) != s.len;
	if (f && fclose(f))
		err = 1;
	free(buf);
	if (err)
		return fail_errno(errno, "writing %s", argv[2]);
	printf("# %u bytes\n", s.len);
	return 0;
}

int cmd_restore(int argc, char **argv)
{
	struct dbdev_device_state s = { .argsz = sizeof(s) };
	uint8_t *buf;
	size_t n;
	FILE *f;
	int err;

	if (argc != 3)
		return fail_usage("expected a device id and a file, e.g. restore 1 uart.state");
	if (parse_id(argv[1], &s.id))
		return 1;
	f = fopen(argv[2], "rb");
	if (!f)
		return fail_errno(errno, "reading %s", argv[2]);
	buf = xcalloc(1, DBDEV_STATE_MAX + 1);
	n = fread(buf, 1, DBDEV_STATE_MAX + 1, f);
	fclose(f);
	s.len = (uint32_t)n;
	s.buf = (uintptr_t)buf;
	err = dev_ioctl(DBDEV_DEVICE_RESTORE, &s);
	free(buf);
	return err ? state_failed(err, s.id, "restore") : 0;
}
