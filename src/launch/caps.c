/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * caps.c - capability names, Docker's add/drop rules, and applying the result
 * with libcap. Everything that allocates happens in caps_prepare(), in the parent.
 */
#include "ward/caps.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>

#include "ward/util.h"

#define BIT(n) (UINT64_C(1) << (n))

uint64_t caps_docker_default(void)
{
	return BIT(CAP_CHOWN) | BIT(CAP_DAC_OVERRIDE) | BIT(CAP_FOWNER) | BIT(CAP_FSETID) |
	       BIT(CAP_KILL) | BIT(CAP_SETGID) | BIT(CAP_SETUID) | BIT(CAP_SETPCAP) |
	       BIT(CAP_NET_BIND_SERVICE) | BIT(CAP_NET_RAW) | BIT(CAP_SYS_CHROOT) | BIT(CAP_MKNOD) |
	       BIT(CAP_AUDIT_WRITE) | BIT(CAP_SETFCAP);
}

static int last_cap(void)
{
	/* cap_max_bits() asks the kernel (/proc/sys/kernel/cap_last_cap) */
	int n = (int)cap_max_bits() - 1;

	return n >= 0 && n < 64 ? n : CAP_LAST_CAP;
}

uint64_t caps_all(void)
{
	int last = last_cap();

	return last >= 63 ? UINT64_MAX : BIT(last + 1) - 1;
}

uint64_t caps_bounding(void)
{
	uint64_t m = 0;

	for (int i = 0; i <= last_cap(); i++)
		if (prctl(PR_CAPBSET_READ, i, 0, 0, 0) == 1)
			m |= BIT(i);
	return m;
}

bool caps_have(int cap)
{
	cap_t c = cap_get_proc();
	cap_flag_value_t v = CAP_CLEAR;

	if (!c)
		return false;
	if (cap_get_flag(c, (cap_value_t)cap, CAP_EFFECTIVE, &v) < 0)
		v = CAP_CLEAR;
	cap_free(c);
	return v == CAP_SET;
}

int caps_from_name(const char *name)
{
	char canon[64];
	size_t i, off = 0;
	cap_value_t v;

	if (strncasecmp(name, "CAP_", 4) != 0) {
		memcpy(canon, "cap_", 4);
		off = 4;
	}
	for (i = 0; name[i]; i++) {
		if (off + i + 1 >= sizeof(canon))
			return -1;
		canon[off + i] = (char)tolower((unsigned char)name[i]);
	}
	canon[off + i] = '\0';
	/* libcap also accepts bare numbers ("12"); Docker does not */
	if (isdigit((unsigned char)canon[4]) || cap_from_name(canon, &v) != 0)
		return -1;
	if (v < 0 || v > last_cap())
		return -1;
	return v;
}

const char *caps_name(int cap)
{
	/* libcap's names are lowercase and allocated; keep our own upper-case table */
	static char names[64][32];
	char *n;

	if (cap < 0 || cap >= 64)
		return NULL;
	if (names[cap][0])
		return names[cap];
	n = cap_to_name(cap);
	if (!n)
		return NULL;
	(void)snprintf(names[cap], sizeof(names[cap]), "%s", n);
	cap_free(n);
	for (char *p = names[cap]; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	return names[cap];
}

static bool has_all(char *const *names)
{
	for (; names && *names; names++)
		if (strcasecmp(*names, "ALL") == 0 || strcasecmp(*names, "CAP_ALL") == 0)
			return true;
	return false;
}

static int mask_of(char *const *names, uint64_t *out, struct ward_err *err)
{
	uint64_t m = 0;

	for (; names && *names; names++) {
		int c;

		if (strcasecmp(*names, "ALL") == 0 || strcasecmp(*names, "CAP_ALL") == 0)
			continue;
		c = caps_from_name(*names);
		if (c < 0)
			return err_set(err, 0, "unknown capability '%s'", *names);
		m |= BIT(c);
	}
	*out = m;
	return 0;
}

int caps_tweak(uint64_t base, char *const *adds, char *const *drops, uint64_t *out,
	       struct ward_err *err)
{
	uint64_t add = 0, drop = 0; /* set by mask_of() on success; gcc 12 -O3 cannot see it */
	int r;

	r = mask_of(adds, &add, err);
	if (r < 0)
		return r;
	r = mask_of(drops, &drop, err);
	if (r < 0)
		return r;
	if (has_all(adds))
		*out = caps_bounding() & ~drop; /* every one ward can hand on */
	else if (has_all(drops))
		*out = add;
	else
		*out = (base & ~drop) | add;
	return 0;
}

int caps_prepare(struct caps_plan *plan, uint64_t keep, struct ward_err *err)
{
	struct caps_sets sets = {
	    .bounding = keep, .effective = keep, .permitted = keep, .inheritable = 0, .ambient = 0};

	return caps_prepare_sets(plan, &sets, err);
}

int caps_prepare_sets(struct caps_plan *plan, const struct caps_sets *sets, struct ward_err *err)
{
	uint64_t all =
	    sets->bounding | sets->effective | sets->permitted | sets->inheritable | sets->ambient;
	uint64_t missing = all & ~caps_bounding();
	const struct {
		cap_flag_t flag;
		uint64_t set;
	} flags[] = {
	    {CAP_PERMITTED, sets->permitted},
	    {CAP_EFFECTIVE, sets->effective},
	    {CAP_INHERITABLE, sets->inheritable},
	};
	cap_t c = NULL;
	int last = last_cap();

	if (missing) {
		int i = __builtin_ctzll(missing);

		return err_set(
		    err, 0,
		    "cannot give the container '%s': ward itself does not have it (it is "
		    "not in ward's capability bounding set)",
		    caps_name(i));
	}
	c = cap_init();
	if (!c)
		return err_set(err, errno, "cannot allocate a capability set");
	for (int i = 0; i <= last; i++) {
		cap_value_t v = i;

		for (size_t k = 0; k < sizeof(flags) / sizeof(flags[0]); k++) {
			if (!(flags[k].set & BIT(i)))
				continue;
			if (cap_set_flag(c, flags[k].flag, 1, &v, CAP_SET) < 0) {
				int e = errno;

				cap_free(c);
				return err_set(err, e, "cannot prepare capability '%s'",
					       caps_name(i));
			}
		}
	}
	plan->keep = sets->bounding;
	plan->ambient = sets->ambient;
	plan->state = c;
	plan->held = NULL;
	plan->last_cap = last;
	return 0;
}

int caps_drop_bounding(const struct caps_plan *plan, struct ward_err *err)
{
	for (int i = 0; i <= plan->last_cap; i++) {
		if (plan->keep & BIT(i))
			continue;
		if (cap_drop_bound((cap_value_t)i) < 0 && errno != EINVAL)
			return err_set(err, errno, "cannot drop '%s' from the bounding set",
				       caps_name(i));
	}
	return 0;
}

int caps_hold(struct caps_plan *plan, int cap, struct ward_err *err)
{
	cap_value_t v = cap;
	cap_flag_value_t eff = CAP_CLEAR, perm = CAP_CLEAR;
	cap_t c;

	if (cap_get_flag((cap_t)plan->state, v, CAP_EFFECTIVE, &eff) < 0 ||
	    cap_get_flag((cap_t)plan->state, v, CAP_PERMITTED, &perm) < 0)
		return err_set(err, errno, "cannot read the planned capability '%s'",
			       caps_name(cap));
	if (eff == CAP_SET && perm == CAP_SET)
		return 0;
	c = cap_dup((cap_t)plan->state);
	if (!c)
		return err_set(err, errno, "cannot allocate a capability set");
	if (cap_set_flag(c, CAP_PERMITTED, 1, &v, CAP_SET) < 0 ||
	    cap_set_flag(c, CAP_EFFECTIVE, 1, &v, CAP_SET) < 0) {
		int e = errno;

		cap_free(c);
		return err_set(err, e, "cannot prepare capability '%s'", caps_name(cap));
	}
	if (plan->held)
		cap_free(plan->held);
	plan->held = c;
	return 0;
}

int caps_apply(const struct caps_plan *plan, struct ward_err *err)
{
	if (cap_set_proc((cap_t)(plan->held ? plan->held : plan->state)) < 0)
		return err_set(err, errno, "cannot set the capabilities");
	/* Docker gives no ambient capabilities; clear any we inherited */
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return err_set(err, errno, "cannot clear the ambient capabilities");
	/* an OCI config's ambient set: each one is already permitted and inheritable */
	for (int i = 0; i <= plan->last_cap; i++) {
		if (!(plan->ambient & BIT(i)))
			continue;
		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, (unsigned long)i, 0, 0) < 0)
			return err_set(err, errno, "cannot raise ambient capability '%s'",
				       caps_name(i));
	}
	return 0;
}

void caps_plan_release(struct caps_plan *plan)
{
	if (plan->state)
		cap_free(plan->state);
	if (plan->held)
		cap_free(plan->held);
	plan->state = NULL;
	plan->held = NULL;
}

void caps_format(uint64_t caps, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int i = 0; i < 64; i++) {
		const char *n;
		int w;

		if (!(caps & BIT(i)) || !(n = caps_name(i)))
			continue;
		w = snprintf(buf + used, len - used, "%s%s", used ? "," : "", n);
		if (w < 0 || (size_t)w >= len - used)
			break;
		used += (size_t)w;
	}
}
