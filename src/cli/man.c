/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * man.c - the manual pages, in roff, made from the help texts of usage.c (so the
 * two cannot drift; the build runs ward-man for each page), and `ward version`.
 */
#include "ward/cli.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "ward/oci.h"

static const struct {
	const char *page;
	enum cli_command command;
	const char *summary;
} pages[] = {
    {"ward", CLI_HELP, "a minimal container launcher with a seccomp profile engine"},
    {"ward-run", CLI_RUN, "run a command in a root filesystem, with docker run's options"},
    {"ward-compare", CLI_COMPARE, "what a configuration blocks, against unconfined or another"},
    {"ward-seccomp", CLI_SECCOMP, "check, explain, export and measure seccomp profiles"},
    {"ward-cleanup", CLI_CLEANUP, "remove cgroups left behind by a ward that was killed"},
    {"ward-create", CLI_OCI, "set an OCI bundle's container up, waiting for start"},
    {"ward-start", CLI_OCI, "run a created container's process"},
    {"ward-state", CLI_OCI, "a container's state, as JSON"},
    {"ward-kill", CLI_OCI, "signal a container's process, or all of them"},
    {"ward-stop", CLI_OCI, "stop a container: its stop signal, then SIGKILL after a timeout"},
    {"ward-delete", CLI_OCI, "remove a stopped (or, with --force, running) container"},
    {"ward-exec", CLI_OCI, "run a process in a container"},
    {"ward-list", CLI_OCI, "the containers under --root"},
    {"ward-ps", CLI_OCI, "the processes of a container"},
    {"ward-pause", CLI_OCI, "freeze every process of a container"},
    {"ward-resume", CLI_OCI, "thaw a paused container"},
    {"ward-update", CLI_OCI, "new limits for a container's cgroups"},
    {"ward-spec", CLI_OCI, "write a default config.json"},
    {"ward-features", CLI_OCI, "what this runtime supports, as JSON"},
};

#define NPAGES (sizeof(pages) / sizeof(pages[0]))

/* One line of text, roff-safe: backslashes escaped, a leading . or ' neutralised. */
static void roff_line(const char *s, size_t len, FILE *out)
{
	if (len && (s[0] == '.' || s[0] == '\''))
		fputs("\\&", out);
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\\')
			fputs("\\e", out);
		else if (s[i] == '-')
			fputs("\\-", out);
		else
			fputc(s[i], out);
	}
	fputc('\n', out);
}

/* The help text: its "Usage:" lines as the synopsis, the rest as the description. */
static void roff_body(const char *text, FILE *out)
{
	const char *p = text;
	bool synopsis = true;

	fputs(".SH SYNOPSIS\n.nf\n", out);
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		if (synopsis && len == 0) {
			synopsis = false;
			fputs(".fi\n.SH DESCRIPTION\n.nf\n", out);
		} else if (synopsis && strncmp(p, "Usage: ", 7) == 0) {
			roff_line(p + 7, len - 7, out);
		} else {
			roff_line(p, len, out);
		}
		p = nl ? nl + 1 : p + len;
	}
	fputs(".fi\n", out);
}

int cli_man(const char *page, FILE *out)
{
	size_t i;

	if (!page) {
		for (i = 0; i < NPAGES; i++)
			fprintf(out, "%s\n", pages[i].page);
		return 0;
	}
	for (i = 0; i < NPAGES && strcmp(pages[i].page, page) != 0; i++)
		;
	if (i == NPAGES)
		return -1;
	fprintf(out, ".TH \"%s\" 1 \"\" \"ward %s\" \"User Commands\"\n", page, WARD_VERSION);
	fputs(".SH NAME\n", out);
	fprintf(out, "%s \\- %s\n", page, pages[i].summary); /* page names are [a-z-] */
	roff_body(cli_usage_text(pages[i].command), out);
	fputs(".SH SEE ALSO\n", out);
	for (size_t k = 0; k < NPAGES; k++)
		if (k != i)
			fprintf(out, "\\fB%s\\fR(1)%s\n", pages[k].page, k + 1 < NPAGES ? "," : "");
	return 0;
}

/* A one-line file of /proc or /sys, or @none. */
static void print_file_line(FILE *out, const char *label, const char *path, const char *none)
{
	char buf[512] = "";
	FILE *f = fopen(path, "re");

	if (f) {
		if (!fgets(buf, sizeof(buf), f))
			buf[0] = '\0';
		fclose(f);
	}
	buf[strcspn(buf, "\n")] = '\0';
	fprintf(out, "%s: %s\n", label, buf[0] ? buf : none);
}

void cli_version(FILE *out)
{
	struct utsname u;
	const char *cg = access("/sys/fs/cgroup/cgroup.controllers", F_OK) == 0 ? "v2"
			 : access("/sys/fs/cgroup/unified", F_OK) == 0 ? "hybrid (v1 and v2)"
								       : "v1";

	if (uname(&u) == 0)
		fprintf(out, "kernel: %s %s\n", u.release, u.machine);
	print_file_line(out, "seccomp actions", "/proc/sys/kernel/seccomp/actions_avail",
			"none (no seccomp)");
	fprintf(out, "cgroups: %s\n", cg);
	print_file_line(out, "user namespaces (max)", "/proc/sys/user/max_user_namespaces",
			"not available");
}
