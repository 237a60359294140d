// SPDX-License-Identifier: GPL-2.0
/*
 * dbdevctl: the syntax of numbers, resources, constraints and pools, both
 * ways.  What this file prints, it parses: a resource printed by `list`
 * can be given back to `create`, the pools printed by `pools` to `pools set`.
 *
 * Numbers: decimal, 0x hex or 0b binary, '_' between digits, an optional
 * K, M, G or T suffix (powers of 1024), terms joined by '+', and @NAME
 * references to devices created in this context.  Anything else, a sign,
 * an octal-looking leading zero or trailing garbage, is refused by name.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dbdevctl.h"

/* ------------------------------------------------------------------------
 * Errno names: what the kernel says, and what expect-error names
 */

#define E(x) { x, #x }
static const struct {
	int num;
	const char *name;
} errnames[] = {
	E(EPERM), E(ENOENT), E(ESRCH), E(EINTR), E(EIO), E(ENXIO), E(E2BIG),
	E(ENOEXEC), E(EBADF), E(ECHILD), E(EAGAIN), E(ENOMEM), E(EACCES),
	E(EFAULT), E(EBUSY), E(EEXIST), E(EXDEV), E(ENODEV), E(ENOTDIR),
	E(EISDIR), E(EINVAL), E(ENFILE), E(EMFILE), E(ENOTTY), E(ETXTBSY),
	E(EFBIG), E(ENOSPC), E(ESPIPE), E(EROFS), E(EMLINK), E(EPIPE),
	E(EDOM), E(ERANGE), E(EDEADLK), E(ENAMETOOLONG), E(ENOLCK),
	E(ENOSYS), E(ENOTEMPTY), E(ELOOP), E(ENOMSG), E(EIDRM), E(ENODATA),
	E(ENOTUNIQ),
	E(ETIME), E(EPROTO), E(EBADMSG), E(EOVERFLOW), E(EILSEQ),
	E(EOPNOTSUPP), E(ENOBUFS), E(EADDRINUSE), E(EADDRNOTAVAIL),
	E(ETIMEDOUT), E(EALREADY), E(EINPROGRESS), E(ESTALE), E(EREMOTEIO),
	E(ECANCELED), E(EKEYREJECTED), E(EHWPOISON),
	{ 512, "ERESTARTSYS" }, { 517, "EPROBE_DEFER" }, { 524, "ENOTSUPP" },
};
#undef E

const char *errname(int err)
{
	static char buf[32];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(errnames); i++)
		if (errnames[i].num == err)
			return errnames[i].name;
	snprintf(buf, sizeof(buf), "errno %d", err);
	return buf;
}

/* The errno called @name (or written as a number), or 0. */
int errnum(const char *name)
{
	__u64 v;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(errnames); i++)
		if (!strcmp(errnames[i].name, name))
			return errnames[i].num;
	if (isdigit((unsigned char)name[0]) &&
	    !parse_num(name, "errno", 4095, &v) && v)
		return (int)v;
	return 0;
}

/* ------------------------------------------------------------------------
 * Names of kinds
 */

/* By DBDEV_UR_*: also the KIND of @NAME.KIND */
static const char *const res_names[] = {
	"pio", "mmio", "mem", "irq", "msi", "slot", "mac",
};

/* By DBDEV_UMSI_* */
static const char *const msi_names[] = { "pci", "msix", "generic" };

static int name_index(const char *const *names, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(names[i], s))
			return (int)i;
	return -1;
}

const char *bus_name(unsigned int bus)
{
	return bus == DBDEV_IO_PIO ? "pio" : bus == DBDEV_IO_MMIO ? "mmio" : "bus?";
}

int parse_bus(const char *s, uint8_t *bus)
{
	if (!strcmp(s, "pio"))
		*bus = DBDEV_IO_PIO;
	else if (!strcmp(s, "mmio"))
		*bus = DBDEV_IO_MMIO;
	else
		return fail_usage("bus '%s': expected pio or mmio", s);
	return 0;
}

/* ------------------------------------------------------------------------
 * @NAME: devices created in this context
 */

struct var {
	char name[DBDEV_TYPE_NAME_LEN];
	uint32_t id;
	unsigned int nr;
	struct dbdev_uresource res[DBDEV_MAX_ITEMS];
};

static struct var *vars;
static size_t nr_vars;

bool var_name_ok(const char *name)
{
	const char *p;

	if (!*name || strlen(name) >= DBDEV_TYPE_NAME_LEN ||
	    !(isalpha((unsigned char)*name) || *name == '_'))
		return false;
	for (p = name; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_')
			return false;
	return true;
}

static struct var *var_find(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < nr_vars; i++)
		if (strlen(vars[i].name) == len && !memcmp(vars[i].name, name, len))
			return &vars[i];
	return NULL;
}

void var_bind(const char *name, uint32_t id, const struct dbdev_uresource *res,
	      unsigned int nr)
{
	struct var *v = var_find(name, strlen(name));

	if (!v) {
		vars = xrealloc(vars, (nr_vars + 1) * sizeof(*vars));
		v = &vars[nr_vars++];
		snprintf(v->name, sizeof(v->name), "%s", name);
	}
	v->id = id;
	v->nr = nr > DBDEV_MAX_ITEMS ? DBDEV_MAX_ITEMS : nr;
	memcpy(v->res, res, v->nr * sizeof(*res));
}

/*
 * @ref is what follows '@': NAME (the id), or NAME.KIND[N], the base of
 * the device's N-th resource of that kind (the first without N).  NAME is
 * one this run gave with --name, or else the name of a device of the
 * context (which another run, or the VMM of --pid, may have created).
 */
static int var_value(const char *ref, const char *what, const char *whole,
		     __u64 *out)
{
	size_t len = strcspn(ref, ".");
	const char *kind = ref + len;
	struct var *v = var_find(ref, len);
	static struct var named;	/* a device of the context, by name */
	char kname[8];
	unsigned int i, n = 0, k = 0;
	int type;

	if (!len)
		return fail_usage("%s '%s': '@' needs a device name, as in @uart or @uart.pio",
				  what, whole);
	if (!v && len < sizeof(named.name)) {
		memcpy(named.name, ref, len);
		named.name[len] = 0;
		if (!device_named(named.name, &named.id, named.res, &named.nr))
			v = &named;
	}
	if (!v)
		return fail_usage("%s '%s': no device is named @%.*s (name one with create --name NAME; @last is the latest)",
				  what, whole, (int)len, ref);
	if (!*kind) {
		*out = v->id;
		return 0;
	}
	kind++;
	len = strcspn(kind, "0123456789");
	if (len >= sizeof(kname))
		len = sizeof(kname) - 1;
	memcpy(kname, kind, len);
	kname[len] = 0;
	type = name_index(res_names, ARRAY_SIZE(res_names), kname);
	if (type < 0)
		return fail_usage("%s '%s': '%s' is not a resource kind (pio, mmio, mem, irq, msi, slot, mac)",
				  what, whole, kname);
	if (kind[len]) {
		__u64 idx;

		if (parse_num(kind + len, "resource index", 63, &idx))
			return 1;
		n = (unsigned int)idx;
	}
	for (i = 0; i < v->nr; i++) {
		if (v->res[i].type != (uint32_t)type)
			continue;
		if (k++ == n) {
			*out = v->res[i].base;
			return 0;
		}
	}
	return fail_usage("%s '%s': @%s has %u %s resource%s", what, whole,
			  v->name, k, kname, k == 1 ? "" : "s");
}

/* ------------------------------------------------------------------------
 * Numbers
 */

static int digit_value(char c, unsigned int base)
{
	int d;

	if (c >= '0' && c <= '9')
		d = c - '0';
	else if (c >= 'a' && c <= 'f')
		d = c - 'a' + 10;
	else if (c >= 'A' && c <= 'F')
		d = c - 'A' + 10;
	else
		return -1;
	return d < (int)base ? d : -1;
}

/* One term of a number, @t, a part of the user's @whole. */
static int parse_term(const char *t, const char *what, const char *whole,
		      __u64 *out)
{
	const char *p = t;
	unsigned int base = 10, digits = 0, shift = 0;
	__u64 n = 0;
	int d;

	if (*p == '@')
		return var_value(p + 1, what, whole, out);
	if (*p == '-')
		return fail_usage("%s '%s': negative numbers are not allowed", what, whole);
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	} else if (p[0] == '0' && (p[1] == 'b' || p[1] == 'B')) {
		base = 2;
		p += 2;
	}
	for (;; p++) {
		if (*p == '_' && digits && digit_value(p[1], base) >= 0)
			continue;
		d = digit_value(*p, base);
		if (d < 0)
			break;
		if (n > (UINT64_MAX - d) / base)
			return fail_usage("%s '%s': more than 64 bits", what, whole);
		n = n * base + d;
		digits++;
	}
	if (!digits) {
		if (!*t)
			return fail_usage("%s '%s': a number is missing", what, whole);
		if (base != 10)
			return fail_usage("%s '%s': no digits after '%.2s'", what, whole, t);
		return fail_usage("%s '%s': not a number", what, whole);
	}
	if (base == 10 && digits > 1 && t[0] == '0')
		return fail_usage("%s '%s': leading zero (octal is not supported; write 0x... for hex)",
				  what, whole);
	switch (*p) {
	case 'k': case 'K':
		shift = 10;
		break;
	case 'M':
		shift = 20;
		break;
	case 'G':
		shift = 30;
		break;
	case 'T':
		shift = 40;
		break;
	}
	if (*p == '_')
		return fail_usage("%s '%s': '_' goes only between two digits", what, whole);
	if (shift) {
		if (n > UINT64_MAX >> shift)
			return fail_usage("%s '%s': more than 64 bits", what, whole);
		n <<= shift;
		p++;
	}
	if (*p)
		return fail_usage("%s '%s': unexpected '%s' after the number (a number is decimal, 0x hex or 0b binary, with an optional K/M/G/T suffix)",
				  what, whole, p);
	*out = n;
	return 0;
}

/**
 * parse_num() - parse all of @s as a number of at most @max
 * @s: TERM[+TERM...], each term a number or an @NAME[.KIND[N]] reference
 * @what: what the number is, for messages ("address", "size", ...)
 */
int parse_num(const char *s, const char *what, __u64 max, __u64 *v)
{
	char *copy = xstrdup(s), *term, *plus;
	__u64 sum = 0, t = 0;
	char buf[24];
	int err = 0;

	for (term = copy; !err; term = plus + 1) {
		plus = strchr(term, '+');
		if (plus)
			*plus = 0;
		err = parse_term(term, what, s, &t);
		if (!err && t > UINT64_MAX - sum)
			err = fail_usage("%s '%s': the sum overflows 64 bits", what, s);
		sum += t;
		if (!plus)
			break;
	}
	free(copy);
	if (err)
		return err;
	if (sum > max)
		return fail_usage("%s '%s': too large (at most %s)", what, s,
				  fmt_hex(buf, max));
	*v = sum;
	return 0;
}

/* MIN-MAX, inclusive */
static int parse_window(const char *s, const char *what, __u64 max,
			struct dbdev_uwindow *w)
{
	char *copy = xstrdup(s), *dash;
	int err;

	dash = strchr(copy, '-');
	if (!dash) {
		free(copy);
		return fail_usage("%s '%s': expected MIN-MAX (inclusive), e.g. 0x100-0x1ff",
				  what, s);
	}
	*dash = 0;
	err = parse_num(copy, what, max, &w->min) ||
	      parse_num(dash + 1, what, max, &w->max);
	free(copy);
	return err;
}

/* @n bytes of two hex digits each, separated by ':' (a MAC or its prefix) */
static int parse_mac_bytes(const char *s, unsigned int n, uint8_t *out)
{
	const char *p = s;
	unsigned int i;

	for (i = 0; i < n; i++) {
		int hi = digit_value(p[0], 16), lo = hi < 0 ? -1 : digit_value(p[1], 16);

		if (lo < 0 || (i < n - 1 && p[2] != ':') ||
		    (i == n - 1 && p[2]))
			return fail_usage("MAC '%s': expected %u bytes of two hex digits separated by ':'%s",
					  s, n, n == 6 ? ", e.g. 02:db:de:00:00:01" : ", e.g. 02:db:de");
		out[i] = (uint8_t)(hi << 4 | lo);
		p += 3;
	}
	return 0;
}

int parse_hex_bytes(const char *s, uint8_t **buf, uint32_t *len)
{
	size_t n = 0, cap = strlen(s) / 2 + 1;
	uint8_t *b = malloc(cap);
	const char *p = s;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		p += 2;
	while (*p) {
		int hi, lo;

		if (*p == ':' || *p == '_') {
			p++;
			continue;
		}
		hi = digit_value(p[0], 16);
		lo = hi < 0 ? -1 : digit_value(p[1], 16);
		if (lo < 0) {
			free(b);
			return fail_usage("bytes '%s': expected pairs of hex digits (e.g. 0011aabb or 00:11:aa:bb) at '%s'",
					  s, p);
		}
		b[n++] = (uint8_t)(hi << 4 | lo);
		p += 2;
	}
	if (n > DBDEV_CTL_MAX) {
		free(b);
		return fail_usage("bytes '%.16s...': more than %d bytes", s, DBDEV_CTL_MAX);
	}
	*buf = b;
	*len = (uint32_t)n;
	return 0;
}

/* ------------------------------------------------------------------------
 * Resources: pio:0x3f8+8 mmio:... mem:... irq:4 msi:pci:24+4 slot:3 mac:...
 */

/* BASE+SIZE: the size follows the last '+', so BASE may be @nic.mmio+0x10 */
static int parse_base_size(const char *tok, const char *s, __u64 max,
			   __u64 *base, __u64 *size)
{
	char *copy = xstrdup(s), *plus;
	int err;

	plus = strrchr(copy, '+');
	if (!plus) {
		free(copy);
		return fail_usage("resource '%s': expected BASE+SIZE after the kind, e.g. mmio:0xd0000000+0x1000",
				  tok);
	}
	*plus = 0;
	err = parse_num(copy, "base", max, base) ||
	      parse_num(plus + 1, "size", max, size);
	free(copy);
	return err;
}

int parse_resource(const char *tok, struct dbdev_uresource *r)
{
	const char *colon = strchr(tok, ':'), *arg;
	char kind[8];
	int type, msi;
	size_t len;

	memset(r, 0, sizeof(*r));
	len = colon ? (size_t)(colon - tok) : strlen(tok);
	if (!colon || len >= sizeof(kind))
		return fail_usage("resource '%s': expected KIND:VALUE, one of pio:0x3f8+8 mmio:0xd0000000+0x1000 mem:0x100000000+0x200000 irq:4 msi:pci:24+4 slot:3 mac:02:db:de:00:00:01",
				  tok);
	memcpy(kind, tok, len);
	kind[len] = 0;
	arg = colon + 1;
	type = name_index(res_names, ARRAY_SIZE(res_names), kind);
	if (type < 0)
		return fail_usage("resource '%s': unknown kind '%s' (pio, mmio, mem, irq, msi, slot, mac)",
				  tok, kind);
	r->type = (uint32_t)type;
	switch (type) {
	case DBDEV_UR_PIO:
	case DBDEV_UR_MMIO:
	case DBDEV_UR_MEM:
		return parse_base_size(tok, arg, UINT64_MAX, &r->base, &r->size);
	case DBDEV_UR_LEGACY_IRQ:
		return parse_num(arg, "IRQ", UINT32_MAX, &r->base);
	case DBDEV_UR_KVM_SLOT:
		return parse_num(arg, "slot", UINT32_MAX, &r->base);
	case DBDEV_UR_MSI:
		colon = strchr(arg, ':');
		len = colon ? (size_t)(colon - arg) : 0;
		if (len && len < sizeof(kind)) {
			memcpy(kind, arg, len);
			kind[len] = 0;
		}
		msi = len && len < sizeof(kind) ?
		      name_index(msi_names, ARRAY_SIZE(msi_names), kind) : -1;
		if (msi < 0)
			return fail_usage("resource '%s': expected msi:pci:BASE+N, msi:msix:BASE+N or msi:generic:BASE+N",
					  tok);
		r->msi_type = (uint32_t)msi;
		return parse_base_size(tok, colon + 1, UINT32_MAX, &r->base, &r->size);
	default: {
		uint8_t mac[6];
		int i;

		if (parse_mac_bytes(arg, 6, mac))
			return 1;
		for (i = 0; i < 6; i++)
			r->base = r->base << 8 | mac[i];
		return 0;
	}
	}
}

/* ------------------------------------------------------------------------
 * Constraints: pio:8[,align=8][,in=0x100-0x1ff] mmio:0x1000 mem:2M irq
 * irq=4 msi:pci:4 msi:msix:16 msi:generic:1 slot slot=3 slots:2[,at=3] mac
 */

/* The value of option @key= in the ','-separated @opts, or NULL; consumed. */
static char *take_opt(char *opts[], size_t n, const char *key)
{
	size_t i, len = strlen(key);

	for (i = 0; i < n; i++) {
		if (opts[i] && !strncmp(opts[i], key, len) && opts[i][len] == '=') {
			char *v = opts[i] + len + 1;

			opts[i] = NULL;
			return v;
		}
	}
	return NULL;
}

static int constraint(const char *tok, char *head, char *arg, char sep,
		      char *opts[], size_t nr_opts, struct dbdev_uconstraint *c)
{
	static const char *const addr[] = { "pio", "mmio", "mem" };
	__u64 v;
	char *o;
	int i;

	i = name_index(addr, ARRAY_SIZE(addr), head);
	if (i >= 0) {
		c->type = (uint32_t)i;	/* DBDEV_UC_PIO, _MMIO, _MEM */
		if (!arg || sep != ':')
			return fail_usage("constraint '%s': %s needs a size, e.g. %s:%s",
					  tok, head, head, i ? "0x1000" : "8");
		if (parse_num(arg, "size", UINT64_MAX, &c->size))
			return 1;
		o = take_opt(opts, nr_opts, "align");
		if (o && parse_num(o, "align", UINT64_MAX, &c->align))
			return 1;
		o = take_opt(opts, nr_opts, "in");
		if (o) {
			struct dbdev_uwindow w;

			if (parse_window(o, "window", UINT64_MAX, &w))
				return 1;
			c->flags |= DBDEV_UC_WINDOW;
			c->min = w.min;
			c->max = w.max;
		}
		return 0;
	}
	if (!strcmp(head, "irq") || !strcmp(head, "slot")) {
		bool irq = head[0] == 'i';

		c->type = irq ? DBDEV_UC_LEGACY_IRQ : DBDEV_UC_KVM_SLOT;
		c->size = 1;
		if (arg) {
			if (parse_num(arg, irq ? "IRQ" : "slot", UINT32_MAX, &v))
				return 1;
			c->flags = DBDEV_UC_FIXED;
			c->fixed = (uint32_t)v;
		}
		return 0;
	}
	if (!strcmp(head, "slots")) {
		c->type = DBDEV_UC_KVM_SLOT;
		if (!arg || sep != ':')
			return fail_usage("constraint '%s': slots needs a count, e.g. slots:2 or slots:2,at=3",
					  tok);
		if (parse_num(arg, "slot count", UINT64_MAX, &c->size))
			return 1;
		o = take_opt(opts, nr_opts, "at");
		if (o) {
			if (parse_num(o, "first slot", UINT32_MAX, &v))
				return 1;
			c->flags = DBDEV_UC_FIXED;
			c->fixed = (uint32_t)v;
		}
		return 0;
	}
	if (!strcmp(head, "msi")) {
		char *n = arg && sep == ':' ? strchr(arg, ':') : NULL;

		if (n)
			*n++ = 0;
		i = n ? name_index(msi_names, ARRAY_SIZE(msi_names), arg) : -1;
		if (i < 0)
			return fail_usage("constraint '%s': expected msi:pci:N, msi:msix:N or msi:generic:N (N vectors)",
					  tok);
		c->type = DBDEV_UC_PCI_MSI + (uint32_t)i;
		return parse_num(n, "vector count", UINT64_MAX, &c->size);
	}
	if (!strcmp(head, "mac")) {
		c->type = DBDEV_UC_MAC;
		c->size = 1;
		if (arg)
			return fail_usage("constraint '%s': mac takes no value (to choose one, give a resource mac:... without --alloc)",
					  tok);
		return 0;
	}
	return fail_usage("constraint '%s': unknown kind '%s' (pio:SIZE mmio:SIZE mem:SIZE irq[=N] msi:pci|msix|generic:N slot[=N] slots:N[,at=N] mac)",
			  tok, head);
}

int parse_constraint(const char *tok, struct dbdev_uconstraint *c)
{
	char *s = xstrdup(tok), *opts[8], *arg, *p;
	size_t n = 0, i;
	char sep;
	int err;

	memset(c, 0, sizeof(*c));
	for (p = strchr(s, ','); p; p = strchr(p, ',')) {
		*p++ = 0;
		if (n == ARRAY_SIZE(opts)) {
			free(s);
			return fail_usage("constraint '%s': too many options", tok);
		}
		opts[n++] = p;
	}
	arg = s + strcspn(s, ":=");
	sep = *arg;
	if (sep)
		*arg++ = 0;
	else
		arg = NULL;
	err = constraint(tok, s, arg, sep, opts, n, c);
	for (i = 0; i < n && !err; i++)
		if (opts[i])
			err = fail_usage("constraint '%s': '%s' is not an option of %s%s",
					 tok, opts[i], s,
					 c->type <= DBDEV_UC_MEM ? " (align=, in=MIN-MAX)" :
					 c->type == DBDEV_UC_KVM_SLOT ? " (slots:N takes at=)" :
					 " (it takes none)");
	free(s);
	return err;
}

/* ------------------------------------------------------------------------
 * Pools: pio=0-0xffff mmio=A-B[,C-D...] mem=.. irq=5-23 msi=24-4095
 * slots=0-32763 mac=02:db:de
 */

int parse_pool_setting(const char *tok, struct dbdev_upools *p)
{
	const char *eq = strchr(tok, '=');
	const char *v = eq ? eq + 1 : NULL;
	size_t klen = eq ? (size_t)(eq - tok) : 0;
	struct dbdev_uwindow mmio[DBDEV_UMMIO_WINDOWS + 1];
	unsigned int n = 0;

#define KEY(k) (klen == strlen(k) && !strncmp(tok, k, klen))
	if (!eq)
		return fail_usage("'%s': expected KEY=VALUE with KEY one of pio mmio mem irq msi slots mac",
				  tok);
	if (KEY("pio"))
		return parse_window(v, "pio window", UINT64_MAX, &p->pio);
	if (KEY("mem"))
		return parse_window(v, "mem window", UINT64_MAX, &p->mem);
	if (KEY("irq"))
		return parse_window(v, "irq window", UINT64_MAX, &p->legacy_irq);
	if (KEY("msi"))
		return parse_window(v, "msi window", UINT64_MAX, &p->msi);
	if (KEY("slots") || KEY("slot"))
		return parse_window(v, "slot window", UINT64_MAX, &p->kvm_slot);
	if (KEY("mac"))
		return parse_mac_bytes(v, 3, p->mac_prefix);
	if (KEY("mmio")) {
		char *copy = xstrdup(v), *w, *next;
		int err = 0;

		for (w = copy; w && !err; w = next) {
			next = strchr(w, ',');
			if (next)
				*next++ = 0;
			if (n == DBDEV_UMMIO_WINDOWS)
				err = fail_usage("'%s': at most %d MMIO windows", tok,
						 DBDEV_UMMIO_WINDOWS);
			else
				err = parse_window(w, "mmio window", UINT64_MAX, &mmio[n++]);
		}
		free(copy);
		if (err)
			return err;
		memset(p->mmio, 0, sizeof(p->mmio));
		memcpy(p->mmio, mmio, n * sizeof(mmio[0]));
		p->nr_mmio = n;
		return 0;
	}
#undef KEY
	return fail_usage("'%s': unknown pool '%.*s' (pio mmio mem irq msi slots mac)",
			  tok, (int)klen, tok);
}

/* ------------------------------------------------------------------------
 * Output
 */

/* Addresses: 0x hex, but plain 0; @buf has room for 24 bytes. */
const char *fmt_hex(char *buf, __u64 v)
{
	snprintf(buf, 24, v ? "0x%llx" : "0", v);
	return buf;
}

/* Sizes and offsets: decimal below 10, else hex (pio:0x3f8+8, +0x1000) */
const char *fmt_size(char *buf, __u64 v)
{
	snprintf(buf, 24, v < 10 ? "%llu" : "0x%llx", v);
	return buf;
}

/* A @size-byte value: all its hex digits, 0x00001234 */
const char *fmt_value(char *buf, __u64 v, unsigned int size)
{
	snprintf(buf, 24, "0x%0*llx", (int)size * 2, v);
	return buf;
}

char *fmt_resource(char *buf, size_t n, const struct dbdev_uresource *r)
{
	char a[24], b[24];
	__u64 m = r->base;

	switch (r->type) {
	case DBDEV_UR_PIO:
	case DBDEV_UR_MMIO:
	case DBDEV_UR_MEM:
		snprintf(buf, n, "%s:%s+%s", res_names[r->type], fmt_hex(a, r->base),
			 fmt_size(b, r->size));
		break;
	case DBDEV_UR_LEGACY_IRQ:
	case DBDEV_UR_KVM_SLOT:
		snprintf(buf, n, "%s:%llu", res_names[r->type], r->base);
		break;
	case DBDEV_UR_MSI:
		snprintf(buf, n, "msi:%s:%llu+%llu",
			 r->msi_type < ARRAY_SIZE(msi_names) ? msi_names[r->msi_type] : "?",
			 r->base, r->size);
		break;
	case DBDEV_UR_MAC:
		snprintf(buf, n, "mac:%02x:%02x:%02x:%02x:%02x:%02x",
			 (unsigned int)(m >> 40 & 0xff), (unsigned int)(m >> 32 & 0xff),
			 (unsigned int)(m >> 24 & 0xff), (unsigned int)(m >> 16 & 0xff),
			 (unsigned int)(m >> 8 & 0xff), (unsigned int)(m & 0xff));
		break;
	default:	/* a kind newer than this tool */
		snprintf(buf, n, "type%u:%s+%s", r->type, fmt_hex(a, r->base),
			 fmt_size(b, r->size));
		break;
	}
	return buf;
}

static void print_window(const char *key, const struct dbdev_uwindow *w,
			 bool hex)
{
	char a[24], b[24];

	if (hex)
		printf("%s=%s-%s\n", key, fmt_hex(a, w->min), fmt_hex(b, w->max));
	else
		printf("%s=%llu-%llu\n", key, w->min, w->max);
}

/* One KEY=VALUE per line, what `pools set` takes. */
void print_pools(const struct dbdev_upools *p)
{
	char a[24], b[24];
	unsigned int i;

	print_window("pio", &p->pio, true);
	printf("mmio=");
	for (i = 0; i < p->nr_mmio && i < DBDEV_UMMIO_WINDOWS; i++)
		printf("%s%s-%s", i ? "," : "", fmt_hex(a, p->mmio[i].min),
		       fmt_hex(b, p->mmio[i].max));
	printf("\n");
	print_window("mem", &p->mem, true);
	print_window("irq", &p->legacy_irq, false);
	print_window("msi", &p->msi, false);
	print_window("slots", &p->kvm_slot, false);
	printf("mac=%02x:%02x:%02x\n", p->mac_prefix[0], p->mac_prefix[1],
	       p->mac_prefix[2]);
}
