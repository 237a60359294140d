// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/dbdev: device types and the userspace interface.
 *
 * Each open file is a context, the device model of one VM: an I/O manager
 * and the devices userspace created in it, by id and by name.  Device
 * types come from in-kernel drivers (dbdev_type_register()), as with
 * KVM_CREATE_DEVICE, and describe themselves for tools.  The ABI is in
 * include/uapi/linux/dbdev.h; one table (dbdev_ioctls) says how each ioctl
 * is taken.  Each context also shows in debugfs, as dbdev/PID-N.
 *
 * Locking
 *
 *   dbdev_types_lock	the list of types; never held across a copy from
 *			or to userspace.  A device pins its type's module.
 *   ctx->lock		serialises the ioctls that change or read the set of
 *			devices: create, destroy, transactions, list, device
 *			commands, reset, save and restore, pools.  It is
 *			taken before the manager's own lock, and before the
 *			io_lock of a serialised device around the operations
 *			of its type.  Never held across a copy from or to
 *			user memory, which may wait for userspace (a
 *			userfaultfd): answers are put together under it and
 *			copied after, or written to pages pinned before
 *			(struct dbdev_uout).  DBDEV_IO, DBDEV_IO_BATCH and
 *			DBDEV_KVM_RUN do not take it: they dispatch
 *			lock-free, beside everything else.
 *
 * An ioctl holds a reference to the file, so release() never runs beside
 * one; it destroys the manager and then the devices.
 */
#include <linux/ctype.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/nospec.h>
#include <linux/pagemap.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/xarray.h>

#include "dbdev_internal.h"
#include "uapi/linux/dbdev.h"

static unsigned int max_devices = 1024;
module_param(max_devices, uint, 0644);
MODULE_PARM_DESC(max_devices, "Most devices in one /dev/dbdev context");

/* Most reservations (DBDEV_ALLOC calls) a context keeps at once */
#define DBDEV_CTX_MAX_GRANTS	4096

static DEFINE_MUTEX(dbdev_types_lock);
static LIST_HEAD(dbdev_types);

/* ------------------------------------------------------------------------
 * Device types
 */

static struct dbdev_type *dbdev_type_find(const char *name)
{
	struct dbdev_type *t;

	lockdep_assert_held(&dbdev_types_lock);
	list_for_each_entry(t, &dbdev_types, node)
		if (!strcmp(t->name, name))
			return t;
	return NULL;
}

/* Can the ABI describe @nr fields of a structure of @size bytes? */
static bool dbdev_fields_ok(const struct dbdev_field *f, unsigned int nr,
			    size_t size)
{
	unsigned int i;

	if (nr && (!f || nr > DBDEV_DESCRIBE_MAX))
		return false;
	for (i = 0; i < nr; i++) {
		bool integer = f[i].format != DBDEV_FIELD_BYTES;

		if (!f[i].name || !f[i].name[0] ||
		    strlen(f[i].name) >= DBDEV_FIELD_NAME_LEN ||
		    f[i].format > DBDEV_FIELD_BYTES || !f[i].size ||
		    (integer && !is_power_of_2(f[i].size)) ||
		    (integer && f[i].size > sizeof(u64)) ||
		    f[i].offset + f[i].size > size)
			return false;
	}
	return true;
}

static bool dbdev_layout_ok(const struct dbdev_layout *l)
{
	return l->size <= DBDEV_CTL_MAX && dbdev_fields_ok(l->fields, l->nr,
							   l->size);
}

/* Is what @type says of its parameters and commands well formed? */
static bool dbdev_type_described(const struct dbdev_type *type)
{
	const struct dbdev_ctl_desc *c = type->ctls;
	unsigned int i;

	if (!dbdev_fields_ok(type->params, type->nr_params, type->params_size) ||
	    (type->nr_ctls && (!c || !type->ctl)) ||
	    type->nr_ctls > DBDEV_DESCRIBE_MAX)
		return false;
	for (i = 0; i < type->nr_ctls; i++)
		if (!c[i].name || !c[i].name[0] ||
		    strlen(c[i].name) >= DBDEV_FIELD_NAME_LEN ||
		    (c[i].flags & ~(DBDEV_CTL_IN_BYTES | DBDEV_CTL_OUT_BYTES)) ||
		    !dbdev_layout_ok(&c[i].in) || !dbdev_layout_ok(&c[i].out) ||
		    !dbdev_layout_ok(&c[i].each))
			return false;
	return true;
}

/**
 * dbdev_type_register() - offer a device type to /dev/dbdev
 * @type: the type, which lives as long as its module
 *
 * Return: 0; -EINVAL for a name that is empty or too long, a type
 * without @create or @destroy, parameter sizes out of bounds, @save
 * without @restore (or the other way round) or @state_version, or a
 * description of parameters or commands that the ABI cannot give (a field
 * outside its structure, an integer of an odd size, a name too long or
 * missing); -EEXIST if the name is taken.
 */
int dbdev_type_register(struct dbdev_type *type)
{
	int err = 0;

	if (!type->name || !type->name[0] ||
	    strlen(type->name) >= DBDEV_TYPE_NAME_LEN ||
	    !type->create || !type->destroy ||
	    type->params_size > DBDEV_TYPE_PARAMS_MAX ||
	    (type->params_size &&
	     (type->params_min < sizeof(u32) ||
	      type->params_min > type->params_size)) ||
	    !type->save != !type->restore ||
	    !type->save != !type->state_version ||
	    !dbdev_type_described(type))
		return -EINVAL;

	mutex_lock(&dbdev_types_lock);
	if (dbdev_type_find(type->name))
		err = -EEXIST;
	else
		list_add_tail(&type->node, &dbdev_types);
	mutex_unlock(&dbdev_types_lock);
	return err;
}
EXPORT_SYMBOL_NS_GPL(dbdev_type_register, DBDEV_NS);

/**
 * dbdev_type_unregister() - withdraw a device type
 * @type: the type
 *
 * Called from the driver's module exit, when no device of the type can
 * exist any more (each one pins the module).
 */
void dbdev_type_unregister(struct dbdev_type *type)
{
	mutex_lock(&dbdev_types_lock);
	list_del(&type->node);
	mutex_unlock(&dbdev_types_lock);
}
EXPORT_SYMBOL_NS_GPL(dbdev_type_unregister, DBDEV_NS);

/* The type called @name, with its module pinned, or %NULL. */
static struct dbdev_type *dbdev_type_get(const char *name)
{
	struct dbdev_type *t;

	mutex_lock(&dbdev_types_lock);
	t = dbdev_type_find(name);
	if (t && !try_module_get(t->owner))
		t = NULL;
	mutex_unlock(&dbdev_types_lock);
	return t;
}

/* ------------------------------------------------------------------------
 * Contexts and their devices
 */

/**
 * struct dbdev_ctx - one open /dev/dbdev: the device model of one VM
 * @mgr: its I/O manager
 * @lock: see the top of the file
 * @insts: its devices (struct dbdev_inst) by id
 * @next_id: where the search for a free id starts (ids are not reused at
 *	     once)
 * @nr_insts: how many devices, at most @max_devices
 * @tx: the open transaction, or %NULL
 * @kvm: what DBDEV_KVM_RUN keeps
 * @debugfs: its directory in debugfs, or an error pointer
 */
struct dbdev_ctx {
	struct dbdev_manager *mgr;
	struct mutex lock;	/* see the top of the file */
	struct xarray insts;
	u32 next_id;
	unsigned int nr_insts;
	struct dbdev_tx *tx;
	struct dbdev_kvm kvm;
	struct dentry *debugfs;
};

/**
 * struct dbdev_inst - a device userspace created
 * @id: its id in the context
 * @dev: the device
 * @type: its type, whose module it pins
 * @tx_flags: DBDEV_INFO_TX_ADDED and/or DBDEV_INFO_TX_REMOVED while a
 *	      transaction is open
 * @name: its name, all zero if none
 * @nr_res: how many resources it has
 * @res: its resources, as assigned at creation
 */
struct dbdev_inst {
	u32 id;
	struct dbdev_device *dev;
	struct dbdev_type *type;
	u32 tx_flags;
	char name[DBDEV_NAME_LEN];
	unsigned int nr_res;
	struct dbdev_uresource res[];
};

/* Forget an instance whose device is no longer registered anywhere. */
static void dbdev_inst_free(struct dbdev_ctx *ctx, struct dbdev_inst *inst)
{
	struct module *owner = inst->type->owner;

	xa_erase(&ctx->insts, inst->id);
	ctx->nr_insts--;
	dbdev_irq_disconnect_all(inst->dev);
	inst->type->destroy(inst->dev);
	module_put(owner);
	kfree(inst);
}

/*
 * Unregister and free an instance; inside a transaction, only stage its
 * removal, which the commit completes.
 */
static int dbdev_inst_destroy(struct dbdev_ctx *ctx, struct dbdev_inst *inst)
{
	int err;

	lockdep_assert_held(&ctx->lock);
	if (ctx->tx) {
		err = dbdev_tx_unregister(ctx->tx, inst->dev);
		if (!err)
			inst->tx_flags |= DBDEV_INFO_TX_REMOVED;
		return err;
	}
	err = dbdev_unregister(ctx->mgr, inst->dev);
	if (!err)
		dbdev_inst_free(ctx, inst);
	return err;
}

/*
 * The instance @id, or %NULL.  One destroyed in the open transaction is
 * still there, and works, until the commit.
 */
static struct dbdev_inst *dbdev_inst_lookup(struct dbdev_ctx *ctx, u32 id)
{
	struct dbdev_inst *inst = xa_load(&ctx->insts, id);

	lockdep_assert_held(&ctx->lock);
	return inst && inst->dev ? inst : NULL;
}

/*
 * Hold off the callbacks of a serialised device around an operation of
 * its type, as the core does around each callback.
 */
static void dbdev_inst_quiesce(struct dbdev_inst *inst)
{
	if (inst->dev->flags & DBDEV_DEVICE_SERIALIZED)
		mutex_lock(&inst->dev->io_lock);
}

static void dbdev_inst_resume(struct dbdev_inst *inst)
{
	if (inst->dev->flags & DBDEV_DEVICE_SERIALIZED)
		mutex_unlock(&inst->dev->io_lock);
}

/*
 * Is @name, a name field of the ABI, well formed?  *@empty says whether it
 * is all zero: no name.
 */
static bool dbdev_name_valid(const char name[DBDEV_NAME_LEN], bool *empty)
{
	size_t len = strnlen(name, DBDEV_NAME_LEN);
	size_t i;

	*empty = !len;
	if (len == DBDEV_NAME_LEN ||
	    memchr_inv(name + len, 0, DBDEV_NAME_LEN - len))
		return false;
	for (i = 0; i < len; i++)
		if (!isascii(name[i]) ||
		    (!isalnum(name[i]) && !strchr("._-:", name[i])))
			return false;
	return true;
}

/* The instance called @name, or %NULL. */
static struct dbdev_inst *dbdev_inst_named(struct dbdev_ctx *ctx,
					   const char name[DBDEV_NAME_LEN])
{
	struct dbdev_inst *inst;
	unsigned long id;

	lockdep_assert_held(&ctx->lock);
	xa_for_each(&ctx->insts, id, inst)
		if (inst->dev && !strncmp(inst->name, name, DBDEV_NAME_LEN))
			return inst;
	return NULL;
}

/* ------------------------------------------------------------------------
 * Conversions between the ABI and the kernel API, whose numbering of kinds
 * and flags is the same
 */

static_assert(DBDEV_UR_PIO == DBDEV_RES_PIO);
static_assert(DBDEV_UR_MMIO == DBDEV_RES_MMIO);
static_assert(DBDEV_UR_MEM == DBDEV_RES_MEM);
static_assert(DBDEV_UR_LEGACY_IRQ == DBDEV_RES_LEGACY_IRQ);
static_assert(DBDEV_UR_MSI == DBDEV_RES_MSI);
static_assert(DBDEV_UR_KVM_SLOT == DBDEV_RES_KVM_SLOT);
static_assert(DBDEV_UR_MAC == DBDEV_RES_MAC);
static_assert(DBDEV_IO_PIO == DBDEV_BUS_PIO);
static_assert(DBDEV_EVENTFD_LINE == DBDEV_IRQ_LINE);
static_assert(DBDEV_EVENTFD_MSI == DBDEV_IRQ_MSI);
static_assert(DBDEV_EVENTFD_NOTIFY == DBDEV_IRQ_NOTIFY);
static_assert(DBDEV_IO_MMIO == DBDEV_BUS_MMIO);
static_assert(DBDEV_UMSI_PCI == DBDEV_MSI_PCI);
static_assert(DBDEV_UMSI_PCI_MSIX == DBDEV_MSI_PCI_MSIX);
static_assert(DBDEV_UMSI_GENERIC == DBDEV_MSI_GENERIC);
static_assert(DBDEV_UC_PIO == DBDEV_CON_PIO);
static_assert(DBDEV_UC_MMIO == DBDEV_CON_MMIO);
static_assert(DBDEV_UC_MEM == DBDEV_CON_MEM);
static_assert(DBDEV_UC_LEGACY_IRQ == DBDEV_CON_LEGACY_IRQ);
static_assert(DBDEV_UC_PCI_MSI == DBDEV_CON_PCI_MSI);
static_assert(DBDEV_UC_PCI_MSIX == DBDEV_CON_PCI_MSIX);
static_assert(DBDEV_UC_GENERIC_MSI == DBDEV_CON_GENERIC_MSI);
static_assert(DBDEV_UC_KVM_SLOT == DBDEV_CON_KVM_SLOT);
static_assert(DBDEV_UC_MAC == DBDEV_CON_MAC);
static_assert(DBDEV_UC_WINDOW == DBDEV_CON_F_WINDOW);
static_assert(DBDEV_UC_FIXED == DBDEV_CON_F_FIXED);
static_assert(DBDEV_MAX_ITEMS == DBDEV_MAX_RESOURCES);
static_assert(DBDEV_UMMIO_WINDOWS == DBDEV_MAX_MMIO_WINDOWS);
static_assert(sizeof(struct dbdev_window) == sizeof(struct dbdev_uwindow));
static_assert(DBDEV_TYPE_PARAMS_MAX == DBDEV_PARAMS_MAX);
static_assert(DBDEV_FIELD_UINT == DBDEV_UFIELD_UINT);
static_assert(DBDEV_FIELD_HEX == DBDEV_UFIELD_HEX);
static_assert(DBDEV_FIELD_INT == DBDEV_UFIELD_INT);
static_assert(DBDEV_FIELD_BYTES == DBDEV_UFIELD_BYTES);
static_assert(DBDEV_CTL_IN_BYTES == DBDEV_UCTL_IN_BYTES);
static_assert(DBDEV_CTL_OUT_BYTES == DBDEV_UCTL_OUT_BYTES);

static void dbdev_res_to_user(const struct dbdev_resource *r,
			      struct dbdev_uresource *u)
{
	memset(u, 0, sizeof(*u));
	u->type = r->type;
	switch (r->type) {
	case DBDEV_RES_PIO:
	case DBDEV_RES_MMIO:
	case DBDEV_RES_MEM:
		u->base = r->range.base;
		u->size = r->range.size;
		break;
	case DBDEV_RES_LEGACY_IRQ:
		u->base = r->irq;
		break;
	case DBDEV_RES_MSI:
		u->msi_type = r->msi.type;
		u->base = r->msi.base;
		u->size = r->msi.size;
		break;
	case DBDEV_RES_KVM_SLOT:
		u->base = r->slot;
		break;
	default:
		u->base = (u64)r->mac[0] << 40 | (u64)r->mac[1] << 32 |
			  (u64)r->mac[2] << 24 | (u64)r->mac[3] << 16 |
			  (u64)r->mac[4] << 8 | r->mac[5];
		break;
	}
}

static int dbdev_res_from_user(const struct dbdev_uresource *u,
			       struct dbdev_resource *r)
{
	unsigned int i;

	if (u->reserved || u->type >= DBDEV_RES_NR_TYPES ||
	    (u->type != DBDEV_UR_MSI && u->msi_type))
		return -EINVAL;
	memset(r, 0, sizeof(*r));
	r->type = u->type;
	switch (u->type) {
	case DBDEV_UR_PIO:
	case DBDEV_UR_MMIO:
	case DBDEV_UR_MEM:
		r->range.base = u->base;
		r->range.size = u->size;
		break;
	case DBDEV_UR_MSI:
		if (u->msi_type >= DBDEV_MSI_NR_TYPES ||
		    u->base > U32_MAX || u->size > U32_MAX)
			return -EINVAL;
		r->msi.type = u->msi_type;
		r->msi.base = u->base;
		r->msi.size = u->size;
		break;
	case DBDEV_UR_MAC:
		if (u->size || u->base >> 48)
			return -EINVAL;
		for (i = 0; i < ETH_ALEN; i++)
			r->mac[i] = u->base >> (8 * (ETH_ALEN - 1 - i));
		break;
	default:		/* one number: an IRQ line or a KVM slot */
		if (u->size || u->base > U32_MAX)
			return -EINVAL;
		if (u->type == DBDEV_UR_LEGACY_IRQ)
			r->irq = u->base;
		else
			r->slot = u->base;
		break;
	}
	return dbdev_resource_validate(r);
}

static int dbdev_con_from_user(const struct dbdev_uconstraint *u,
			       struct dbdev_constraint *c)
{
	if (u->reserved || u->type >= DBDEV_CON_NR_TYPES)
		return -EINVAL;
	*c = (struct dbdev_constraint){
		.type = u->type, .flags = u->flags, .size = u->size,
		.align = u->align, .min = u->min, .max = u->max,
		.fixed = u->fixed,
	};
	if (u->type <= DBDEV_UC_MEM && !c->align)
		c->align = u->type == DBDEV_UC_PIO ? DBDEV_PIO_ALIGN :
						     DBDEV_MMIO_ALIGN;
	if ((u->type == DBDEV_UC_LEGACY_IRQ || u->type == DBDEV_UC_MAC) &&
	    !c->size)
		c->size = 1;
	return dbdev_constraint_validate(c);
}

/**
 * struct dbdev_ucmd - one ioctl call, as the dispatcher hands it on
 * @uarg: the caller's argument structure, or the raw argument of an ioctl
 *	  that takes none
 * @user_size: its size as the caller gave it (argsz)
 * @size: the size of the kernel's copy
 * @arg: the kernel's copy: the caller's bytes, zero-extended
 */
struct dbdev_ucmd {
	void __user *uarg;
	u32 user_size;
	u32 size;
	void *arg;
};

/* Bytes of the answer the caller has room for */
static size_t dbdev_answer_size(const struct dbdev_ucmd *uc)
{
	return min(uc->user_size, uc->size);
}

/* Write the kernel's copy back, as much of it as the caller passed. */
static int dbdev_respond(const struct dbdev_ucmd *uc)
{
	return copy_to_user(uc->uarg, uc->arg, dbdev_answer_size(uc)) ?
	       -EFAULT : 0;
}

/*
 * Make sure @len bytes at @uptr can be read and written, leaving them as
 * they are: a call that changes state checks where its answer goes first,
 * so that it does not fail afterwards for a bad pointer.  (Only a racing
 * munmap() or mprotect() can still make the final copy fail.)  Access
 * rights are a page's: one byte of each page is read and written back.
 */
static int dbdev_probe_user(void __user *uptr, size_t len)
{
	unsigned long addr = (unsigned long)uptr, last = addr + len - 1;
	u8 __user *p;
	u8 b;

	if (!len)
		return 0;
	if (!access_ok(uptr, len))
		return -EFAULT;
	for (;;) {
		p = (u8 __user *)addr;
		if (get_user(b, p) || put_user(b, p))
			return -EFAULT;
		/* access_ok() passed: this does not wrap to 0 */
		addr = (addr & PAGE_MASK) + PAGE_SIZE;
		if (addr > last)
			return 0;
	}
}

/*
 * Make sure the answer to @uc can be written back, before the handler
 * changes its copy: writing the caller's own bytes back changes nothing.
 */
static int dbdev_probe_answer(const struct dbdev_ucmd *uc)
{
	return dbdev_respond(uc);
}

/**
 * struct dbdev_uout - user memory an answer goes to, pinned for the call
 * @addr: its address
 * @len: its length, at most a page
 * @nr: pages pinned
 * @pages: the pages
 *
 * A call that must not fail once it has changed state (CREATE, ALLOC)
 * pins where its answer goes before it starts: writing there then cannot
 * fail or fault, and so does not wait for userspace (a userfaultfd, say)
 * with a lock held.  The answer lands in the pages the caller's buffer had
 * when the call began, as an O_DIRECT read's data does.
 */
struct dbdev_uout {
	unsigned long addr;
	size_t len;
	unsigned int nr;
	struct page *pages[2];
};

static int dbdev_uout_pin(struct dbdev_uout *out, void __user *uptr,
			  size_t len)
{
	unsigned long addr = (unsigned long)uptr;
	unsigned int want = DIV_ROUND_UP(offset_in_page(addr) + len, PAGE_SIZE);
	int nr;

	out->addr = addr;
	out->len = len;
	out->nr = 0;
	if (!len)
		return 0;
	if (WARN_ON_ONCE(len > PAGE_SIZE))
		return -EINVAL;
	nr = pin_user_pages_fast(addr & PAGE_MASK, want, FOLL_WRITE,
				 out->pages);
	if (nr < 0)
		return nr == -ENOMEM ? -ENOMEM : -EFAULT;
	out->nr = nr;
	return nr == want ? 0 : -EFAULT;
}

/* The largest answer array, @assigned, fits in the two pages of a uout. */
static_assert(DBDEV_MAX_ITEMS * sizeof(struct dbdev_uresource) <= PAGE_SIZE);

/* Write @len bytes from @src at @off of @out; cannot fail. */
static void dbdev_uout_write(struct dbdev_uout *out, size_t off,
			     const void *src, size_t len)
{
	unsigned long addr = out->addr + off;

	if (WARN_ON_ONCE(off + len > out->len))
		return;
	while (len) {
		unsigned int i = (addr >> PAGE_SHIFT) - (out->addr >> PAGE_SHIFT);
		size_t at = offset_in_page(addr);
		size_t n = min_t(size_t, len, PAGE_SIZE - at);

		memcpy_to_page(out->pages[i], at, src, n);
		addr += n;
		src += n;
		len -= n;
	}
}

/* Unpin @out; @written: dbdev_uout_write() wrote to it. */
static void dbdev_uout_unpin(struct dbdev_uout *out, bool written)
{
	unpin_user_pages_dirty_lock(out->pages, out->nr, written);
	out->nr = 0;
}

/* Pin where the answer to @uc goes. */
static int dbdev_uout_pin_answer(struct dbdev_uout *out,
				 const struct dbdev_ucmd *uc)
{
	return dbdev_uout_pin(out, uc->uarg, dbdev_answer_size(uc));
}

/* dbdev_respond() through @out, pinned by dbdev_uout_pin_answer() */
static void dbdev_uout_respond(struct dbdev_uout *out,
			       const struct dbdev_ucmd *uc)
{
	dbdev_uout_write(out, 0, uc->arg, dbdev_answer_size(uc));
}

/*
 * The size of the entries of an answer array as the caller knows them:
 * its own, or 0 for the first version's, @ver0.
 */
static int dbdev_entry_size(u32 *size, u32 ver0)
{
	*size = *size ?: ver0;
	if (*size < ver0)
		return -EINVAL;
	return *size > PAGE_SIZE ? -E2BIG : 0;
}

/*
 * Write @n entries of @ksize bytes from @from to @to, @size bytes apart:
 * as much of each as the caller knows, the rest of it zeroed.
 */
static int dbdev_put_entries(void __user *to, u32 size, const void *from,
			     size_t ksize, u32 n)
{
	size_t known = min_t(size_t, size, ksize);

	for (; n--; to += size, from += ksize)
		if (copy_to_user(to, from, known) ||
		    clear_user(to + known, size - known))
			return -EFAULT;
	return 0;
}

/* ------------------------------------------------------------------------
 * Creating and destroying devices
 */

/* Report in @arg what holds @want, if anything does; true if so. */
static bool dbdev_report_one(struct dbdev_ctx *ctx,
			     struct dbdev_create_device *arg,
			     const struct dbdev_resource *want)
{
	struct dbdev_device *owner;
	struct dbdev_resource hit;
	struct dbdev_inst *inst;
	unsigned long id;

	if (!dbdev_conflict(ctx->mgr, want, &hit, &owner))
		return false;
	dbdev_res_to_user(&hit, &arg->conflict);
	xa_for_each(&ctx->insts, id, inst)
		if (owner && inst->dev == owner)
			arg->conflict_id = inst->id;
	return true;
}

/*
 * Report in @arg the first existing resource that stands in the way of the
 * items of a refused creation: an explicit resource, or the IRQ or slots a
 * constraint fixes.
 */
static void dbdev_report_conflict(struct dbdev_ctx *ctx,
				  struct dbdev_create_device *arg,
				  const void *items)
{
	const struct dbdev_constraint *con = items;
	const struct dbdev_resource *res = items;
	struct dbdev_resource want;
	unsigned int i, n;

	for (i = 0; i < arg->nr_items; i++) {
		if (!(arg->flags & DBDEV_CREATE_CONSTRAINTS)) {
			if (dbdev_report_one(ctx, arg, &res[i]))
				return;
			continue;
		}
		if (!(con[i].flags & DBDEV_CON_F_FIXED))
			continue;
		for (n = 0; n < con[i].size; n++) {
			want = con[i].type == DBDEV_CON_LEGACY_IRQ ?
			       DBDEV_LEGACY_IRQ(con[i].fixed) :
			       DBDEV_KVM_SLOT(con[i].fixed + n);
			if (dbdev_report_one(ctx, arg, &want))
				return;
		}
	}
}

/* Register @dev as @arg asks, in the open transaction if there is one. */
static int dbdev_ctx_register(struct dbdev_ctx *ctx, struct dbdev_device *dev,
			      struct dbdev_create_device *arg, void *items)
{
	bool cons = arg->flags & DBDEV_CREATE_CONSTRAINTS;
	unsigned int nr = arg->nr_items;

	if (ctx->tx)
		return cons ? dbdev_tx_register_alloc(ctx->tx, dev, items, nr) :
			      dbdev_tx_register(ctx->tx, dev, items, nr);
	return cons ? dbdev_register_alloc(ctx->mgr, dev, items, nr) :
		      dbdev_register(ctx->mgr, dev, items, nr);
}

/*
 * Check and convert @nr items at @uitems, constraints if @cons, else
 * resources, into @items (kernel ones); count the resources they give in
 * *@count.
 */
static int dbdev_items_from_user(bool cons, u32 nr, u64 uitems, void **items,
				 unsigned int *count)
{
	size_t usize = cons ? sizeof(struct dbdev_uconstraint) :
			      sizeof(struct dbdev_uresource);
	size_t ksize = cons ? sizeof(struct dbdev_constraint) :
			      sizeof(struct dbdev_resource);
	unsigned int i;
	void *u, *k;
	int err = 0;

	*count = 0;
	if (!nr) {
		*items = NULL;
		return 0;
	}
	u = memdup_user(u64_to_user_ptr(uitems), nr * usize);
	if (IS_ERR(u))
		return PTR_ERR(u);
	k = kcalloc(nr, ksize, GFP_KERNEL_ACCOUNT);
	if (!k) {
		kfree(u);
		return -ENOMEM;
	}
	for (i = 0; i < nr && !err; i++) {
		if (cons) {
			struct dbdev_constraint *c = k;

			err = dbdev_con_from_user((struct dbdev_uconstraint *)u + i,
						  &c[i]);
			*count += err ? 0 : dbdev_con_outputs(&c[i]);
		} else {
			struct dbdev_resource *r = k;

			err = dbdev_res_from_user((struct dbdev_uresource *)u + i,
						  &r[i]);
			*count += 1;
		}
	}
	kfree(u);
	if (err) {
		kfree(k);
		return err;
	}
	*items = k;
	return 0;
}

/*
 * Record a newly registered device in @inst, which has room for all its
 * resources and holds its id already.
 */
static void dbdev_inst_fill(struct dbdev_ctx *ctx, struct dbdev_inst *inst,
			    struct dbdev_type *type, struct dbdev_device *dev)
{
	struct dbdev_resources list = dbdev_device_resources(dev);
	unsigned int i;

	inst->dev = dev;
	inst->type = type;
	inst->tx_flags = ctx->tx ? DBDEV_INFO_TX_ADDED : 0;
	inst->nr_res = list.nr;
	for (i = 0; i < list.nr; i++)
		dbdev_res_to_user(&list.res[i], &inst->res[i]);
	ctx->nr_insts++;
}

/*
 * The parameters of a creation as @type takes them: %NULL if none were
 * given, else the blob checked as an ioctl structure (the type's first
 * version or longer, argsz first, unknown tail zero) and zero-extended to
 * the type's size.
 */
static void *dbdev_type_params(const struct dbdev_type *type, const void *blob,
			       u32 len)
{
	u32 argsz;
	void *p;

	if (!len)
		return NULL;
	if (!type->params_size || len < type->params_min)
		return ERR_PTR(-EINVAL);
	memcpy(&argsz, blob, sizeof(argsz));
	if (argsz != len)
		return ERR_PTR(-EINVAL);
	if (len > type->params_size &&
	    memchr_inv(blob + type->params_size, 0, len - type->params_size))
		return ERR_PTR(-E2BIG);
	p = kzalloc(type->params_size, GFP_KERNEL_ACCOUNT);
	if (!p)
		return ERR_PTR(-ENOMEM);
	memcpy(p, blob, min_t(size_t, len, type->params_size));
	return p;
}

static int dbdev_ioctl_create(struct dbdev_ctx *ctx, struct dbdev_ucmd *uc)
{
	struct dbdev_create_device *arg = uc->arg;
	struct dbdev_uout answer = {}, assigned = {};
	struct dbdev_type *type = NULL;
	struct dbdev_device *dev = NULL;
	struct dbdev_inst *inst = NULL;
	void *blob = NULL, *params = NULL, *items = NULL;
	bool unnamed, answered = false;
	unsigned int count;
	int err;

	if ((arg->flags & ~DBDEV_CREATE_CONSTRAINTS) ||
	    !dbdev_name_valid(arg->name, &unnamed) ||
	    !memchr(arg->type, 0, sizeof(arg->type)) ||
	    (arg->params_len && !arg->params))
		return -EINVAL;
	if (arg->nr_items > DBDEV_MAX_ITEMS || arg->params_len > DBDEV_PARAMS_MAX)
		return -E2BIG;
	arg->id = 0;
	arg->nr_assigned = 0;
	arg->conflict_id = 0;
	memset(&arg->conflict, 0, sizeof(arg->conflict));

	err = dbdev_items_from_user(arg->flags & DBDEV_CREATE_CONSTRAINTS,
				    arg->nr_items, arg->items, &items, &count);
	if (err)
		return err;
	if (count > DBDEV_MAX_ITEMS ||
	    (arg->assigned && arg->assigned_max < count)) {
		err = -E2BIG;
		goto out;
	}
	err = dbdev_uout_pin_answer(&answer, uc) ?:
	      dbdev_uout_pin(&assigned, u64_to_user_ptr(arg->assigned),
			     arg->assigned ? count * sizeof(struct dbdev_uresource) : 0);
	if (err)
		goto out;
	if (arg->params_len) {
		blob = memdup_user(u64_to_user_ptr(arg->params),
				   arg->params_len);
		if (IS_ERR(blob)) {
			err = PTR_ERR(blob);
			blob = NULL;
			goto out;
		}
	}

	/*
	 * Everything that can fail happens before the device is registered:
	 * the answer goes to pinned pages.
	 */
	mutex_lock(&ctx->lock);
	if (ctx->nr_insts >= max_devices) {
		err = -EMFILE;
		goto unlock;
	}
	if (!unnamed && dbdev_inst_named(ctx, arg->name)) {
		err = -ENOTUNIQ;
		goto unlock;
	}
	inst = kzalloc(struct_size(inst, res, count), GFP_KERNEL_ACCOUNT);
	if (!inst) {
		err = -ENOMEM;
		goto unlock;
	}
	/* the id is taken now; only ctx->lock holders see the half-made entry */
	err = xa_alloc_cyclic(&ctx->insts, &inst->id, inst,
			      XA_LIMIT(1, INT_MAX), &ctx->next_id,
			      GFP_KERNEL_ACCOUNT);
	if (err < 0)
		goto unlock;
	type = dbdev_type_get(arg->type);
	if (!type) {
		err = -ENOENT;
		goto unlock;
	}
	params = dbdev_type_params(type, blob, arg->params_len);
	if (IS_ERR(params)) {
		err = PTR_ERR(params);
		params = NULL;
		goto unlock;
	}
	dev = type->create(params);
	if (IS_ERR(dev)) {
		err = PTR_ERR(dev);
		dev = NULL;
		goto unlock;
	}
	err = dbdev_ctx_register(ctx, dev, arg, items);
	if (err == -EEXIST || err == -EBUSY)
		dbdev_report_conflict(ctx, arg, items);
	if (err)
		goto unlock;

	dbdev_inst_fill(ctx, inst, type, dev);
	memcpy(inst->name, arg->name, sizeof(inst->name));
	arg->id = inst->id;
	arg->nr_assigned = inst->nr_res;
	if (arg->assigned)
		dbdev_uout_write(&assigned, 0, inst->res,
				 inst->nr_res * sizeof(inst->res[0]));
	dbdev_uout_respond(&answer, uc);
	answered = true;
	mutex_unlock(&ctx->lock);
	goto out;

unlock:
	if (dev)
		type->destroy(dev);
	if (type)
		module_put(type->owner);
	if (inst && inst->id) {		/* a failed create uses up no id */
		xa_erase(&ctx->insts, inst->id);
		ctx->next_id = inst->id;
	}
	kfree(inst);
	if (err == -EEXIST || err == -EBUSY) {
		dbdev_uout_respond(&answer, uc);
		answered = true;
	}
	mutex_unlock(&ctx->lock);
out:
	dbdev_uout_unpin(&assigned, answered && !err);
	dbdev_uout_unpin(&answer, answered);
	kfree(blob);
	kfree(params);
	kfree(items);
	return err;
}

static int dbdev_ioctl_destroy(struct dbdev_ctx *ctx, struct dbdev_ucmd *uc)
{
	struct dbdev_destroy_device *arg = uc->arg;
	struct dbdev_inst *inst;
	int err;

	if (arg->reserved)
		return -EINVAL;

	mutex_lock(&ctx->lock);
	inst = dbdev_inst_lookup(ctx, arg->id);
	if (!inst || (inst->tx_flags & DBDEV_INFO_TX_REMOVED))
		err = -ENOENT;
	else
		err = dbdev_inst_destroy(ctx, inst);
	mutex_unlock(&ctx->lock);
	return err;
}

/* ------------------------------------------------------------------------
 * Transactions
 */

static int dbdev_ioctl_tx_begin(struct dbdev_ctx *ctx, struct dbdev_ucmd *uc)
{
	int err = 0;

	if (uc->uarg)
		return -EINVAL;
	mutex_lock(&ctx->lock);
	if (ctx->tx) {
		err = -EBUSY;
	} else {
		ctx->tx = dbdev_tx_begin(ctx->mgr);
		if (IS_ERR(ctx->tx)) {
			err = PTR_ERR(ctx->tx);
			ctx->tx = NULL;
		}
	}
	mutex_unlock(&ctx->lock);
	return err;
}

/* Commit or cancel the open transaction */
static int dbdev_tx_end(struct dbdev_ctx *ctx, bool commit)
{
	struct dbdev_inst *inst;
	unsigned long id;
	int err = 0;

	mutex_lock(&ctx->lock);
	if (!ctx->tx) {
		err = -ENOENT;
		goto unlock;
	}
	if (commit)
		err = dbdev_tx_commit(ctx->tx);
	else
		dbdev_tx_cancel(ctx->tx);
	if (err)
		goto unlock;
	ctx->tx = NULL;

	/* what the commit removed, or the cancel never made, goes */
	xa_for_each(&ctx->insts, id, inst) {
		u32 gone = commit ? DBDEV_INFO_TX_REMOVED : DBDEV_INFO_TX_ADDED;

		if (inst->tx_flags & gone)
			dbdev_inst_free(ctx, inst);
		else
			inst->tx_flags = 0;
	}
unlock:
	mutex_unlock(&ctx->lock);
	return err;
}

static int dbdev_ioctl_tx_commit(struct dbdev_ctx *ctx, struct dbdev_ucmd *uc)
{
	return uc->uarg ? -EINVAL : dbdev_tx_end(ctx, true);
}

static int dbdev_ioctl_tx_cancel(struct dbdev_ctx *ctx, struct dbdev_ucmd *uc)
{
	return uc->uarg ? -EINVAL : dbdev_tx_end(ctx, false);
}

/* ------------------------------------------------------------------------
 * I/O injection
 */

/*
 * The helpers of DBDEV_IO and DBDEV_IO_BATCH are __always_inline: besides
 * its dispatch, an injected access is mostly calls and returns of their
 * size.  Under TCG, where the ioctl benchmark runs and each return is a
 * lookup of where to go on, a batch's access took a tenth longer with
 * them out of line.
 */

/* Check one access as the ABI describes it. */
static __always_inline int dbdev_io_check(const struct dbdev_io *io)
{
	u64 bytes = (u64)io->size * io->count;

	if (io->bus > DBDEV_IO_MMIO || io->dir > DBDEV_IO_WRITE ||
	    !io->size || io->size > DBDEV_MAX_ACCESS || io->device ||
	    !io->count)
		return -EINVAL;
	if (bytes > DBDEV_IO_MAX_BYTES)
		return -E2BIG;
	if (io->bus == DBDEV_IO_PIO && io->addr >= DBDEV_PIO_LIMIT)
		return -EINVAL;
	/* elements run past the end of the space, but do not start there */
	if (io->bus == DBDEV_IO_MMIO &&
	    io->addr > U64_MAX - (bytes - io->size))
		return -EINVAL;
	return 0;
}

/* The page that holds all @len bytes at @addr, or 0 if they span two */
static u64 dbdev_one_page(u64 addr, size_t len)
{
	return (addr & PAGE_MASK) == ((addr + len - 1) & PAGE_MASK) ?
	       addr & PAGE_MASK : 0;
}

/*
 * Can the access's data be read (a write) or written (a read)?  *@rw_page
 * is a page found readable and writable before (or 0): buffers that share
 * a page (a batch's, or an access's and its argument structure's) are
 * probed once.
 */
static __always_inline int dbdev_io_probe(const struct dbdev_io *io,
					  u64 *rw_page)
{
	void __user *udata = u64_to_user_ptr(io->data);
	size_t bytes = (size_t)io->size * io->count;
	int err;

	if (*rw_page && dbdev_one_page(io->data, bytes) == *rw_page)
		return 0;
	if (io->dir == DBDEV_IO_WRITE)
		return fault_in_readable(udata, bytes) ? -EFAULT : 0;
	err = dbdev_probe_user(udata, bytes);
	if (!err)
		*rw_page = (io->data + bytes - 1) & PAGE_MASK;
	return err;
}

/* One element of @io at @addr; sets io->result and io->device. */
static void dbdev_io_element(struct dbdev_caller *caller, struct dbdev_io *io,
			     u64 addr, void *data)
{
	int err;

	err = dbdev_dispatch_held(caller, io->bus, addr, data, io->size,
				  io->dir == DBDEV_IO_WRITE, &io->result);
	io->device = !err;
	if (err)
		io->result = err;
}

/*
 * Room for @bytes of access data, and for at least DBDEV_MAX_ACCESS:
 * @small, or an allocation (to kfree() if it is not @small).  Taken before
 * any access runs, so that a call does not fail for want of memory halfway.
 */
static __always_inline u8 *
dbdev_io_buf(size_t bytes, u8 small[DBDEV_MAX_ACCESS])
{
	return bytes > DBDEV_MAX_ACCESS ?
	       kmalloc(bytes, GFP_KERNEL_ACCOUNT) : small;
}

/*
 * Copy an access's data in or out.  Most are one element of 1 to 8 bytes,
 * which take a single user access, without the set-up of a general copy
 * (where the CPU minds alignment, only at an aligned address).
 */
static bool dbdev_io_one_access(const void __user *p, size_t bytes)
{
	return IS_ENABLED(CONFIG_HAVE_EFFICIENT_UNALIGNED_ACCESS) ||
	       IS_ALIGNED((unsigned long)p, bytes);
}

static int dbdev_io_copy_in(u8 *to, const void __user *from, size_t bytes)
{
	u64 v8;
	u32 v4;
	u16 v2;
	u8 v1;

	switch (dbdev_io_one_access(from, bytes) ? bytes : 0) {
	case 1:
		if (get_user(v1, (const u8 __user *)from))
			return -EFAULT;
		memcpy(to, &v1, 1);
		return 0;
	case 2:
		if (get_user(v2, (const u16 __user *)from))
			return -EFAULT;
		memcpy(to, &v2, 2);
		return 0;
	case 4:
		if (get_user(v4, (const u32 __user *)from))
			return -EFAULT;
		memcpy(to, &v4, 4);
		return 0;
	case 8:
		if (get_user(v8, (const u64 __user *)from))
			return -EFAULT;
		memcpy(to, &v8, 8);
		return 0;
	}
	return copy_from_user(to, from, bytes) ? -EFAULT : 0;
}

static int dbdev_io_copy_out(void __user *to, const u8 *from, size_t bytes)
{
	u64 v8;
	u32 v4;
	u16 v2;

	switch (dbdev_io_one_access(to, bytes) ? bytes : 0) {
	case 1:
		return put_user(*from, (u8 __user *)to);
	case 2:
		memcpy(&v2, from, 2);
		return put_user(v2, (u16 __user *)to);
	case 4:
		memcpy(&v4, from, 4);
		return put_user(v4, (u32 __user *)to);
	case 8:
		memcpy(&v8, from, 8);
		return put_user(v8, (u64 __user *)to);
	}
	return copy_to_user(to, from, bytes) ? -EFAULT : 0;
}

/*
 * An injection ioctl's callbacks run under a dbdev_srcu read side it
 * holds across them, where each dispatch would take and drop its own: an
 * access of a batch is spared two full barriers.  Every unregistration in
 * the system waits for the read sides in flight, so this one stays short:
 * it is dropped and taken again (other tasks given way in between) every
 * DBDEV_IO_HOLD dispatches, and it never waits for a page fault, which a
 * userfaultfd or a FUSE server may hold up for as long as it likes.  The
 * access data is copied with page faults off, and a copy that faulted is
 * made again with the read side dropped.
 */
#define DBDEV_IO_HOLD	16

struct dbdev_io_reader {
	int idx;
	unsigned int calls;	/* dispatches since the read side was taken */
};

static __always_inline void dbdev_io_enter(struct dbdev_io_reader *rd)
{
	rd->idx = srcu_read_lock(&dbdev_srcu);
	rd->calls = 0;
}

static __always_inline void dbdev_io_leave(struct dbdev_io_reader *rd)
{
	srcu_read_unlock(&dbdev_srcu, rd->idx);
}

/* After a dispatch: let grace periods through if it is time. */
static __always_inline void dbdev_io_relax(struct dbdev_io_reader *rd)
{
	if (++rd->calls < DBDEV_IO_HOLD)
		return;
	dbdev_io_leave(rd);
	cond_resched();
	dbdev_io_enter(rd);
}

/*
 * A copy that faulted under the read side, made again without it; the
 * read side is taken anew, as by dbdev_io_relax(), after giving way.
 */
static noinline int dbdev_io_copy_slow(struct dbdev_io_reader *rd, u8 *buf,
				       void __user *udata, size_t bytes,
				       bool out)
	__must_hold(&dbdev_srcu)
{
	int err;

	dbdev_io_leave(rd);
	err = out ? dbdev_io_copy_out(udata, buf, bytes) :
		    dbdev_io_copy_in(buf, udata, bytes);
	cond_resched();
	dbdev_io_enter(rd);
	return err;
}

/* Copy an access's data in (@out false) or out, under @rd's read side. */
static __always_inline int dbdev_io_copy(struct dbdev_io_reader *rd, u8 *buf,
					 void __user *udata, size_t bytes,
					 bool out)
{
	int err;

	pagefault_disable();
	err = out ? dbdev_io_copy_out(udata, buf, bytes) :
		    dbdev_io_copy_in(buf, udata, bytes);
	pagefault_enable();
	return likely(!err) ? 0 :
	       dbdev_io_copy_slow(rd, buf, udata, bytes, out);
}

/*
 * Run a checked and probed access, with room for its data at @buf, under
 * @rd's read side; its outcome goes to io->result and io->done.  A read
 * writes back the elements done, nothing else.
 */
static __always_inline int dbdev_io_run(struct dbdev_caller *caller,
					struct dbdev_io *io, u8 *buf,
					struct dbdev_io_reader *rd)
{
	void __user *udata = u64_to_user_ptr(io->data);
	size_t bytes = (size_t)io->size * io->count;
	unsigned int i;

	if (io->dir == DBDEV_IO_WRITE) {
		if (dbdev_io_copy(rd, buf, udata, bytes, false))
			return -EFAULT;
	} else if (bytes <= DBDEV_MAX_ACCESS) {
		/* a read hands back what the device wrote, or zeroes */
		memset(buf, 0, DBDEV_MAX_ACCESS);	/* in line: constant */
	} else {
		memset(buf, 0, bytes);
	}

	io->result = 0;
	for (i = 0; i < io->count && !io->result; i++) {
		u64 addr = io->addr;

		if (io->bus == DBDEV_IO_MMIO)
			addr += (u64)i * io->size;
		dbdev_io_element(caller, io, addr, buf + i * io->size);
		dbdev_io_relax(rd);
	}
	io->done = io->result ? i - 1 : i;
	if (io->dir == DBDEV_IO_READ &&
	    dbdev_io_copy(rd, buf, udata, (size_t)io->done * io->size, true))
		return -EFAULT;
	return 0;
}

/* dbdev_io_answer() where the CPU minds alignment and @u is not aligned */
static noinline int dbdev_io_answer_unaligned(struct dbdev_io __user *u,
					      const struct dbdev_io *io,
					      unsigned int nr)
{
	unsigned int i;

	static_assert(offsetof(struct dbdev_io, done) ==
		      offsetof(struct dbdev_io, result) + sizeof(io->result));
	for (i = 0; i < nr; i++)
		if (put_user(io[i].device, &u[i].device) ||
		    copy_to_user(&u[i].result, &io[i].result,
				 sizeof(io->result) + sizeof(io->done)))
			return -EFAULT;
	return 0;
}

/*
 * Write what DBDEV_IO and DBDEV_IO_BATCH change in the caller's @nr
 * accesses at @u: each one's device, result and done, in one user access
 * section.  Before the accesses, with the values the caller passed, it
 * checks that the answer can be written and changes nothing.
 */
static __always_inline int dbdev_io_answer(struct dbdev_io __user *u,
					   const struct dbdev_io *io,
					   unsigned int nr)
{
	unsigned int i;

	if (!dbdev_io_one_access(u, sizeof(u32)))
		return dbdev_io_answer_unaligned(u, io, nr);
	if (!user_access_begin(u, nr * sizeof(*u)))
		return -EFAULT;
	for (i = 0; i < nr; i++) {
		unsafe_put_user(io[i].device, &u[i].device, fault);
		unsafe_put_user(io[i].result, &u[i].result, fault);
		unsafe_put_user(io[i].done, &u[i].done, fault);
	}
	user_access_end();
	return 0;
fault:
	user_access_end();
	return -EFAULT;
}

static int dbdev_ioctl_io(struct dbdev_ctx *ctx, struct dbdev_ucmd *uc)
{
	struct dbdev_caller caller __uninitialized;
	struct dbdev_io_one *arg = uc->arg;
	struct dbdev_io_one __user *uarg = uc->uarg;
	u8 small[DBDEV_MAX_ACCESS], *buf;
	struct dbdev_io_reader rd;
	u64 rw_page;
	int err;

	if (arg->flags)
		return -EINVAL;
	dbdev_caller_init(&caller, ctx->mgr);
	err = dbdev_io_check(&arg->io) ?:
	      dbdev_io_answer(&uarg->io, &arg->io, 1);
	if (err)
		return err;
	rw_page = dbdev_one_page((unsigned long)uc->uarg, sizeof(*arg));
	err = dbdev_io_probe(&arg->io, &rw_page);
	if (err)
		return err;
	buf = dbdev_io_buf((size_t)arg->io.size * arg->io.count, small);
	if (!buf)
		return -ENOMEM;
	dbdev_io_enter(&rd);
	err = dbdev_io_run(&caller, &arg->io, buf, &rd);
	dbdev_io_leave(&rd);
	err = err ?: dbdev_io_answer(&uarg->io, &arg->io, 1);
	if (buf != small)
		kfree(buf);
	return err;
}

static int dbdev_ioctl_io_batch(struct dbdev_ctx *ctx, struct dbdev_ucmd *uc)
{
	struct dbdev_caller caller __uninitialized;
	struct dbdev_io_batch *arg = uc->arg;
	struct dbdev_io __user *uios;
	u8 small[DBDEV_MAX_ACCESS], *buf = NULL;
	size_t most = 0;
	struct dbdev_io_reader rd;
	u64 rw_page = 0;
	struct dbdev_io *ios;
	unsigned int i;
	int err = 0;

	if (arg->reserved || !arg->nr)
		return -EINVAL;
	if (arg->nr > DBDEV_BATCH_MAX)
		return -E2BIG;
	dbdev_caller_init(&caller, ctx->mgr);
	uios = u64_to_user_ptr(arg->ios);
	ios = memdup_user(uios, arg->nr * sizeof(*ios));
	if (IS_ERR(ios))
		return PTR_ERR(ios);
	/*
	 * Every access is well formed, with its data at hand and room for
	 * it, before any runs.
	 */
	for (i = 0; i < arg->nr && !err; i++) {
		err = dbdev_io_check(&ios[i]) ?: dbdev_io_probe(&ios[i], &rw_page);
		most = max_t(size_t, most, (size_t)ios[i].size * ios[i].count);
	}
	if (!err)
		err = dbdev_io_answer(uios, ios, arg->nr);
	if (!err) {
		buf = dbdev_io_buf(most, small);
		if (!buf)
			err = -ENOMEM;
	}
	/*
	 * Up to DBDEV_BATCH_MAX * DBDEV_IO_MAX_BYTES callbacks: stop for a
	 * process that is being killed (and give way: dbdev_io_relax()).
	 */
	if (!err) {
		dbdev_io_enter(&rd);
		for (i = 0; i < arg->nr && !err; i++) {
			err = dbdev_io_run(&caller, &ios[i], buf, &rd);
			if (!err && fatal_signal_pending(current))
				err = -EINTR;
		}
		dbdev_io_leave(&rd);
	}
	if (!err)
		err = dbdev_io_answer(uios, ios, arg->nr);
	if (buf != small)
		kfree(buf);
	kfree(ios);
	return err;
}

/* ------------------------------------------------------------------------
 * Listing, device commands, pools
 */

/* Does LIST, as @arg asks, show @inst? */
static bool dbdev_list_shows(const struct dbdev_list_devices *arg,
			     const struct dbdev_inst *inst)
{
	return !(arg->flags & DBDEV_LIST_NAME) ||
	       !strncmp(inst->name, arg->name, DBDEV_NAME_LEN);
}

/* Fill @info for @inst, whose resources are at @first in the answer */
static void dbdev_list_fill(struct dbdev_device_info *info,
			    const struct dbdev_inst *inst, u32 first)
{
	*info = (struct dbdev_device_info){
		.id = inst->id,
		.nr_resources = inst->nr_res,
		.first_resource = first,
		.flags = inst->tx_flags,
	};
	strscpy(info->type, inst->type->name, sizeof(info->type));
	memcpy(info->name, inst->name, sizeof(info->name));
}

/*
 * The answer is put together under ctx->lock and copied out after it: a
 * copy that waits for userspace (a userfaultfd page) holds up no other
 * call on the context.
 */
static int dbdev_ioctl_list(struct dbdev_ctx *ctx, struct dbdev_ucmd *uc)
{
	struct dbdev_list_devices *arg = uc->arg;
	struct dbdev_uresource *res = NULL;
	struct dbdev_device_info *info = NULL;
	u32 size = arg->info_size;
	u32 nr_dev = 0, nr_res = 0;
	struct dbdev_inst *inst;
	unsigned long id;
	bool unnamed;
	int err = 0;

	if ((arg->flags & ~DBDEV_LIST_NAME) || arg->reserved ||
	    !dbdev_name_valid(arg->name, &unnamed) ||
	    unnamed == !!(arg->flags & DBDEV_LIST_NAME))
		return -EINVAL;
	err = dbdev_entry_size(&size, DBDEV_DEVICE_INFO_SIZE_VER0);
	if (err)
		return err;

	mutex_lock(&ctx->lock);
	xa_for_each(&ctx->insts, id, inst) {
		if (dbdev_list_shows(arg, inst)) {
			nr_dev++;
			nr_res += inst->nr_res;
		}
	}
	if ((arg->flags & DBDEV_LIST_NAME) && !nr_dev) {
		err = -ENOENT;
	} else if (nr_dev > arg->nr_devices || nr_res > arg->nr_resources) {
		err = -E2BIG;
	} else {
		info = kvmalloc_array(nr_dev, sizeof(*info), GFP_KERNEL_ACCOUNT);
		res = kvmalloc_array(nr_res, sizeof(*res), GFP_KERNEL_ACCOUNT);
		if (!info || !res)
			err = -ENOMEM;
	}
	if (!err) {
		nr_dev = 0;
		nr_res = 0;
		xa_for_each(&ctx->insts, id, inst) {
			if (!dbdev_list_shows(arg, inst))
				continue;
			dbdev_list_fill(&info[nr_dev++], inst, nr_res);
			memcpy(&res[nr_res], inst->res,
			       inst->nr_res * sizeof(*res));
			nr_res += inst->nr_res;
		}
	}
	mutex_unlock(&ctx->lock);

	if (!err &&
	    (dbdev_put_entries(u64_to_user_ptr(arg->devices), size, info,
			       sizeof(*info), nr_dev) ||
	     copy_to_user(u64_to_user_ptr(arg->resources), res,
			  nr_res * sizeof(*res))))
		err = -EFAULT;
	kvfree(res);
	kvfree(info);
	if (err && err != -E2BIG)
		return err;

	arg->nr_devices = nr_dev;
	arg->nr_resources = nr_res;
	return dbdev_respond(uc) ?: err;
}

static int dbdev_ioctl_ctl(struct dbdev_ctx *ctx, struct dbdev_ucmd *uc)
{
	struct dbdev_device_ctl *arg = uc->arg;
	struct dbdev_inst *inst;
	void *buf;
	long ret;

	if (arg->reserved0 || arg->reserved)
		return -EINVAL;
	if (arg->in_len > DBDEV_CTL_MAX || arg->out_len > DBDEV_CTL_MAX)
		return -E2BIG;

	buf = kvzalloc(max(arg->in_len, arg->out_len) ?: 1, GFP_KERNEL_ACCOUNT);
	if (!buf)
		return -ENOMEM;
	if (copy_from_user(buf, u64_to_user_ptr(arg->buf), arg->in_len)) {
		ret = -EFAULT;
		goto out;
	}
	/* a command may consume state: make sure its answer can be given */
	ret = dbdev_probe_user(u64_to_user_ptr(arg->buf), arg->out_len) ?:
	      dbdev_probe_answer(uc);
	if (ret)
		goto out;

	mutex_lock(&ctx->lock);
	inst = dbdev_inst_lookup(ctx, arg->id);
	if (!inst) {
		ret = -ENOENT;
	} else if (!inst->type->ctl) {
		ret = -EOPNOTSUPP;
	} else {
		dbdev_inst_quiesce(inst);
		ret = inst->type->ctl(inst->dev, arg->op, buf, arg->in_len,
				      arg->out_len);
		dbdev_inst_resume(inst);
	}
	mutex_unlock(&ctx->lock);
	if (ret < 0)
		goto out;

	arg->out_len = min_t(long, ret, arg->out_len);
	ret = 0;
	if (copy_to_user(u64_to_user_ptr(arg->buf), buf, arg->out_len) ||
	    dbdev_respond(uc))
		ret = -EFAULT;
out:
	kvfree(buf);
	return ret;
}

/* ------------------------------------------------------------------------
 * Reset, save and restore
 */

static int dbdev_ioctl_reset(struct dbdev_ctx *ctx, struct dbdev_ucmd *uc)
{
	struct dbdev_device_reset *arg = uc->arg;
	struct dbdev_inst *inst;
	int err;

	if (arg->reserved)
		return -EINVAL;
	mutex_lock(&ctx->lock);
	inst = dbdev_inst_lookup(ctx, arg->id);
	if (!inst) {
		err = -ENOENT;
	} else if (!inst->type->reset) {
		err = -EOPNOTSUPP;
	} else {
		dbdev_inst_quiesce(inst);
		err = inst->type->reset(inst->dev);
		dbdev_inst_resume(inst);
	}
	mutex_unlock(&ctx->lock);
	return err;
}

/*
 * Save @inst's state, header first, into a buffer of ours: its length in
 * *@len, or -E2BIG with the room it needs there if @room is less.
 */
static void *dbdev_inst_save(struct dbdev_inst *inst, u32 room, u32 *len)
{
	const struct dbdev_type *type = inst->type;
	struct dbdev_state_header *hdr;
	long max, n;

	max = type->save(inst->dev, NULL, 0);
	if (max < 0)
		return ERR_PTR(max);
	if (WARN_ON_ONCE(max > DBDEV_STATE_MAX - sizeof(*hdr)))
		return ERR_PTR(-EIO);
	*len = sizeof(*hdr) + max;
	if (room < *len)
		return ERR_PTR(-E2BIG);
	hdr = kvzalloc(*len, GFP_KERNEL_ACCOUNT);
	if (!hdr)
		return ERR_PTR(-ENOMEM);
	n = type->save(inst->dev, hdr + 1, max);
	if (n < 0 || WARN_ON_ONCE(n > max)) {
		kvfree(hdr);
		return ERR_PTR(n < 0 ? n : -EIO);
	}
	hdr->magic = DBDEV_STATE_MAGIC;
	hdr->version = type->state_version;
	strscpy(hdr->type, type->name, sizeof(hdr->type));
	hdr->size = n;
	*len = sizeof(*hdr) + n;
	return hdr;
}

static int dbdev_ioctl_save(struct dbdev_ctx *ctx, struct dbdev_ucmd *uc)
{
	struct dbdev_device_state *arg = uc->arg;
	struct dbdev_inst *inst;
	void *state;
	u32 len = 0;
	int err;

	if (arg->flags || arg->reserved)
		return -EINVAL;
	mutex_lock(&ctx->lock);
	inst = dbdev_inst_lookup(ctx, arg->id);
	if (!inst) {
		state = ERR_PTR(-ENOENT);
	} else if (!inst->type->save) {
		state = ERR_PTR(-EOPNOTSUPP);
	} else {
		dbdev_inst_quiesce(inst);
		state = dbdev_inst_save(inst, arg->len, &len);
		dbdev_inst_resume(inst);
	}
	mutex_unlock(&ctx->lock);

	err = PTR_ERR_OR_ZERO(state);
	if (err && err != -E2BIG)
		return err;
	if (!err && copy_to_user(u64_to_user_ptr(arg->buf), state, len))
		err = -EFAULT;
	if (!IS_ERR(state))
		kvfree(state);
	if (err == -EFAULT)
		return err;
	arg->len = len;
	return dbdev_respond(uc) ?: err;
}

/*
 * Check a saved state's header against @inst; *@version and the type's
 * state then.
 */
static int dbdev_state_check(const struct dbdev_inst *inst, const void *state,
			     u32 len, u32 *version)
{
	const struct dbdev_state_header *hdr = state;

	if (hdr->magic != DBDEV_STATE_MAGIC || hdr->reserved ||
	    hdr->size != len - sizeof(*hdr) || !hdr->version ||
	    strncmp(hdr->type, inst->type->name, sizeof(hdr->type)))
		return -EINVAL;
	if (hdr->version > inst->type->state_version)
		return -EPROTONOSUPPORT;
	*version = hdr->version;
	return 0;
}

static int dbdev_ioctl_restore(struct dbdev_ctx *ctx, struct dbdev_ucmd *uc)
{
	struct dbdev_device_state *arg = uc->arg;
	struct dbdev_inst *inst;
	void *state;
	u32 version;
	int err;

	if (arg->flags || arg->reserved ||
	    arg->len < sizeof(struct dbdev_state_header))
		return -EINVAL;
	if (arg->len > DBDEV_STATE_MAX)
		return -E2BIG;
	state = vmemdup_user(u64_to_user_ptr(arg->buf), arg->len);
	if (IS_ERR(state))
		return PTR_ERR(state);

	mutex_lock(&ctx->lock);
	inst = dbdev_inst_lookup(ctx, arg->id);
	if (!inst)
		err = -ENOENT;
	else if (!inst->type->restore)
		err = -EOPNOTSUPP;
	else
		err = dbdev_state_check(inst, state, arg->len, &version);
	if (!err) {
		dbdev_inst_quiesce(inst);
		err = inst->type->restore(inst->dev, version,
					  state + sizeof(struct dbdev_state_header),
					  arg->len - sizeof(struct dbdev_state_header));
		dbdev_inst_resume(inst);
	}
	mutex_unlock(&ctx->lock);
	kvfree(state);
	return err;
}

/* ------------------------------------------------------------------------
 * Interrupts, statistics and the vCPU loop
 */

static int dbdev_ioctl_eventfd(struct dbdev_ctx *ctx, struct dbdev_ucmd *uc)
{
	struct dbdev_device_eventfd *arg = uc->arg;
	struct dbdev_inst *inst;
	int err;

	if ((arg->flags & ~(DBDEV_EVENTFD_RESAMPLE | DBDEV_EVENTFD_DEASSIGN)) ||
	    (arg->flags & DBDEV_EVENTFD_RESAMPLE &&
	     (arg->flags & DBDEV_EVENTFD_DEASSIGN ||
	      arg->kind != DBDEV_EVENTFD_LINE)) ||
	    arg->kind >= DBDEV_NR_IRQ_KINDS || arg->reserved)
		return -EINVAL;
	if (arg->flags & DBDEV_EVENTFD_RESAMPLE && arg->resample_fd < 0)
		return -EBADF;

	mutex_lock(&ctx->lock);
	inst = dbdev_inst_lookup(ctx, arg->id);
	if (!inst)
		err = -ENOENT;
	else if (arg->flags & DBDEV_EVENTFD_DEASSIGN)
		err = dbdev_irq_disconnect(inst->dev, arg->kind, arg->index);
	else
		err = dbdev_irq_eventfd(inst->dev, arg->kind, arg->index, arg->fd,
					arg->flags & DBDEV_EVENTFD_RESAMPLE ?
					arg->resample_fd : -1);
	mutex_unlock(&ctx->lock);
	return err;
}

static int dbdev_ioctl_device_stats(struct dbdev_ctx *ctx,
				    struct dbdev_ucmd *uc)
{
	struct dbdev_device_stats *arg = uc->arg;
	struct dbdev_io_stats io;
	struct dbdev_irq_stats *st;
	struct dbdev_inst *inst;

	mutex_lock(&ctx->lock);
	inst = dbdev_inst_lookup(ctx, arg->id);
	if (inst) {
		st = &inst->dev->irq_stats;
		arg->irqs = atomic64_read(&st->raised);
		arg->irqs_unbound = atomic64_read(&st->unbound);
		arg->irqs_resampled = atomic64_read(&st->resampled);
		arg->notifications = atomic64_read(&st->notified);
		dbdev_device_io_stats(inst->dev, &io);
		arg->pio_reads = io.reads[DBDEV_BUS_PIO];
		arg->pio_writes = io.writes[DBDEV_BUS_PIO];
		arg->pio_errors = io.errors[DBDEV_BUS_PIO];
		arg->mmio_reads = io.reads[DBDEV_BUS_MMIO];
		arg->mmio_writes = io.writes[DBDEV_BUS_MMIO];
		arg->mmio_errors = io.errors[DBDEV_BUS_MMIO];
	}
	mutex_unlock(&ctx->lock);
	if (!inst)
		return -ENOENT;
	return dbdev_respond(uc);
}

static int dbdev_ioctl_get_stats(struct dbdev_ctx *ctx, struct dbdev_ucmd *uc)
{
	struct dbdev_stats *arg = uc->arg;
	struct dbdev_kvm *st = &ctx->kvm;

	if (arg->flags)
		return -EINVAL;
	arg->kvm_runs = atomic64_read(&st->runs);
	arg->served_pio = atomic64_read(&st->served_pio);
	arg->served_mmio = atomic64_read(&st->served_mmio);
	arg->exits = atomic64_read(&st->exits);
	arg->exits_unowned = atomic64_read(&st->exits_unowned);
	arg->signals = atomic64_read(&st->signals);
	arg->kvm_errors = atomic64_read(&st->kvm_errors);
	arg->io_errors = atomic64_read(&st->io_errors);
	return dbdev_respond(uc);
}

static int dbdev_ioctl_kvm_run(struct dbdev_ctx *ctx, struct dbdev_ucmd *uc)
{
	struct dbdev_kvm_run *arg = uc->arg;
	int err;

	if (memchr_inv(arg->reserved, 0, sizeof(arg->reserved)))
		return -EINVAL;
	/* the answer must get out once the vCPU has run: write it back now */
	if (dbdev_respond(uc))
		return -EFAULT;
	arg->reason = 0;
	arg->error = 0;
	arg->done = 0;
	arg->device = 0;
	arg->served = 0;
	err = dbdev_kvm_run(ctx->mgr, &ctx->kvm, arg);
	return err ?: dbdev_respond(uc);
}

/*
 * The windows of the two pool structures, in pairs of the same layout (all
 * four MMIO windows: unused ones are zero on both sides).
 */
static const struct {
	size_t kernel;
	size_t user;
} dbdev_pool_windows[] = {
	{ offsetof(struct dbdev_pool_config, pio),
	  offsetof(struct dbdev_upools, pio) },
	{ offsetof(struct dbdev_pool_config, mmio[0]),
	  offsetof(struct dbdev_upools, mmio[0]) },
	{ offsetof(struct dbdev_pool_config, mmio[1]),
	  offsetof(struct dbdev_upools, mmio[1]) },
	{ offsetof(struct dbdev_pool_config, mmio[2]),
	  offsetof(struct dbdev_upools, mmio[2]) },
	{ offsetof(struct dbdev_pool_config, mmio[3]),
	  offsetof(struct dbdev_upools, mmio[3]) },
	{ offsetof(struct dbdev_pool_config, mem),
	  offsetof(struct dbdev_upools, mem) },
	{ offsetof(struct dbdev_pool_config, legacy_irq),
	  offsetof(struct dbdev_upools, legacy_irq) },
	{ offsetof(struct dbdev_pool_config, msi),
	  offsetof(struct dbdev_upools, msi) },
	{ offsetof(struct dbdev_pool_config, kvm_slot),
	  offsetof(struct dbdev_upools, kvm_slot) },
};

/* Copy the windows, the MMIO count and the MAC prefix one way or the other. */
static void dbdev_pools_convert(struct dbdev_pool_config *cfg,
				struct dbdev_upools *u, bool to_user)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(dbdev_pool_windows); i++) {
		void *k = (void *)cfg + dbdev_pool_windows[i].kernel;
		void *w = (void *)u + dbdev_pool_windows[i].user;

		if (to_user)
			memcpy(w, k, sizeof(struct dbdev_window));
		else
			memcpy(k, w, sizeof(struct dbdev_window));
	}
	if (to_user) {
		u->nr_mmio = cfg->nr_mmio;
		memcpy(u->mac_prefix, cfg->mac_prefix, sizeof(u->mac_prefix));
	} else {
		cfg->nr_mmio = u->nr_mmio;
		memcpy(cfg->mac_prefix, u->mac_prefix, sizeof(u->mac_prefix));
	}
}

static int dbdev_ioctl_alloc(struct dbdev_ctx *ctx, struct dbdev_ucmd *uc)
{
	struct dbdev_alloc *arg = uc->arg;
	struct dbdev_uout answer = {}, assigned = {};
	struct dbdev_resource *res = NULL;
	struct dbdev_uresource *ures = NULL;
	bool answered = false;
	unsigned int count, i;
	void *con;
	int n;

	if (arg->flags || arg->reserved || !arg->nr_items)
		return -EINVAL;
	if (arg->nr_items > DBDEV_MAX_ITEMS)
		return -E2BIG;
	n = dbdev_items_from_user(true, arg->nr_items, arg->items, &con,
				  &count);
	if (n)
		return n;
	if (count > DBDEV_MAX_ITEMS || count > arg->assigned_max) {
		n = -E2BIG;
		goto out;
	}
	res = kcalloc(count, sizeof(*res), GFP_KERNEL_ACCOUNT);
	ures = kcalloc(count, sizeof(*ures), GFP_KERNEL_ACCOUNT);
	n = !res || !ures ? -ENOMEM :
	    dbdev_uout_pin(&assigned, u64_to_user_ptr(arg->assigned),
			   count * sizeof(*ures)) ?:
	    dbdev_uout_pin_answer(&answer, uc);
	if (n)
		goto out;

	/* once reserved, nothing fails: the answer goes to pinned pages */
	n = dbdev_alloc(ctx->mgr, con, arg->nr_items, res, count);
	if (n < 0)
		goto out;
	for (i = 0; i < n; i++)
		dbdev_res_to_user(&res[i], &ures[i]);
	arg->nr_assigned = n;
	dbdev_uout_write(&assigned, 0, ures, n * sizeof(*ures));
	dbdev_uout_respond(&answer, uc);
	answered = true;
	n = 0;
out:
	dbdev_uout_unpin(&assigned, answered);
	dbdev_uout_unpin(&answer, answered);
	kfree(ures);
	kfree(res);
	kfree(con);
	return n;
}

static int dbdev_ioctl_free(struct dbdev_ctx *ctx, struct dbdev_ucmd *uc)
{
	struct dbdev_free *arg = uc->arg;
	unsigned int count;
	void *res;
	int err;

	if (arg->reserved || !arg->nr)
		return -EINVAL;
	if (arg->nr > DBDEV_MAX_ITEMS)
		return -E2BIG;
	err = dbdev_items_from_user(false, arg->nr, arg->resources, &res,
				    &count);
	if (err)
		return err;
	err = dbdev_free(ctx->mgr, res, arg->nr);
	kfree(res);
	return err;
}

/*
 * DBDEV_GET_POOLS takes only argsz and flags as input; everything else is
 * the answer, so what the caller's buffer held there does not matter.
 */
static int dbdev_ioctl_get_pools(struct dbdev_ctx *ctx, struct dbdev_ucmd *uc)
{
	struct dbdev_upools *arg = uc->arg;
	struct dbdev_pool_config cfg;
	u32 argsz = arg->argsz;

	if (arg->flags)
		return -EINVAL;
	dbdev_pools_get(ctx->mgr, &cfg);
	memset(arg, 0, sizeof(*arg));
	arg->argsz = argsz;
	dbdev_pools_convert(&cfg, arg, true);
	return dbdev_respond(uc);
}

static int dbdev_ioctl_set_pools(struct dbdev_ctx *ctx, struct dbdev_ucmd *uc)
{
	struct dbdev_upools *arg = uc->arg;
	struct dbdev_pool_config cfg = {};
	unsigned int i;
	int err;

	if (arg->flags || arg->reserved0 || memchr_inv(arg->reserved, 0, sizeof(arg->reserved)))
		return -EINVAL;
	if (arg->nr_mmio > DBDEV_UMMIO_WINDOWS)
		return -E2BIG;
	for (i = arg->nr_mmio; i < DBDEV_UMMIO_WINDOWS; i++)
		if (arg->mmio[i].min || arg->mmio[i].max)
			return -EINVAL;
	dbdev_pools_convert(&cfg, arg, false);

	mutex_lock(&ctx->lock);
	err = dbdev_pools_set(ctx->mgr, &cfg);
	mutex_unlock(&ctx->lock);
	return err;
}

/* ------------------------------------------------------------------------
 * The misc device
 */

/* ------------------------------------------------------------------------
 * Queries
 */

static int dbdev_ioctl_api_version(struct dbdev_ctx *ctx, struct dbdev_ucmd *uc)
{
	return uc->uarg ? -EINVAL : DBDEV_API_VERSION;
}

static int dbdev_ioctl_check_extension(struct dbdev_ctx *ctx,
				       struct dbdev_ucmd *uc)
{
	switch ((uintptr_t)uc->uarg) {
	case DBDEV_CAP_KVM_RUN:
		return DBDEV_HAVE_KVM_RUN;
	case DBDEV_CAP_EVENTFD:
		return 1;
	case DBDEV_CAP_MAX_DEVICES:
		return min(max_devices, (unsigned int)INT_MAX);
	case DBDEV_CAP_MAX_ITEMS:
		return DBDEV_MAX_ITEMS;
	case DBDEV_CAP_BATCH_MAX:
		return DBDEV_BATCH_MAX;
	case DBDEV_CAP_DEVICE_STATE:
		return 1;
	default:
		return 0;
	}
}

static unsigned int dbdev_ctl_fields(const struct dbdev_ctl_desc *c)
{
	return c->in.nr + c->out.nr + c->each.nr;
}

static void dbdev_type_info_fill(const struct dbdev_type *t,
				 struct dbdev_type_info *info)
{
	unsigned int i;

	memset(info, 0, sizeof(*info));
	strscpy(info->name, t->name, sizeof(info->name));
	info->flags = (t->ctl ? DBDEV_TYPE_CTL : 0) |
		      (t->reset ? DBDEV_TYPE_RESET : 0) |
		      (t->save ? DBDEV_TYPE_STATE : 0);
	info->params_size = t->params_size;
	info->params_min = t->params_min;
	info->state_version = t->state_version;
	info->nr_params = t->nr_params;
	info->nr_ctls = t->nr_ctls;
	info->nr_fields = t->nr_params;
	for (i = 0; i < t->nr_ctls; i++)
		info->nr_fields += dbdev_ctl_fields(&t->ctls[i]);
}

static int dbdev_ioctl_list_types(struct dbdev_ctx *ctx, struct dbdev_ucmd *uc)
{
	struct dbdev_list_types *arg = uc->arg;
	struct dbdev_type_info *infos = NULL;
	u32 size = arg->info_size, n = 0;
	struct dbdev_type *t;
	int err;

	if (arg->flags || arg->reserved)
		return -EINVAL;
	err = dbdev_entry_size(&size, DBDEV_TYPE_INFO_SIZE_VER0);
	if (err)
		return err;

	/* the answer is made under the lock and copied out after it */
	mutex_lock(&dbdev_types_lock);
	list_for_each_entry(t, &dbdev_types, node)
		n++;
	if (n > arg->nr_types) {
		err = -E2BIG;
	} else if (n) {
		infos = kvcalloc(n, sizeof(*infos), GFP_KERNEL_ACCOUNT);
		n = 0;
		if (!infos)
			err = -ENOMEM;
		else
			list_for_each_entry(t, &dbdev_types, node)
				dbdev_type_info_fill(t, &infos[n++]);
	}
	mutex_unlock(&dbdev_types_lock);
	if (!err)
		err = dbdev_put_entries(u64_to_user_ptr(arg->types), size, infos,
					sizeof(*infos), n);
	kvfree(infos);
	if (err && err != -E2BIG)
		return err;
	arg->nr_types = n;
	return dbdev_respond(uc) ?: err;
}

/* Append @nr fields to @out at *@i. */
static void dbdev_fields_put(struct dbdev_ufield *out, unsigned int *i,
			     const struct dbdev_field *f, unsigned int nr)
{
	for (; nr--; f++, (*i)++) {
		strscpy(out[*i].name, f->name, sizeof(out[*i].name));
		out[*i].offset = f->offset;
		out[*i].size = f->size;
		out[*i].format = f->format;
	}
}

/* The description of @t in the ABI's form, into arrays of ours. */
static int dbdev_type_describe(const struct dbdev_type *t, u32 nr_fields,
			       struct dbdev_ufield **fields,
			       struct dbdev_uctl **ctls)
{
	unsigned int i, n = 0;

	*fields = kvcalloc(nr_fields, sizeof(**fields), GFP_KERNEL_ACCOUNT);
	*ctls = kvcalloc(t->nr_ctls, sizeof(**ctls), GFP_KERNEL_ACCOUNT);
	if ((nr_fields && !*fields) || (t->nr_ctls && !*ctls))
		return -ENOMEM;
	dbdev_fields_put(*fields, &n, t->params, t->nr_params);
	for (i = 0; i < t->nr_ctls; i++) {
		const struct dbdev_ctl_desc *c = &t->ctls[i];
		struct dbdev_uctl *u = &(*ctls)[i];

		u->op = c->op;
		u->flags = c->flags;
		strscpy(u->name, c->name, sizeof(u->name));
		u->in_size = c->in.size;
		u->out_size = c->out.size;
		u->each_size = c->each.size;
		u->in_fields = c->in.nr;
		u->out_fields = c->out.nr;
		u->each_fields = c->each.nr;
		dbdev_fields_put(*fields, &n, c->in.fields, c->in.nr);
		dbdev_fields_put(*fields, &n, c->out.fields, c->out.nr);
		dbdev_fields_put(*fields, &n, c->each.fields, c->each.nr);
	}
	return 0;
}

static int dbdev_ioctl_describe_type(struct dbdev_ctx *ctx,
				     struct dbdev_ucmd *uc)
{
	struct dbdev_describe_type *arg = uc->arg;
	u32 fsize = arg->field_size, csize = arg->ctl_size;
	struct dbdev_ufield *fields = NULL;
	struct dbdev_uctl *ctls = NULL;
	struct dbdev_type_info info;
	struct dbdev_type *t;
	int err;

	if (arg->flags || !memchr(arg->type, 0, sizeof(arg->type)))
		return -EINVAL;
	err = dbdev_entry_size(&fsize, DBDEV_UFIELD_SIZE_VER0) ?:
	      dbdev_entry_size(&csize, DBDEV_UCTL_SIZE_VER0);
	if (err)
		return err;
	t = dbdev_type_get(arg->type);
	if (!t)
		return -ENOENT;
	dbdev_type_info_fill(t, &info);
	if (info.nr_fields > arg->nr_fields || info.nr_ctls > arg->nr_ctls)
		err = -E2BIG;
	else
		err = dbdev_type_describe(t, info.nr_fields, &fields, &ctls) ?:
		      dbdev_put_entries(u64_to_user_ptr(arg->fields), fsize,
					fields, sizeof(*fields),
					info.nr_fields) ?:
		      dbdev_put_entries(u64_to_user_ptr(arg->ctls), csize, ctls,
					sizeof(*ctls), info.nr_ctls);
	module_put(t->owner);
	kvfree(fields);
	kvfree(ctls);
	if (err && err != -E2BIG)
		return err;
	arg->nr_fields = info.nr_fields;
	arg->nr_ctls = info.nr_ctls;
	return dbdev_respond(uc) ?: err;
}

/* ------------------------------------------------------------------------
 * The ioctl dispatcher
 */

/**
 * struct dbdev_ioctl_desc - how the dispatcher takes one ioctl, at the
 * index of its number (each is _IO(DBDEV_IOC_MAGIC, number))
 * @fn: its handler: 0, a positive answer or a negative errno
 * @min_size: its structure's first version (DBDEV_*_SIZE_VER0); 0 for an
 *	      ioctl that takes none
 * @size: the kernel's structure
 * @write: the ioctl changes the context or runs its devices: refused on a
 *	   file opened without write access
 */
struct dbdev_ioctl_desc {
	int (*fn)(struct dbdev_ctx *ctx, struct dbdev_ucmd *uc);
	u16 min_size;
	u16 size;
	bool write;
};

#define DBDEV_IOCTL(_cmd, _fn, _struct, _ver0, _write)			\
	[_IOC_NR(_cmd)] = { .fn = (_fn), .min_size = (_ver0),		\
			    .size = sizeof(_struct), .write = (_write) }
#define DBDEV_IOCTL_NOARG(_cmd, _fn, _write)				\
	[_IOC_NR(_cmd)] = { .fn = (_fn), .write = (_write) }

static const struct dbdev_ioctl_desc dbdev_ioctls[] = {
	DBDEV_IOCTL_NOARG(DBDEV_GET_API_VERSION, dbdev_ioctl_api_version, false),
	DBDEV_IOCTL(DBDEV_CREATE_DEVICE, dbdev_ioctl_create,
		    struct dbdev_create_device, DBDEV_CREATE_DEVICE_SIZE_VER0,
		    true),
	DBDEV_IOCTL(DBDEV_DESTROY_DEVICE, dbdev_ioctl_destroy,
		    struct dbdev_destroy_device, DBDEV_DESTROY_DEVICE_SIZE_VER0,
		    true),
	DBDEV_IOCTL(DBDEV_IO, dbdev_ioctl_io, struct dbdev_io_one,
		    DBDEV_IO_ONE_SIZE_VER0, true),
	DBDEV_IOCTL(DBDEV_IO_BATCH, dbdev_ioctl_io_batch,
		    struct dbdev_io_batch, DBDEV_IO_BATCH_SIZE_VER0, true),
	DBDEV_IOCTL_NOARG(DBDEV_TX_BEGIN, dbdev_ioctl_tx_begin, true),
	DBDEV_IOCTL_NOARG(DBDEV_TX_COMMIT, dbdev_ioctl_tx_commit, true),
	DBDEV_IOCTL_NOARG(DBDEV_TX_CANCEL, dbdev_ioctl_tx_cancel, true),
	DBDEV_IOCTL(DBDEV_LIST_DEVICES, dbdev_ioctl_list,
		    struct dbdev_list_devices, DBDEV_LIST_DEVICES_SIZE_VER0,
		    false),
	DBDEV_IOCTL(DBDEV_DEVICE_CTL, dbdev_ioctl_ctl, struct dbdev_device_ctl,
		    DBDEV_DEVICE_CTL_SIZE_VER0, true),
	DBDEV_IOCTL(DBDEV_GET_POOLS, dbdev_ioctl_get_pools,
		    struct dbdev_upools, DBDEV_UPOOLS_SIZE_VER0, false),
	DBDEV_IOCTL(DBDEV_SET_POOLS, dbdev_ioctl_set_pools,
		    struct dbdev_upools, DBDEV_UPOOLS_SIZE_VER0, true),
	DBDEV_IOCTL(DBDEV_DEVICE_EVENTFD, dbdev_ioctl_eventfd,
		    struct dbdev_device_eventfd, DBDEV_DEVICE_EVENTFD_SIZE_VER0,
		    true),
	DBDEV_IOCTL(DBDEV_DEVICE_STATS, dbdev_ioctl_device_stats,
		    struct dbdev_device_stats, DBDEV_DEVICE_STATS_SIZE_VER0,
		    false),
	DBDEV_IOCTL(DBDEV_KVM_RUN, dbdev_ioctl_kvm_run, struct dbdev_kvm_run,
		    DBDEV_KVM_RUN_SIZE_VER0, true),
	DBDEV_IOCTL(DBDEV_GET_STATS, dbdev_ioctl_get_stats, struct dbdev_stats,
		    DBDEV_STATS_SIZE_VER0, false),
	DBDEV_IOCTL_NOARG(DBDEV_CHECK_EXTENSION, dbdev_ioctl_check_extension,
			  false),
	DBDEV_IOCTL(DBDEV_DEVICE_RESET, dbdev_ioctl_reset,
		    struct dbdev_device_reset, DBDEV_DEVICE_RESET_SIZE_VER0, true),
	DBDEV_IOCTL(DBDEV_DEVICE_SAVE, dbdev_ioctl_save,
		    struct dbdev_device_state, DBDEV_DEVICE_STATE_SIZE_VER0,
		    false),
	DBDEV_IOCTL(DBDEV_DEVICE_RESTORE, dbdev_ioctl_restore,
		    struct dbdev_device_state, DBDEV_DEVICE_STATE_SIZE_VER0,
		    true),
	DBDEV_IOCTL(DBDEV_LIST_TYPES, dbdev_ioctl_list_types,
		    struct dbdev_list_types, DBDEV_LIST_TYPES_SIZE_VER0, false),
	DBDEV_IOCTL(DBDEV_DESCRIBE_TYPE, dbdev_ioctl_describe_type,
		    struct dbdev_describe_type, DBDEV_DESCRIBE_TYPE_SIZE_VER0,
		    false),
	DBDEV_IOCTL(DBDEV_ALLOC, dbdev_ioctl_alloc, struct dbdev_alloc,
		    DBDEV_ALLOC_SIZE_VER0, true),
	DBDEV_IOCTL(DBDEV_FREE, dbdev_ioctl_free, struct dbdev_free,
		    DBDEV_FREE_SIZE_VER0, true),
};

/* The largest structure any ioctl takes */
union dbdev_ioctl_arg {
	struct dbdev_create_device create;
	struct dbdev_destroy_device destroy;
	struct dbdev_io_one io;
	struct dbdev_io_batch batch;
	struct dbdev_list_devices list;
	struct dbdev_device_ctl ctl;
	struct dbdev_upools pools;
	struct dbdev_device_eventfd eventfd;
	struct dbdev_device_stats device_stats;
	struct dbdev_kvm_run kvm_run;
	struct dbdev_stats stats;
	struct dbdev_device_reset reset;
	struct dbdev_device_state state;
	struct dbdev_list_types list_types;
	struct dbdev_describe_type describe;
	struct dbdev_alloc alloc;
	struct dbdev_free free;
};

/*
 * Copy @len bytes from the start of an ioctl's structure: a word at a time
 * in one user access section, as every first version is whole words.  For
 * the 16 to 176 bytes an ioctl takes, copy_from_user() would add a string
 * copy's set-up and a check of the object it copies into, a good part of
 * what a call like DBDEV_IO costs besides its work.  Where the CPU does no
 * unaligned access, a pointer that is not aligned takes the general copy.
 */
static int dbdev_get_words(u64 *to, const void __user *from, size_t len)
{
	const u64 __user *p = from;
	size_t i;

	if (len % sizeof(u64) || !dbdev_io_one_access(from, sizeof(u64)))
		return copy_from_user(to, from, len) ? -EFAULT : 0;
	if (!user_access_begin(from, len))
		return -EFAULT;
	for (i = 0; i < len / sizeof(u64); i++)
		unsafe_get_user(to[i], &p[i], fault);
	user_access_end();
	return 0;
fault:
	user_access_end();
	return -EFAULT;
}

/*
 * Copy the structure of @desc's ioctl into @karg: from the first
 * version's size up to a page, the tail the kernel does not know zero.
 * One copy of the first version, whose argsz then says what follows;
 * only when that copy faults is argsz read on its own, for the right
 * errno (a too small argsz is -EINVAL even where nothing follows it).
 */
static int dbdev_ioctl_copy_in(const struct dbdev_ioctl_desc *desc,
			       struct dbdev_ucmd *uc,
			       union dbdev_ioctl_arg *karg)
{
	u8 *kbuf = (u8 *)karg;

	if (dbdev_get_words((u64 *)karg, uc->uarg, desc->min_size)) {
		if (get_user(uc->user_size, (const u32 __user *)uc->uarg))
			return -EFAULT;
		return uc->user_size < desc->min_size ? -EINVAL : -EFAULT;
	}
	uc->user_size = *(u32 *)kbuf;
	if (uc->user_size < desc->min_size)
		return -EINVAL;
	if (uc->user_size > PAGE_SIZE)
		return -E2BIG;
	uc->size = desc->size;
	uc->arg = karg;
	if (uc->user_size == desc->min_size && desc->size == desc->min_size)
		return 0;	/* the usual call: all copied already */
	return copy_struct_from_user(kbuf + desc->min_size,
				     desc->size - desc->min_size,
				     uc->uarg + desc->min_size,
				     uc->user_size - desc->min_size);
}

/*
 * Check the ioctl against its entry, copy its structure in and call the
 * handler, which answers with dbdev_respond() (DBDEV_IO and DBDEV_IO_BATCH,
 * on the hot path, write back only the fields they answer:
 * dbdev_io_answer()).
 */
static long dbdev_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	const struct dbdev_ioctl_desc *desc;
	/* written up to the ioctl's size before it is read */
	union dbdev_ioctl_arg karg __uninitialized;
	struct dbdev_ucmd uc = { .uarg = (void __user *)arg };
	unsigned int nr = _IOC_NR(cmd);
	int err;

	if (cmd != _IO(DBDEV_IOC_MAGIC, nr) || nr >= ARRAY_SIZE(dbdev_ioctls))
		return -ENOTTY;
	desc = &dbdev_ioctls[array_index_nospec(nr, ARRAY_SIZE(dbdev_ioctls))];
	if (!desc->fn)
		return -ENOTTY;
	if (desc->write && !(file->f_mode & FMODE_WRITE))
		return -EBADF;
	if (desc->size) {
		err = dbdev_ioctl_copy_in(desc, &uc, &karg);
		if (err)
			return err;
	}
	return desc->fn(file->private_data, &uc);
}

/* ------------------------------------------------------------------------
 * debugfs: dbdev/PID-N/{devices,stats} for each context, to look at a
 * running VMM's devices and counters without its help (not an ABI)
 */

static struct dentry *dbdev_debugfs_root;
static atomic_t dbdev_debugfs_seq;

/* A resource as dbdevctl writes it */
static void dbdev_debugfs_res(struct seq_file *m, const struct dbdev_uresource *r)
{
	static const char *const kind[] = { "pio", "mmio", "mem", "irq", "msi",
					    "slot", "mac" };
	static const char *const msi[] = { "pci", "msix", "generic" };

	switch (r->type) {
	case DBDEV_UR_PIO:
	case DBDEV_UR_MMIO:
	case DBDEV_UR_MEM:
		seq_printf(m, " %s:0x%llx+0x%llx", kind[r->type], r->base, r->size);
		break;
	case DBDEV_UR_MSI:
		seq_printf(m, " msi:%s:%llu+%llu", msi[r->msi_type], r->base,
			   r->size);
		break;
	case DBDEV_UR_MAC:
		seq_printf(m, " mac:%012llx", r->base);
		break;
	default:
		seq_printf(m, " %s:%llu", kind[r->type], r->base);
		break;
	}
}

static int dbdev_debugfs_devices_show(struct seq_file *m, void *unused)
{
	struct dbdev_ctx *ctx = m->private;
	struct dbdev_io_stats io;
	struct dbdev_irq_stats *st;
	struct dbdev_inst *inst;
	unsigned long id;
	unsigned int i;

	seq_puts(m, "# id type @name state resources...\n");
	seq_puts(m, "#   pio and mmio: reads writes failed; irqs: raised unbound resampled; notified\n");
	mutex_lock(&ctx->lock);
	xa_for_each(&ctx->insts, id, inst) {
		if (!inst->dev)
			continue;
		seq_printf(m, "%u %s @%s %s", inst->id, inst->type->name,
			   inst->name[0] ? inst->name : "-",
			   inst->tx_flags & DBDEV_INFO_TX_REMOVED ? "destroyed-in-tx" :
			   inst->tx_flags & DBDEV_INFO_TX_ADDED ? "created-in-tx" :
			   "live");
		for (i = 0; i < inst->nr_res; i++)
			dbdev_debugfs_res(m, &inst->res[i]);
		dbdev_device_io_stats(inst->dev, &io);
		st = &inst->dev->irq_stats;
		seq_printf(m, "\n    pio %llu %llu %llu mmio %llu %llu %llu irqs %lld %lld %lld notified %lld\n",
			   io.reads[DBDEV_BUS_PIO], io.writes[DBDEV_BUS_PIO],
			   io.errors[DBDEV_BUS_PIO], io.reads[DBDEV_BUS_MMIO],
			   io.writes[DBDEV_BUS_MMIO], io.errors[DBDEV_BUS_MMIO],
			   atomic64_read(&st->raised), atomic64_read(&st->unbound),
			   atomic64_read(&st->resampled),
			   atomic64_read(&st->notified));
	}
	mutex_unlock(&ctx->lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(dbdev_debugfs_devices);

static int dbdev_debugfs_stats_show(struct seq_file *m, void *unused)
{
	struct dbdev_ctx *ctx = m->private;
	struct dbdev_kvm *k = &ctx->kvm;

	seq_printf(m, "kvm_runs %lld\nserved_pio %lld\nserved_mmio %lld\nexits %lld\nexits_unowned %lld\nsignals %lld\nkvm_errors %lld\nio_errors %lld\n",
		   atomic64_read(&k->runs), atomic64_read(&k->served_pio),
		   atomic64_read(&k->served_mmio), atomic64_read(&k->exits),
		   atomic64_read(&k->exits_unowned), atomic64_read(&k->signals),
		   atomic64_read(&k->kvm_errors), atomic64_read(&k->io_errors));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(dbdev_debugfs_stats);

/* dbdev/PID-N for @ctx; without debugfs, nothing (an error pointer). */
static void dbdev_debugfs_add(struct dbdev_ctx *ctx)
{
	char name[32];

	snprintf(name, sizeof(name), "%d-%u", task_tgid_nr(current),
		 atomic_inc_return(&dbdev_debugfs_seq));
	ctx->debugfs = debugfs_create_dir(name, dbdev_debugfs_root);
	debugfs_create_file("devices", 0400, ctx->debugfs, ctx,
			    &dbdev_debugfs_devices_fops);
	debugfs_create_file("stats", 0400, ctx->debugfs, ctx,
			    &dbdev_debugfs_stats_fops);
}

static int dbdev_open(struct inode *inode, struct file *file)
{
	struct dbdev_ctx *ctx;

	ctx = kzalloc(sizeof(*ctx), GFP_KERNEL_ACCOUNT);
	if (!ctx)
		return -ENOMEM;
	ctx->mgr = dbdev_manager_create();
	if (IS_ERR(ctx->mgr)) {
		int err = PTR_ERR(ctx->mgr);

		kfree(ctx);
		return err;
	}
	dbdev_manager_limit_grants(ctx->mgr, DBDEV_CTX_MAX_GRANTS);
	mutex_init(&ctx->lock);
	xa_init_flags(&ctx->insts, XA_FLAGS_ALLOC1 | XA_FLAGS_ACCOUNT);
	dbdev_debugfs_add(ctx);
	file->private_data = ctx;
	return nonseekable_open(inode, file);
}

static int dbdev_release(struct inode *inode, struct file *file)
{
	struct dbdev_ctx *ctx = file->private_data;
	struct dbdev_inst *inst;
	unsigned long id;

	/* no reader of the files is left once this returns */
	debugfs_remove(ctx->debugfs);
	/* unregisters everything and waits for the last callback */
	dbdev_manager_destroy(ctx->mgr);
	xa_for_each(&ctx->insts, id, inst)
		dbdev_inst_free(ctx, inst);
	xa_destroy(&ctx->insts);
	dbdev_kvm_release(&ctx->kvm);
	mutex_destroy(&ctx->lock);
	kfree(ctx);
	return 0;
}

static const struct file_operations dbdev_fops = {
	.owner = THIS_MODULE,
	.open = dbdev_open,
	.release = dbdev_release,
	.unlocked_ioctl = dbdev_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

/*
 * A fixed minor, so that /dev/dbdev can exist before the module is loaded
 * (kmod static-nodes makes it from modules.devname at boot) and opening
 * it loads the module, as /dev/kvm does.  Documentation/admin-guide/
 * devices.txt reserves misc minors 243 to 254 for local use, which is
 * what an out-of-tree driver is.  Should another driver of the machine
 * have it, the load fails: the node kmod made, with the udev rule's group,
 * would be that driver's.  misc_minor=0 then takes a dynamic minor (and
 * the node exists only while dbdev is loaded).
 */
#define DBDEV_MINOR	246

static int misc_minor = DBDEV_MINOR;
module_param(misc_minor, int, 0444);
MODULE_PARM_DESC(misc_minor, "Misc minor of /dev/dbdev (default 246; 0: dynamic)");

static struct miscdevice dbdev_misc = {
	.minor = DBDEV_MINOR,
	.name = "dbdev",
	.fops = &dbdev_fops,
	.mode = 0600,
};

int dbdev_chardev_init(void)
{
	int err;

	if (misc_minor < 0 || misc_minor >= MISC_DYNAMIC_MINOR)
		return -EINVAL;
	dbdev_misc.minor = misc_minor ?: MISC_DYNAMIC_MINOR;
	dbdev_debugfs_root = debugfs_create_dir("dbdev", NULL);
	err = misc_register(&dbdev_misc);
	if (err == -EBUSY)
		pr_err("dbdev: misc minor %d is taken; load with misc_minor=0 for a dynamic one\n",
		       misc_minor);
	if (err)
		debugfs_remove(dbdev_debugfs_root);
	return err;
}

MODULE_ALIAS_MISCDEV(DBDEV_MINOR);
MODULE_ALIAS("devname:dbdev");

void dbdev_chardev_exit(void)
{
	misc_deregister(&dbdev_misc);
	debugfs_remove(dbdev_debugfs_root);
}
