/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * longopt.c - exact long option names: getopt_long() takes any unambiguous
 * prefix (--read for --read-only, --pid for --pids-limit), Docker takes none,
 * so a verb's parser first checks every option word against its table and
 * names the nearest documented option when there is no exact match.
 */
#include "ward/cli_parse.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

/* Levenshtein distance of a[0..alen) and b, capped at 99 (names are short). */
static size_t edit_distance(const char *a, size_t alen, const char *b)
{
	size_t blen = strlen(b), row[64], i, j;

	if (alen >= 63 || blen >= 63)
		return 99;
	for (j = 0; j <= blen; j++)
		row[j] = j;
	for (i = 1; i <= alen; i++) {
		size_t diag = row[0];

		row[0] = i;
		for (j = 1; j <= blen; j++) {
			size_t up = row[j], best = diag + (a[i - 1] != b[j - 1]);

			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			diag = up;
			row[j] = best;
		}
	}
	return row[blen];
}

/* The option word @word (after "--", up to @len) is not in @table: say what is near. */
static int unknown_long(const char *who, const char *word, size_t len, const struct option *table,
			struct ward_err *err)
{
	const struct option *near = NULL, *second = NULL;
	size_t best = 99, nprefix = 0;

	for (const struct option *o = table; o->name; o++) {
		if (strncmp(o->name, word, len) == 0) {
			second = nprefix ? o : NULL;
			near = nprefix ? near : o;
			nprefix++;
		}
	}
	if (nprefix > 1)
		return err_set(
		    err, 0, "%s: ambiguous option '--%.*s' (--%s, --%s%s); see 'ward %s --help'",
		    who, (int)len, word, near->name, second->name, nprefix > 2 ? ", ..." : "", who);
	if (!nprefix) {
		for (const struct option *o = table; o->name; o++) {
			size_t d = edit_distance(word, len, o->name);

			if (d < best) {
				best = d;
				near = o;
			}
		}
		if (best > 2 || best * 3 > len)
			near = NULL;
	}
	if (!near)
		return err_set(err, 0, "%s: unknown option '--%.*s'", who, (int)len, word);
	return err_set(err, 0,
		       "%s: unknown option '--%.*s' (did you mean --%s?); see 'ward %s --help'",
		       who, (int)len, word, near->name, who);
}

static const struct option *find_long(const struct option *table, const char *word, size_t len)
{
	for (const struct option *o = table; o->name; o++)
		if (strlen(o->name) == len && strncmp(o->name, word, len) == 0)
			return o;
	return NULL;
}

int cli_exact_longopts(const char *who, int argc, char **argv, const char *shortopts,
		       const struct option *table, struct ward_err *err)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--") == 0 || a[0] != '-' || a[1] == '\0')
			return 0; /* "+": the options end at the first operand */
		if (a[1] == '-') {
			const char *eq = strchr(a + 2, '=');
			size_t len = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
			const struct option *o = find_long(table, a + 2, len);

			if (!o)
				return unknown_long(who, a + 2, len, table, err);
			if (o->has_arg == required_argument && !eq)
				i++;
			continue;
		}
		/* a cluster of short options: one taking an argument ends it */
		for (const char *p = a + 1; *p; p++) {
			const char *s = strchr(shortopts, *p);

			if (*p == ':' || !s || s[1] != ':')
				continue; /* unknown ones are getopt's to name */
			if (p[1] == '\0')
				i++;
			break;
		}
	}
	return 0;
}
