/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * inspect_check.c - `ward seccomp check`: a profile parses, resolves and
 * compiles, and lets a program start and end, and which runtimes can start a
 * container under it: each calls a few syscalls of its own after loading the
 * filter, measured per runtime below.
 */
#include "ward/inspect.h"

#include <errno.h>
#include <linux/seccomp.h>
#include <string.h>
#include <sys/syscall.h>

#include "inspect_int.h"
#include "ward/caps.h"
#include "ward/runtime_needs.h"

#define NR(n)                                                                                      \
	{                                                                                          \
#n, SYS_##n                                                                        \
	}

static bool ret_allows(uint32_t ret)
{
	uint32_t action = ret & SECCOMP_RET_ACTION_FULL;

	return action == SECCOMP_RET_ALLOW || action == SECCOMP_RET_LOG;
}

/* The names of @calls that @prog denies, space-separated, into @buf; false if none. */
static bool denied_of(const struct filter_prog *prog, const struct named_nr *calls, size_t n,
		      char *buf, size_t len)
{
	size_t used = 0;
	size_t executed;

	buf[0] = '\0';
	for (size_t i = 0; i < n && calls[i].name; i++) {
		if (ret_allows(inspect_run_prog(prog, calls[i].nr, NULL, &executed)))
			continue;
		used += (size_t)snprintf(buf + used, used < len ? len - used : 0, "%s%s",
					 used ? " " : "", calls[i].name);
	}
	return used > 0;
}

/*
 * What starting a command needs under @c: the program's own execve and
 * exit_group, then each runtime's calls after its filter. Return: whether a
 * program can start and end at all.
 */
static bool check_needs(const struct compiled *c, FILE *out)
{
	static const struct named_nr program[] = {NR(execve), NR(exit_group)};
	char denied[256];
	bool ok = true;

	if (!c->prog.enabled)
		return true;
	if (denied_of(&c->prog, program, 2, denied, sizeof(denied))) {
		fprintf(out, "%s: error: denies %s: no program can %s under it\n", c->src.name,
			denied, strstr(denied, "execve") ? "start" : "exit");
		ok = false;
	}
	for (size_t i = 0; i < runtime_needs_count; i++) {
		const struct runtime_needs *rt = &runtime_needs[i];
		const size_t n = sizeof(rt->calls) / sizeof(rt->calls[0]);

		if (denied_of(&c->prog, rt->calls, n, denied, sizeof(denied)))
			fprintf(out,
				"%s: warning: %s%s%s (%s) cannot start a container: it calls %s "
				"after loading the filter\n",
				c->src.name, rt->runtime, rt->when[0] ? " " : "", rt->when,
				rt->engines, denied);
		else
			fprintf(out, "%s: %s%s%s (%s) can start a container under it\n",
				c->src.name, rt->runtime, rt->when[0] ? " " : "", rt->when,
				rt->engines);
	}
	return ok;
}

int inspect_check(const struct inspect_opts *o, FILE *out, struct ward_err *err)
{
	bool ok;
	struct compiled c;
	char caps[1024];
	int r = inspect_compile(o, &c, err);

	if (r < 0)
		return r;
	caps_format(o->caps, caps, sizeof(caps));
	fprintf(out, "%s: ok: %zu rules, %zu apply here (capabilities: %s)\n", c.src.name,
		c.prof->nrules, c.rs.nrules, caps[0] ? caps : "none");
	if (c.prog.enabled)
		fprintf(out, "%s: compiled to %zu BPF instructions for %zu architecture%s\n",
			c.src.name, c.prog.len, c.rs.narches ? c.rs.narches : 1,
			c.rs.narches > 1 ? "s" : "");
	else
		fprintf(out, "%s: no filter: the profile has no default action and no rules\n",
			c.src.name);
	ok = check_needs(&c, out);
	if (!ok)
		err_set(err, 0, "seccomp profile '%s' denies what every program needs", c.src.name);
	inspect_compiled_release(&c);
	return ok ? 0 : -EINVAL;
}
