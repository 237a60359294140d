// SPDX-License-Identifier: GPL-2.0
/*
 * dbdevctl: the I/O commands, read, expect, write (DBDEV_IO) and batch
 * (DBDEV_IO_BATCH).  Data is little-endian, as the guest sees it.  What an
 * access did (io.result) fails the command with its errno, as a refused
 * ioctl does.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dbdevctl.h"

/* One access being built: the ioctl's struct, its data, what a read expects */
struct access {
	struct dbdev_io io;
	uint8_t *data;
	__u64 *want;		/* count values, or NULL */
};

static __u64 get_le(const uint8_t *p, unsigned int size)
{
	__u64 v = 0;

	while (size--)
		v = v << 8 | p[size];
	return v;
}

static void put_le(uint8_t *p, unsigned int size, __u64 v)
{
	unsigned int i;

	for (i = 0; i < size; i++, v >>= 8)
		p[i] = (uint8_t)v;
}

static __u64 element_addr(const struct dbdev_io *io, uint32_t i)
{
	return io->bus == DBDEV_IO_MMIO ? io->addr + (__u64)i * io->size :
					  io->addr;
}

/* BUS ADDR SIZE: the head of every access */
static int access_head(struct access *x, bool write, const char *bus,
		       const char *addr, const char *size)
{
	__u64 v;

	memset(x, 0, sizeof(*x));
	x->io.dir = write ? DBDEV_IO_WRITE : DBDEV_IO_READ;
	if (parse_bus(bus, &x->io.bus) ||
	    parse_num(addr, "address", UINT64_MAX, &x->io.addr) ||
	    parse_num(size, "size", UINT64_MAX, &v))
		return 1;
	if (!v || v > 8)
		return fail_usage("size '%s': an access is 1 to 8 bytes", size);
	x->io.size = (uint8_t)v;
	return 0;
}

/* The element count of an access: 1 to DBDEV_IO_MAX_BYTES / size */
static int access_count(struct access *x, __u64 n, const char *what)
{
	unsigned int max = DBDEV_IO_MAX_BYTES / x->io.size;

	if (!n || n > max)
		return fail_usage("%s: 1 to %u elements of %u byte%s (at most %d bytes in one access)",
				  what, max, x->io.size, x->io.size > 1 ? "s" : "",
				  DBDEV_IO_MAX_BYTES);
	x->io.count = (uint32_t)n;
	x->data = xcalloc(n, x->io.size);
	x->io.data = (uintptr_t)x->data;
	return 0;
}

/* @n VALUEs of the access's size: the data of a write, or what a read expects */
static int access_values(struct access *x, char **vals, unsigned int n)
{
	__u64 max = x->io.size == 8 ? UINT64_MAX :
		       (1ULL << (8 * x->io.size)) - 1;
	char what[32];
	unsigned int i;

	snprintf(what, sizeof(what), "%u-byte value", x->io.size);
	if (x->io.dir == DBDEV_IO_READ)
		x->want = xcalloc(n, sizeof(*x->want));
	for (i = 0; i < n; i++) {
		__u64 v;

		if (parse_num(vals[i], what, max, &v))
			return 1;
		if (x->want)
			x->want[i] = v;
		else
			put_le(x->data + i * x->io.size, x->io.size, v);
	}
	return 0;
}

static void access_free(struct access *x)
{
	free(x->data);
	free(x->want);
}

/* Where element @i of @io went: "mmio 0xd0000004" */
static const char *element_where(char *buf, size_t n, const struct dbdev_io *io,
				 uint32_t i)
{
	char a[24];

	snprintf(buf, n, "%s %s", bus_name(io->bus), fmt_hex(a, element_addr(io, i)));
	return buf;
}

/* What the access's io.result means, as a failure */
static int access_failed(const struct dbdev_io *io)
{
	char where[48], elem[48] = "";
	int err = -io->result;

	element_where(where, sizeof(where), io, io->done);
	if (io->count > 1)
		snprintf(elem, sizeof(elem), " (element %u of %u)", io->done + 1,
			 io->count);
	if (io->device)
		return fail_errno(err, "the device failed the access at %s%s",
				  where, elem);
	switch (err) {
	case ENODEV:
		return fail_errno(err, "no device at %s%s", where, elem);
	case ERANGE:
		return fail_errno(err, "%s+%u runs past the end of its range%s",
				  where, io->size, elem);
	case EDEADLK:
		return fail_errno(err, "%s would re-enter a device%s", where, elem);
	}
	return fail_errno(err, "the device failed the access at %s%s", where, elem);
}

/* The ioctl itself refused the access (not what the access did) */
static int io_ioctl_failed(int err)
{
	if (err == EINVAL)
		return fail_errno(err, "the kernel refused the access (a port is below 0x10000; MMIO may not wrap past 2^64)");
	if (err == E2BIG)
		return fail_errno(err, "more than %d bytes in one access", DBDEV_IO_MAX_BYTES);
	return fail_errno(err, NULL);
}

/* Compare what a checked read got; a failure names the first difference. */
static int access_check(const struct access *x)
{
	const struct dbdev_io *io = &x->io;
	uint32_t i, bad = 0, first = 0;
	char where[48], got[24], want[24];

	for (i = 0; i < io->count; i++) {
		if (get_le(x->data + i * io->size, io->size) == x->want[i])
			continue;
		if (!bad++)
			first = i;
	}
	if (!bad)
		return 0;
	element_where(where, sizeof(where), io, first);
	fmt_value(got, get_le(x->data + first * io->size, io->size), io->size);
	fmt_value(want, x->want[first], io->size);
	if (io->count == 1)
		return fail_check("%s: read %s, expected %s", where, got, want);
	return fail_check("%s (element %u of %u): read %s, expected %s; %u of %u differ",
			  where, first + 1, io->count, got, want, bad, io->count);
}

static void print_values(const struct access *x, uint32_t n)
{
	char buf[24];
	uint32_t i;

	for (i = 0; i < n; i++)
		printf("%s%s", fmt_value(buf, get_le(x->data + i * x->io.size, x->io.size),
					 x->io.size),
		       i + 1 == n || i % 8 == 7 ? "\n" : " ");
}

/* read BUS ADDR SIZE [COUNT] [== VALUE...] */
int cmd_read(int argc, char **argv)
{
	struct dbdev_io_one arg = { .argsz = sizeof(arg) };
	struct access x;
	int eq, err;
	__u64 n = 1;

	if (argc < 4)
		return fail_usage("expected BUS ADDR SIZE [COUNT] [== VALUE...], e.g. read mmio 0xd0000000 4");
	for (eq = 4; eq < argc && strcmp(argv[eq], "=="); eq++)
		;
	if (eq > 5)
		return fail_usage("'%s': expected == or the end after COUNT", argv[5]);
	if (eq + 1 == argc)
		return fail_usage("== needs the expected VALUEs");
	if (access_head(&x, false, argv[1], argv[2], argv[3]))
		return 1;
	if (eq == 5 && parse_num(argv[4], "count", UINT64_MAX, &n))
		return 1;
	if (eq < argc && eq == 4)
		n = (__u64)(argc - eq - 1);
	if (eq < argc && n != (__u64)(argc - eq - 1))
		return fail_usage("COUNT is %llu but == gives %d values", n,
				  argc - eq - 1);
	err = access_count(&x, n, "count") ||
	      (eq < argc && access_values(&x, argv + eq + 1, (unsigned int)n));
	if (err)
		goto out;

	arg.io = x.io;
	err = dev_ioctl(DBDEV_IO, &arg);
	if (err) {
		err = io_ioctl_failed(err);
		goto out;
	}
	if (!x.want)
		print_values(&x, arg.io.done);
	if (arg.io.result)
		err = access_failed(&arg.io);
	else if (x.want)
		err = access_check(&x);
out:
	access_free(&x);
	return err;
}

/* expect BUS ADDR SIZE VALUE...: read BUS ADDR SIZE == VALUE... */
int cmd_expect(int argc, char **argv)
{
	char **v = xcalloc((size_t)argc + 2, sizeof(*v));
	int i, err;

	if (argc < 5) {
		free(v);
		return fail_usage("expected BUS ADDR SIZE VALUE..., e.g. expect mmio 0xd0000000 4 0x12345678");
	}
	v[0] = argv[0];
	for (i = 1; i < 4; i++)
		v[i] = argv[i];
	v[4] = "==";
	for (i = 4; i < argc; i++)
		v[i + 1] = argv[i];
	err = cmd_read(argc + 1, v);
	free(v);
	return err;
}

/* write BUS ADDR SIZE VALUE... */
int cmd_write(int argc, char **argv)
{
	struct dbdev_io_one arg = { .argsz = sizeof(arg) };
	struct access x;
	int err;

	if (argc < 5)
		return fail_usage("expected BUS ADDR SIZE VALUE..., e.g. write pio 0x3f8 1 0x41");
	err = access_head(&x, true, argv[1], argv[2], argv[3]) ||
	      access_count(&x, (__u64)(argc - 4), "values") ||
	      access_values(&x, argv + 4, (unsigned int)(argc - 4));
	if (!err) {
		arg.io = x.io;
		err = dev_ioctl(DBDEV_IO, &arg);
		if (err)
			err = io_ioctl_failed(err);
		else if (arg.io.result)
			err = access_failed(&arg.io);
	}
	access_free(&x);
	return err;
}

/* Split @s at @sep into at most @max fields; how many. */
static int split(char *s, char sep, char **f, int max)
{
	int n = 0;

	while (n < max) {
		f[n++] = s;
		s = strchr(s, sep);
		if (!s)
			return n;
		*s++ = 0;
	}
	return max + 1;
}

/*
 * One access of a batch: r:BUS:ADDR:SIZE[:COUNT][=VALUE[,VALUE...]] or
 * w:BUS:ADDR:SIZE:VALUE[,VALUE...]
 */
static int batch_access(const char *tok, struct access *x)
{
	char *s = xstrdup(tok), *f[6], *vals[DBDEV_IO_MAX_BYTES], *eq;
	int nf, nv = 0, err = 1;
	__u64 n = 1;
	bool write;

	memset(x, 0, sizeof(*x));
	eq = strchr(s, '=');
	if (eq)
		*eq++ = 0;
	nf = split(s, ':', f, 5);
	write = !strcmp(f[0], "w");
	if ((strcmp(f[0], "r") && !write) || nf < 4 || nf > 5 ||
	    (write && (nf != 5 || eq)) || (eq && !*eq)) {
		fail_usage("access '%s': expected r:BUS:ADDR:SIZE[:COUNT][=VALUE[,VALUE...]] or w:BUS:ADDR:SIZE:VALUE[,VALUE...]",
			   tok);
		goto out;
	}
	if (access_head(x, write, f[1], f[2], f[3]))
		goto out;
	if (write || eq) {
		nv = split(write ? f[4] : eq, ',', vals, (int)ARRAY_SIZE(vals));
		n = (__u64)nv;
	}
	if (!write && nf == 5) {
		if (parse_num(f[4], "count", UINT64_MAX, &n))
			goto out;
		if (eq && n != (__u64)nv) {
			fail_usage("access '%s': COUNT is %llu but = gives %d values",
				   tok, n, nv);
			goto out;
		}
	}
	err = access_count(x, n, tok) || ((write || eq) &&
	      access_values(x, vals, (unsigned int)n));
out:
	free(s);
	return err;
}

/* The access as it could be given again, with what it read: r:mmio:0x10:4=0x1 */
static void print_access(const struct access *x)
{
	const struct dbdev_io *io = &x->io;
	bool w = io->dir == DBDEV_IO_WRITE;
	uint32_t i, n = w ? io->count : io->done;
	char a[24], v[24];

	printf("%c:%s:%s:%u", w ? 'w' : 'r', bus_name(io->bus), fmt_hex(a, io->addr),
	       io->size);
	if (!w && io->count > 1)
		printf(":%u", io->count);
	for (i = 0; i < n; i++)
		printf("%s%s", i ? "," : w ? ":" : "=",
		       fmt_value(v, get_le(x->data + i * io->size, io->size), io->size));
	if (io->result)
		printf(" %s (%u of %u done)", errname(-io->result), io->done, io->count);
}

/* batch ACCESS...: one DBDEV_IO_BATCH, a line per access */
int cmd_batch(int argc, char **argv)
{
	struct dbdev_io_batch arg = { .argsz = sizeof(arg) };
	struct access *x;
	struct dbdev_io *ios;
	int i, n = argc - 1, err = 0, first_err = -1, first_mismatch = -1;

	if (n < 1)
		return fail_usage("expected ACCESS..., e.g. batch w:mmio:0xd0000000:4:0x1234 r:mmio:0xd0000000:4=0x1234");
	if (n > DBDEV_BATCH_MAX)
		return fail_usage("more than %d accesses", DBDEV_BATCH_MAX);
	x = xcalloc((size_t)n, sizeof(*x));
	ios = xcalloc((size_t)n, sizeof(*ios));
	for (i = 0; i < n && !err; i++)
		err = batch_access(argv[i + 1], &x[i]);
	if (err)
		goto out;
	for (i = 0; i < n; i++)
		ios[i] = x[i].io;
	arg.nr = (uint32_t)n;
	arg.ios = (uintptr_t)ios;
	err = dev_ioctl(DBDEV_IO_BATCH, &arg);
	if (err) {
		err = io_ioctl_failed(err);
		goto out;
	}
	for (i = 0; i < n; i++) {
		bool mismatch;

		x[i].io.result = ios[i].result;
		x[i].io.done = ios[i].done;
		mismatch = !x[i].io.result && x[i].want && access_check(&x[i]);
		print_access(&x[i]);
		if (mismatch)
			printf(" MISMATCH: %s", g_fail.msg);
		printf("\n");
		if (x[i].io.result && first_err < 0)
			first_err = i;
		if (mismatch && first_mismatch < 0)
			first_mismatch = i;
	}
	/* the command fails as its first failed access, else its first mismatch */
	i = first_err >= 0 ? first_err : first_mismatch;
	if (i >= 0) {
		char why[sizeof(g_fail.msg)];

		if (first_err >= 0)
			access_failed(&x[i].io);
		else
			access_check(&x[i]);
		snprintf(why, sizeof(why), "%s", g_fail.msg);
		if (first_err >= 0)
			fail_errno(g_fail.err, "access %d of %d: %s", i + 1, n, why);
		else
			fail_check("access %d of %d: %s", i + 1, n, why);
		err = 1;
	}
out:
	for (i = 0; i < n; i++)
		access_free(&x[i]);
	free(x);
	free(ios);
	return err;
}

