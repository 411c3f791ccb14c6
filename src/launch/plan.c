/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * plan.c - what the parent builds before the clone and the child applies: the
 * capability sets, the seccomp filter the profile engine makes for them (a
 * profile that denies execve refused here), the buffers the child fills
 * instead of allocating.
 */
#include "launch.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/capability.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>

#include "ward/bpf_interp.h"
#include "ward/caps.h"
#include "ward/cgroup.h"
#include "ward/cleanup.h"
#include "ward/hooks.h"
#include "ward/log.h"
#include "ward/mount.h"
#include "ward/ns.h"
#include "ward/oci.h"
#include "ward/policy.h"
#include "ward/record.h"
#include "ward/selfexe.h"
#include "ward/sys.h"
#include "ward/tty.h"

void launch_plan_release(struct plan *plan)
{
	free(plan->mount_fds);
	plan->mount_fds = NULL;
	if (plan->cgroup_fd >= 0)
		close(plan->cgroup_fd);
	plan->cgroup_fd = -1;
	free(plan->hook_state[0]);
	free(plan->hook_state[1]);
	plan->hook_state[0] = plan->hook_state[1] = NULL;
	plan->hook_state_size = 0;
	caps_plan_release(&plan->caps);
	ns_plan_release(&plan->ns);
	filter_prog_release(&plan->seccomp);
	filter_prog_release(&plan->profile_prog);
}

/*
 * The filter and profile for @spec, refused before anything starts when the
 * profile denies execve: after its filter ward makes no other call, so no
 * container could start (and ward create's init could only die unseen).
 */
int plan_policy(const struct container_spec *spec, struct filter_prog *prog, struct ward_err *err)
{
	uint32_t arch = filter_native_arch();
	bool exit_denied;
	int r = policy_prepare(spec, 0, prog, NULL, err);

	if (r < 0 || decision_allows(child_filter_decision(prog, arch, SYS_execve)))
		return r;
	exit_denied = !decision_allows(child_filter_decision(prog, arch, SYS_exit_group));
	filter_prog_release(prog);
	r = err_set(err, 0,
		    "the seccomp profile denies execve%s, which ward needs after loading it "
		    "(add %s to the profile)",
		    exit_denied ? " and exit_group" : "", exit_denied ? "them" : "it");
	err->status = WARD_EXIT_LAUNCHER;
	return r;
}

/* The capabilities: Docker's rules from flags, or the five sets of a config.json. */
int plan_caps(struct plan *plan, const struct container_spec *spec, struct ward_err *err)
{
	const struct spec_oci *o = &spec->oci;
	int r;

	if (o->oci) {
		struct caps_sets sets = {.bounding = spec->caps,
					 .effective = o->caps_effective,
					 .permitted = o->caps_permitted,
					 .inheritable = o->caps_inheritable,
					 .ambient = o->caps_ambient};
		/*
		 * the kernel raises an ambient capability only if it is permitted and
		 * inheritable: the others are left out, silently, as runc does (its
		 * own `runc spec` lists ambient capabilities without inheritable ones)
		 */
		sets.ambient &= sets.permitted & sets.inheritable;
		r = caps_prepare_sets(&plan->caps, &sets, err);
	} else {
		r = caps_prepare(&plan->caps, spec->caps, err);
	}
	/* without no_new_privs, seccomp(2) needs CAP_SYS_ADMIN: kept until execve */
	if (r == 0 && plan->seccomp.enabled && !spec->no_new_privs)
		r = caps_hold(&plan->caps, CAP_SYS_ADMIN, err);
	return r;
}

/* Whether ward create has hooks to run during set-up (ward and the init then talk). */
bool setup_hooks_wanted(const struct container_spec *spec)
{
	return hooks_any(spec, SPEC_HOOK_PRESTART) || hooks_any(spec, SPEC_HOOK_CREATE_RUNTIME) ||
	       hooks_any(spec, SPEC_HOOK_CREATE_CONTAINER) ||
	       hooks_any(spec, SPEC_HOOK_START_CONTAINER);
}

/*
 * The child's buffers for the state JSONs of the set-up hooks, made now: the
 * JSON with the init's pid is as long as with pid 0 but for the pid's digits.
 */
int plan_hook_state(struct plan *plan, struct ward_err *err)
{
	const struct proc_opts *opts = plan->opts;
	size_t longest = 0;

	if (!opts->state_json)
		return err_set(err, EINVAL, "create: the config has hooks, but no state for them");
	for (int i = 0; i < 2; i++) {
		char *json = opts->state_json(opts->state_arg, 0, i ? "created" : "creating");

		longest = strlen(json) > longest ? strlen(json) : longest;
		free(json);
	}
	plan->hook_state_size = longest + 32;
	plan->hook_state[0] = xmalloc(plan->hook_state_size);
	plan->hook_state[1] = xmalloc(plan->hook_state_size);
	return 0;
}
