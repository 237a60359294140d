// SPDX-License-Identifier: GPL-2.0
/*
 * dbdev resources and constraints: validation and the getters of a
 * resource list.  Everything here is pure: no locks, no allocation.
 */
#include <linux/export.h>
#include <linux/log2.h>

#include "dbdev_internal.h"

/* Highest address of each address kind; memory and MMIO share a space. */
static u64 dbdev_addr_limit(bool pio)
{
	return pio ? DBDEV_PIO_LIMIT - 1 : U64_MAX;
}

/* Is [base, base + size) non-empty and inside the space ending at @limit? */
static bool dbdev_range_ok(u64 base, u64 size, u64 limit)
{
	return size && base <= limit && size - 1 <= limit - base;
}

static bool dbdev_msi_size_ok(enum dbdev_msi_type type, u64 size)
{
	switch (type) {
	case DBDEV_MSI_PCI:
		return size && size <= DBDEV_PCI_MSI_MAX;
	case DBDEV_MSI_PCI_MSIX:
		return size && size <= DBDEV_PCI_MSIX_MAX;
	case DBDEV_MSI_GENERIC:
		return size && size <= U32_MAX;
	default:
		return false;
	}
}

/**
 * dbdev_resource_validate() - check one resource on its own
 * @res: the resource
 *
 * A range must be non-empty and end inside its address space (port I/O
 * below 0x10000, MMIO and memory without 64-bit overflow); an MSI block must
 * be non-empty, no larger than its type allows and not wrap the vector
 * space.
 *
 * Return: 0 if @res is well formed, -EINVAL if not.
 */
int dbdev_resource_validate(const struct dbdev_resource *res)
{
	switch (res->type) {
	case DBDEV_RES_PIO:
	case DBDEV_RES_MMIO:
	case DBDEV_RES_MEM:
		if (!dbdev_range_ok(res->range.base, res->range.size,
				    dbdev_addr_limit(res->type == DBDEV_RES_PIO)))
			return -EINVAL;
		return 0;
	case DBDEV_RES_MSI:
		if (!dbdev_msi_size_ok(res->msi.type, res->msi.size) ||
		    !dbdev_range_ok(res->msi.base, res->msi.size, U32_MAX))
			return -EINVAL;
		return 0;
	case DBDEV_RES_LEGACY_IRQ:
	case DBDEV_RES_KVM_SLOT:
	case DBDEV_RES_MAC:
		return 0;
	default:
		return -EINVAL;
	}
}
EXPORT_SYMBOL_NS_GPL(dbdev_resource_validate, DBDEV_NS);

/**
 * dbdev_constraint_validate() - check one constraint on its own
 * @con: the constraint
 *
 * Address kinds need a non-zero size, a power-of-two alignment and, with
 * %DBDEV_CON_F_WINDOW, a window with @min <= @max inside the address space.
 * A legacy IRQ or a MAC asks for exactly one; MSI kinds for 1 to the most
 * vectors of their type; KVM slots for at least one slot, all within 32
 * bits.  A flag that the kind does not take, or a non-zero field that
 * neither the kind nor its flags use (@align outside the address kinds,
 * @min and @max without a window, @fixed without %DBDEV_CON_F_FIXED), is an
 * error.
 *
 * Return: 0 if @con is well formed, -EINVAL if not.
 */
int dbdev_constraint_validate(const struct dbdev_constraint *con)
{
	u32 allowed;

	switch (con->type) {
	case DBDEV_CON_PIO:
	case DBDEV_CON_MMIO:
	case DBDEV_CON_MEM:
		allowed = DBDEV_CON_F_WINDOW;
		if (!con->size || !is_power_of_2(con->align))
			return -EINVAL;
		if (con->size - 1 > dbdev_addr_limit(con->type == DBDEV_CON_PIO))
			return -EINVAL;
		if ((con->flags & DBDEV_CON_F_WINDOW) &&
		    (con->min > con->max ||
		     con->max > dbdev_addr_limit(con->type == DBDEV_CON_PIO)))
			return -EINVAL;
		break;
	case DBDEV_CON_LEGACY_IRQ:
		allowed = DBDEV_CON_F_FIXED;
		if (con->size != 1)
			return -EINVAL;
		break;
	case DBDEV_CON_PCI_MSI:
	case DBDEV_CON_PCI_MSIX:
	case DBDEV_CON_GENERIC_MSI:
		allowed = 0;
		if (!dbdev_msi_size_ok(dbdev_con_msi_type(con->type), con->size))
			return -EINVAL;
		break;
	case DBDEV_CON_MAC:
		allowed = 0;
		if (con->size != 1)
			return -EINVAL;
		break;
	case DBDEV_CON_KVM_SLOT:
		allowed = DBDEV_CON_F_FIXED;
		if (!con->size || con->size - 1 > U32_MAX - con->fixed)
			return -EINVAL;
		break;
	default:
		return -EINVAL;
	}
	if (con->flags & ~allowed)
		return -EINVAL;
	/* a field that neither the kind nor its flags use must be zero */
	if ((!(con->flags & DBDEV_CON_F_WINDOW) && (con->min || con->max)) ||
	    (!(con->flags & DBDEV_CON_F_FIXED) && con->fixed) ||
	    (allowed != DBDEV_CON_F_WINDOW && con->align))
		return -EINVAL;
	return 0;
}
EXPORT_SYMBOL_NS_GPL(dbdev_constraint_validate, DBDEV_NS);

/**
 * dbdev_res_count() - count the resources of one type in a list
 * @list: the list
 * @type: the type
 *
 * Return: how many entries of @list have @type.
 */
unsigned int dbdev_res_count(const struct dbdev_resources *list,
			     enum dbdev_res_type type)
{
	const struct dbdev_resource *r;
	unsigned int n = 0;

	dbdev_for_each_res(r, list, type)
		n++;
	return n;
}
EXPORT_SYMBOL_NS_GPL(dbdev_res_count, DBDEV_NS);

/**
 * dbdev_res_nth() - the @n-th resource of one type in a list
 * @list: the list
 * @type: the type
 * @n: 0 for the first
 *
 * "All PIO ranges in order" is n = 0, 1, ... until %NULL; "the first legacy
 * IRQ" or "the first MAC" is n = 0.
 *
 * Return: the entry, or %NULL if @list has no more than @n of @type.
 */
const struct dbdev_resource *dbdev_res_nth(const struct dbdev_resources *list,
					   enum dbdev_res_type type,
					   unsigned int n)
{
	const struct dbdev_resource *r;

	dbdev_for_each_res(r, list, type)
		if (!n--)
			return r;
	return NULL;
}
EXPORT_SYMBOL_NS_GPL(dbdev_res_nth, DBDEV_NS);

/**
 * dbdev_res_msi() - the first MSI block of one MSI type in a list
 * @list: the list
 * @type: PCI MSI, PCI MSI-X or generic
 *
 * Return: the entry, or %NULL if @list has no MSI block of @type.
 */
const struct dbdev_resource *dbdev_res_msi(const struct dbdev_resources *list,
					   enum dbdev_msi_type type)
{
	const struct dbdev_resource *r;

	dbdev_for_each_res(r, list, DBDEV_RES_MSI)
		if (r->msi.type == type)
			return r;
	return NULL;
}
EXPORT_SYMBOL_NS_GPL(dbdev_res_msi, DBDEV_NS);
